import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import {
  calendarIdParams,
  calendarListJson,
  calendarListQuery,
  selectBody,
  selectionJson,
  toCalendarJson,
} from './calendars.schema.js';

const failures = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/** The user's Google calendars and which of them sync. */
export const calendarsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['calendar sync'];

  app.get(
    '/calendar/calendars',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: "The caller's Google calendars, with which sync and their sync status",
        description:
          'The list is read from Google when the calendar is connected; refresh=true reads it again (calendars ' +
          'added in Google appear unselected, removed ones are dropped). The primary calendar syncs by default.',
        querystring: calendarListQuery,
        response: { 200: calendarListJson, ...failures, 409: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const owner = { tenantId: request.auth.tenantId, userId: request.auth.userId };
      if (request.query.refresh === 'true') await app.ctx.services.calendars.refresh(owner);
      const pushOff = app.ctx.services.channels.status.reason;
      return {
        items: (await app.ctx.services.calendars.list(owner)).map((row) => toCalendarJson(row, pushOff)),
      };
    },
  );

  app.patch(
    '/calendar/calendars/:id',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Choose whether a calendar syncs',
        description:
          'selected=true opens a push channel on the calendar and queues a pull of it. selected=false stops its ' +
          'push channel and removes its events from the CRM (activities on CRM records stay); selecting it again ' +
          'lists it in full. A calendar shared as free/busy only cannot be selected (409 calendar_free_busy_only).',
        params: calendarIdParams,
        body: selectBody,
        response: { 200: selectionJson, ...failures },
      },
    },
    async (request) => {
      const result = await app.ctx.services.calendars.setSelected(
        { tenantId: request.auth.tenantId, userId: request.auth.userId, calendarId: request.params.id },
        request.body.selected,
      );
      return {
        ...toCalendarJson(result.calendar, app.ctx.services.channels.status.reason),
        events_deleted: result.eventsDeleted,
        pull_queued: result.pullQueued,
      };
    },
  );
};
