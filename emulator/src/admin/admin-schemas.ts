import { z } from 'zod';

/** Request bodies of the admin API (JSON). */
export const newUserSchema = z
  .object({
    email: z.string().min(3).max(254),
    timeZone: z.string().min(1).max(100).optional(),
    name: z.string().max(200).optional(),
  })
  .strict();

export const mintTokensSchema = z
  .object({
    email: z.string().min(3).max(254),
    scopes: z.array(z.string().min(1).max(200)).max(50),
    expiresInSeconds: z
      .number()
      .int()
      .min(1)
      .max(10 * 365 * 86_400)
      .optional(),
    refreshExpiresInSeconds: z
      .number()
      .int()
      .min(1)
      .max(10 * 365 * 86_400)
      .optional(),
  })
  .strict();

export const clientSchema = z
  .object({
    client_id: z.string().min(1).max(512),
    client_secret: z.string().min(1).max(512),
    redirect_uris: z.array(z.string().url().max(2048)).min(1).max(100),
  })
  .strict();

export const settingsSchema = z
  .object({
    autoConsent: z.boolean().optional(),
    rateLimitPerMinute: z.number().int().min(1).max(100_000_000).optional(),
    webhookRetryBaseMs: z.number().int().min(0).max(600_000).optional(),
    conferenceDelayMs: z.number().int().min(0).max(3_600_000).optional(),
    burstLimitPerSecond: z.number().int().min(0).max(1_000_000).optional(),
    loopbackHttpWebhooks: z.boolean().optional(),
  })
  .strict();

export const clockSchema = z
  .object({
    advanceMs: z.number().int().min(-1e13).max(1e13).optional(),
    now: z.union([z.string().min(1).max(64), z.number().int().min(0).max(253_402_300_799_999)]).optional(),
    /** Pin the clock (it stops until advanced or released). */
    fixed: z.boolean().optional(),
    release: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => b.advanceMs !== undefined || b.now !== undefined || b.fixed !== undefined || b.release, {
    message: 'Give advanceMs, now, fixed or release',
  });

export const bulkSchema = z
  .object({
    calendarId: z.string().min(1).max(1024).optional(),
    events: z.array(z.unknown()).max(1_000_000),
  })
  .strict();

export const adminEventSchema = z
  .object({
    calendarId: z.string().min(1).max(1024).optional(),
    event: z.record(z.string(), z.unknown()),
    sendUpdates: z.enum(['all', 'externalOnly', 'none']).optional(),
  })
  .strict();

export const snapshotSchema = z.object({ file: z.string().min(1).max(4096).optional() }).strict();
