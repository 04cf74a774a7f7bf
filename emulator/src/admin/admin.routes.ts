import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { AdminError } from '../errors.js';
import { ADMIN_CLIENT_ID, ACCESS_TOKEN_TTL_SECONDS } from '../oauth/oauth-store.js';
import { calendarsOf, createUser, normalizeEmail } from '../state/directory.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { settleConferences, type ConferenceTimer } from '../calendar/conference-jobs.js';
import { canonicalScope } from '../calendar/scopes.js';
import {
  clientSchema,
  clockSchema,
  mintTokensSchema,
  newUserSchema,
  settingsSchema,
  snapshotSchema,
} from './admin-schemas.js';

export const ADMIN_PREFIX = '/__admin';

/**
 * `path: message` lines of a zod failure. A union that matched no option reports the issues of
 * the option that came closest (fewest issues), which names the field actually wrong rather than
 * a bare "Invalid input".
 */
function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, option) => (option.length < best.length ? option : best));
      if (closest.length > 0) return describeIssues(closest, path);
    }
    return [`${path.map(String).join('.') || 'body'}: ${issue.message}`];
  });
}

/** Parses an admin body with zod; problems answer 400 with the list of issues. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new AdminError(400, `Invalid request: ${describeIssues(result.error.issues).join('; ')}`);
  }
  return result.data;
}

function clockView(state: EmulatorState): Record<string, unknown> {
  const { offsetMs, fixedNowMs } = state.clock.state();
  const now = state.now();
  return { now: new Date(now).toISOString(), nowMs: now, offsetMs, fixed: fixedNowMs !== null };
}

export interface AdminHooks {
  saveSnapshot(file?: string): Promise<string>;
  resetAll(): void;
}

/** Users, tokens, OAuth clients, settings, clock, sync tokens, reset and snapshot. */
export function registerAdminRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  hooks: AdminHooks,
  conferences: ConferenceTimer,
): void {
  const p = ADMIN_PREFIX;

  app.post(`${p}/users`, async (request, reply) => {
    const body = parseBody(newUserSchema, request.body);
    const user = createUser(state, body);
    return reply
      .code(201)
      .send({ ...user, createdAt: new Date(user.createdMs).toISOString(), primaryCalendarId: user.email });
  });

  app.get(`${p}/users`, async () =>
    [...state.users.values()].map((user) => ({
      email: user.email,
      name: user.name,
      timeZone: user.timeZone,
      calendars: calendarsOf(state, user.email).map((c) => ({
        id: c.meta.id,
        summary: c.meta.summary,
        primary: c.meta.primary,
        events: c.store.size,
      })),
    })),
  );

  app.post<{ Params: { email: string } }>(`${p}/users/:email/revoke`, async (request) => {
    const email = normalizeEmail(request.params.email);
    if (!state.users.has(email)) throw new AdminError(404, `Unknown user ${email}`);
    return { email, revoked: state.oauth.revokeUser(email, state.now()) };
  });

  app.post(`${p}/tokens`, async (request) => {
    const body = parseBody(mintTokensSchema, request.body);
    const email = normalizeEmail(body.email);
    if (!state.users.has(email)) throw new AdminError(404, `Unknown user ${email}`);
    const scopes = [...new Set(body.scopes.map(canonicalScope))];
    const now = state.now();
    const refresh = state.oauth.mintRefresh(
      email,
      scopes,
      ADMIN_CLIENT_ID,
      body.refreshExpiresInSeconds ? now + body.refreshExpiresInSeconds * 1000 : null,
    );
    const ttl = body.expiresInSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
    const access = state.oauth.mintAccess(email, scopes, ADMIN_CLIENT_ID, now, ttl, refresh.token);
    return {
      access_token: access.token,
      refresh_token: refresh.token,
      expires_in: ttl,
      scope: scopes.join(' '),
      token_type: 'Bearer',
    };
  });

  app.post(`${p}/clients`, async (request, reply) => {
    const body = parseBody(clientSchema, request.body);
    state.oauth.clients.set(body.client_id, {
      clientId: body.client_id,
      clientSecret: body.client_secret,
      redirectUris: body.redirect_uris,
    });
    return reply.code(201).send(body);
  });

  app.get(`${p}/clients`, async () =>
    [...state.oauth.clients.values()].map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
    })),
  );

  app.get(`${p}/settings`, async () => state.settings);
  app.post(`${p}/settings`, async (request) => {
    const body = parseBody(settingsSchema, request.body);
    if (body.autoConsent !== undefined) state.settings.autoConsent = body.autoConsent;
    if (body.rateLimitPerMinute !== undefined) state.settings.rateLimitPerMinute = body.rateLimitPerMinute;
    if (body.webhookRetryBaseMs !== undefined) state.settings.webhookRetryBaseMs = body.webhookRetryBaseMs;
    if (body.conferenceDelayMs !== undefined) state.settings.conferenceDelayMs = body.conferenceDelayMs;
    if (body.burstLimitPerSecond !== undefined) state.settings.burstLimitPerSecond = body.burstLimitPerSecond;
    if (body.loopbackHttpWebhooks !== undefined)
      state.settings.loopbackHttpWebhooks = body.loopbackHttpWebhooks;
    return state.settings;
  });

  app.post(`${p}/sync-tokens/expire`, async () => {
    state.syncGeneration += 1;
    return { expired: true, generation: state.syncGeneration };
  });

  app.get(`${p}/clock`, async () => clockView(state));
  app.post(`${p}/clock`, async (request) => {
    const body = parseBody(clockSchema, request.body);
    if (body.release) state.clock.release();
    if (body.now !== undefined) {
      const target = typeof body.now === 'number' ? body.now : Date.parse(body.now);
      if (
        !Number.isFinite(target) ||
        (typeof body.now === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(body.now))
      ) {
        throw new AdminError(400, 'now must be an RFC 3339 timestamp or epoch milliseconds');
      }
      if (body.fixed || state.clock.state().fixedNowMs !== null) state.clock.pin(target);
      else state.clock.advance(target - state.now());
    } else if (body.fixed) {
      state.clock.pin(state.now());
    } else if (body.fixed === false) {
      state.clock.release();
    }
    if (body.advanceMs !== undefined) state.clock.advance(body.advanceMs);
    // Moving the clock makes pending conferences due (or, released, puts the timer back).
    settleConferences(state);
    conferences.arm();
    return clockView(state);
  });

  app.get(`${p}/conferences`, async () =>
    [...state.pendingConferences.values()].map((job) => ({
      calendarId: job.calendarId,
      eventId: job.eventId,
      requestId: job.requestId,
      readyAt: new Date(job.readyAtMs).toISOString(),
    })),
  );
  app.post(`${p}/conferences/settle`, async () => ({ settled: settleConferences(state, true) }));

  app.post(`${p}/reset`, async () => {
    hooks.resetAll();
    return { reset: true };
  });

  app.post(`${p}/snapshot`, async (request) => {
    const body = parseBody(snapshotSchema, request.body);
    const file = await hooks.saveSnapshot(body.file);
    return { file, savedAt: new Date(state.now()).toISOString() };
  });
}
