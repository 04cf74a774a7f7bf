import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eventItemJson } from '../../../modules/events/index.js';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import { eventIdParams, eventListQuery, eventPageJson } from './calendar-events.schema.js';

const failures = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/** Reading the CRM copy of the caller's calendar events. */
export const calendarEventsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['calendar events'];

  app.get(
    '/calendar/events',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: "The caller's calendar events, recurring series expanded into occurrences",
        description:
          'Ordered by start, then id. Occurrences of a recurring series are listed one by one (with ' +
          '`recurring_event_id`) inside the requested range; without start_date and end_date, series are ' +
          'expanded from 30 days ago to 90 days ahead (one year from a single bound) while single events are not ' +
          'bounded. All-day events carry `start_date`/`end_date` (end exclusive) and null times.',
        querystring: eventListQuery,
        response: { 200: eventPageJson, ...failures },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.ctx.services.calendarEvents.list(
        { tenantId: request.auth.tenantId, userId: request.auth.userId },
        {
          startDate: q.start_date,
          endDate: q.end_date,
          timeZone: q.time_zone,
          entityType: q.entity_type,
          entityId: q.entity_id,
          calendarId: q.calendar_id,
          eventTypes: q.event_type,
          q: q.q,
          cursor: q.cursor,
          limit: q.limit,
        },
      );
      return { items: page.items, next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/calendar/events/:id',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'One calendar event, or one occurrence of a recurring series',
        params: eventIdParams,
        response: { 200: eventItemJson, ...failures },
      },
    },
    async (request) =>
      app.ctx.services.calendarEvents.get(
        { tenantId: request.auth.tenantId, userId: request.auth.userId },
        request.params.id,
      ),
  );
};
