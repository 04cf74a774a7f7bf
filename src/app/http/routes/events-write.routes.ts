import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventRow } from '../../../modules/events/index.js';
import { toEventItem } from '../../../modules/events/index.js';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import { changeOptionsOf } from './change-options.js';
import {
  createEventBodySchema,
  deleteBody,
  deleteQuery,
  eventIdParams,
  eventItemJson,
  reminderDefaultsBody,
  reminderDefaultsJson,
  rsvpBody,
  updateEventBodySchema,
  updateQuery,
  writeQuery,
} from './events-write.schema.js';

/** How long `?wait=true` waits for Google before answering 202 with the pending event. */
const WAIT_TIMEOUT_MS = 15_000;

const failures = {
  400: errorEnvelopeSchema,
  401: errorEnvelopeSchema,
  403: errorEnvelopeSchema,
  404: errorEnvelopeSchema,
  409: errorEnvelopeSchema,
};

/**
 * Scheduling from the CRM: create, change, delete and RSVP. Each answers at once with the CRM
 * event (`sync_state: pending`) while the push job brings the change to Google; `?wait=true`
 * answers once Google has confirmed it.
 */
export const eventsWriteRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const { eventsWrite, reminderDefaults } = app.ctx.services;
  const tags = ['calendar events'];

  /** The API item of a row, after waiting for Google when asked to. */
  const answer = async (owner: { tenantId: string; userId: string }, row: EventRow, wait: boolean) => {
    const itemId = await eventsWrite.itemIdOf(row);
    const latest = wait ? ((await eventsWrite.waitUntilPushed(owner, row.id, WAIT_TIMEOUT_MS)) ?? row) : row;
    return { item: { ...toEventItem(latest), id: itemId }, pending: latest.sync_state === 'pending' };
  };

  app.post(
    '/calendar/events',
    {
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Schedule a meeting (in Google Calendar, with invitations)',
        description:
          'Times: ISO 8601 with an offset or Z are instants; without one they are wall-clock times in `time_zone` ' +
          "(default: the calendar's zone); `all_day: true` takes dates (end exclusive). Reminders default to the " +
          "user's defaults (email 1 day and popup 10 minutes before). `send_updates` (all by default) says who " +
          'Google emails. Answers 201 at once with `sync_state: pending`; with `?wait=true`, once Google confirmed ' +
          '(with google_event_id, html_link, meet_link), or 202 if it has not within 15 s.',
        querystring: writeQuery,
        body: createEventBodySchema,
        response: { 201: eventItemJson, 202: eventItemJson, ...failures },
      },
    },
    async (request, reply) => {
      const row = await eventsWrite.create(request.auth, request.body);
      const { item, pending } = await answer(request.auth, row, request.query.wait === 'true');
      return reply.status(request.query.wait === 'true' && pending ? 202 : 201).send(item);
    },
  );

  app.patch(
    '/calendar/events/:id',
    {
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Change a meeting: any field, guests, reschedule; `scope` for recurring events',
        description:
          'For an occurrence of a series (`<series id>:<occurrence id>`), `scope` is `this` (default: only that ' +
          'occurrence), `following` (the series is split: it ends before the occurrence and a new series starts ' +
          'from it) or `all` (the whole series). `scope` and `send_updates` may be given in the query or the body ' +
          '(400 conflicting_parameter when both give different values). Only the organizer may change an event ' +
          '(403 not_organizer).',
        params: eventIdParams,
        querystring: updateQuery,
        body: updateEventBodySchema,
        response: { 200: eventItemJson, 202: eventItemJson, ...failures },
      },
    },
    async (request, reply) => {
      const body = { ...request.body, ...changeOptionsOf(request.query, request.body) };
      const row = await eventsWrite.update(request.auth, request.params.id, body);
      const { item, pending } = await answer(request.auth, row, request.query.wait === 'true');
      return reply.status(request.query.wait === 'true' && pending ? 202 : 200).send(item);
    },
  );

  app.delete(
    '/calendar/events/:id',
    {
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Cancel a meeting (attendees get a cancellation unless send_updates=none)',
        description:
          'Deleted in the CRM at once; the push deletes it in Google. For an occurrence, `scope` this (default), ' +
          'following (the series ends before it) or all. `scope` and `send_updates` may be given in the query or ' +
          'a JSON body (400 conflicting_parameter when both give different values).',
        params: eventIdParams,
        querystring: deleteQuery,
        body: deleteBody,
        response: { 204: z.null().describe('Deleted'), ...failures },
      },
    },
    async (request, reply) => {
      const options = changeOptionsOf(request.query, request.body);
      await eventsWrite.remove(request.auth, request.params.id, {
        sendUpdates: options.send_updates,
        scope: options.scope,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/calendar/events/:id/rsvp',
    {
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Answer an invitation: accepted, declined or tentative',
        description: 'Only for events the user is invited to (409 not_invited otherwise).',
        params: eventIdParams,
        querystring: writeQuery,
        body: rsvpBody,
        response: { 200: eventItemJson, 202: eventItemJson, ...failures },
      },
    },
    async (request, reply) => {
      const { response, send_updates } = request.body;
      const row = await eventsWrite.rsvp(request.auth, request.params.id, response, send_updates ?? 'all');
      const { item, pending } = await answer(request.auth, row, request.query.wait === 'true');
      return reply.status(request.query.wait === 'true' && pending ? 202 : 200).send(item);
    },
  );

  app.get(
    '/calendar/reminder-defaults',
    {
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Default reminders of meetings created without reminders',
        response: { 200: reminderDefaultsJson, 401: errorEnvelopeSchema },
      },
    },
    async (request) => reminderDefaults.get(request.auth),
  );

  app.put(
    '/calendar/reminder-defaults',
    {
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Set the default reminders of new meetings (at most 5; email or popup)',
        body: reminderDefaultsBody,
        response: { 200: reminderDefaultsJson, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema },
      },
    },
    async (request) => reminderDefaults.set(request.auth, request.body.reminders),
  );
};
