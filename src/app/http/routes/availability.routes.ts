import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { availabilityBodySchema } from '../../../modules/availability/index.js';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';

const interval = z.object({ start: z.string(), end: z.string() });
const availabilityJson = z.object({
  time_zone: z.string(),
  start: z.string(),
  end: z.string(),
  duration_minutes: z.number(),
  slots: z.array(interval).describe('Meeting slots of duration_minutes where everyone known is free'),
  free: z.array(interval).describe('Free windows (within working hours when given)'),
  calendars: z.array(z.object({ id: z.string(), busy: z.array(interval) })),
  unknown: z
    .array(z.object({ id: z.string(), reason: z.string() }))
    .describe(
      'Calendars Google would not answer for (no access, unknown address): their busy times are not known',
    ),
  truncated: z.boolean().describe('More slots exist than were listed (500)'),
});

const iso = (i: { start: Date; end: Date }) => ({ start: i.start.toISOString(), end: i.end.toISOString() });

/** Free meeting slots for the caller and attendees, from Google's free/busy. */
export const availabilityRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/calendar/availability',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['calendar events'],
        security: bearerSecurity,
        summary: "Free slots for a meeting: the caller's primary calendar and the attendees' free/busy",
        body: availabilityBodySchema,
        response: {
          200: availabilityJson,
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
          409: errorEnvelopeSchema,
        },
      },
    },
    async (request) => {
      const result = await app.ctx.services.availability.find(request.auth, request.body);
      return {
        time_zone: result.timeZone,
        start: result.start.toISOString(),
        end: result.end.toISOString(),
        duration_minutes: result.durationMinutes,
        slots: result.slots.map(iso),
        free: result.free.map(iso),
        calendars: result.calendars.map((c) => ({ id: c.id, busy: c.busy.map(iso) })),
        unknown: result.unknown,
        truncated: result.truncated,
      };
    },
  );
};
