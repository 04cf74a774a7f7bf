import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import { syncBody, syncResultJson, toCalendarSyncJson } from './calendars.schema.js';

const failures = {
  400: errorEnvelopeSchema,
  401: errorEnvelopeSchema,
  404: errorEnvelopeSchema,
  409: errorEnvelopeSchema,
};

/** The original spec's manual trigger: pull now and report what changed. */
export const syncRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/calendar/sync',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['calendar sync'],
        security: bearerSecurity,
        summary: "Pull the caller's selected calendars from Google now",
        description:
          'Runs the pulls in this request and reports, per calendar, what changed in the CRM. Changes normally ' +
          'arrive on their own within seconds (push channels) and every SYNC_INTERVAL_MINUTES. When a pull of a ' +
          'calendar is already running, this waits up to 10 s for it and then pulls; past that the calendar is ' +
          'reported as `running` and the running pull picks the changes up. 409 when Google Calendar is not connected.',
        body: syncBody,
        response: { 200: syncResultJson, ...failures },
      },
    },
    async (request) => {
      const results = await app.ctx.services.syncNow.syncNow(
        { tenantId: request.auth.tenantId, userId: request.auth.userId },
        { trigger: 'manual', calendarId: request.body?.calendar_id, full: request.body?.full },
      );
      const calendars = results.map(toCalendarSyncJson);
      const total = (key: 'created' | 'updated' | 'deleted') => calendars.reduce((sum, c) => sum + c[key], 0);
      return { calendars, created: total('created'), updated: total('updated'), deleted: total('deleted') };
    },
  );
};
