import type { FastifyInstance } from 'fastify';
import { AdminError, GoogleApiError } from '../errors.js';
import { normalizeEmail } from '../state/directory.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { insertEvent } from '../calendar/events.write.js';
import type { WebhookDispatcher } from '../calendar/webhook-delivery.js';
import { renderEvent } from '../calendar/event-render.js';
import { adminEventSchema, bulkSchema } from './admin-schemas.js';
import { faultInputSchema } from './faults.js';
import { ADMIN_PREFIX, parseBody } from './admin.routes.js';

/** Mailbox, webhook log, faults, request counters, channels and bulk seeding. */
export function registerObserveRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  dispatcher: WebhookDispatcher,
): void {
  const p = ADMIN_PREFIX;

  app.get<{ Querystring: { email?: string } }>(`${p}/mailbox`, async (request) =>
    state.mailbox.list(request.query.email),
  );
  app.delete(`${p}/mailbox`, async () => {
    state.mailbox.clear();
    return { cleared: true };
  });

  app.get(`${p}/webhooks`, async () => dispatcher.log);
  app.delete(`${p}/webhooks`, async () => {
    dispatcher.clearLog();
    return { cleared: true };
  });

  app.get(`${p}/channels`, async () =>
    [...state.channels.values()].map((c) => ({
      id: c.id,
      resource: c.resource ?? 'events',
      resourceId: c.resourceId,
      resourceUri: c.resourceUri,
      address: c.address,
      calendarId: c.calendarId,
      owner: c.ownerEmail,
      expiration: new Date(c.expirationMs).toISOString(),
      expired: c.expirationMs <= state.now(),
      stopped: c.stopped,
      messageNumber: c.messageNumber,
      ...(c.eventTypes ? { eventTypes: c.eventTypes } : {}),
    })),
  );

  app.post(`${p}/faults`, async (request, reply) => {
    const fault = state.faults.add(parseBody(faultInputSchema, request.body));
    return reply.code(201).send(fault);
  });
  app.get(`${p}/faults`, async () => state.faults.list());
  app.delete(`${p}/faults`, async () => {
    state.faults.clear();
    return { cleared: true };
  });
  app.delete<{ Params: { id: string } }>(`${p}/faults/:id`, async (request) => {
    if (!state.faults.remove(request.params.id))
      throw new AdminError(404, `Unknown fault ${request.params.id}`);
    return { removed: request.params.id };
  });

  app.get(`${p}/requests`, async () => state.requests.snapshot());
  app.post(`${p}/requests/reset`, async () => {
    state.requests.reset();
    return state.requests.snapshot();
  });

  /** The user and one of their own calendars (`primary` by default), or 404. */
  function ownCalendar(rawEmail: string, rawCalendarId: string | undefined) {
    const email = normalizeEmail(rawEmail);
    const user = state.users.get(email);
    if (!user) throw new AdminError(404, `Unknown user ${email}`);
    const calendarId = !rawCalendarId || rawCalendarId === 'primary' ? email : rawCalendarId.toLowerCase();
    const calendar = state.calendars.get(calendarId);
    if (!calendar || calendar.meta.ownerEmail !== email)
      throw new AdminError(404, `Unknown calendar ${calendarId}`);
    return { user, calendar };
  }

  /**
   * Creates one event as Google itself would: any event type, `fromGmail` and every kind of
   * birthday included (the API refuses those), with the same validation as events.insert.
   */
  app.post<{ Params: { email: string } }>(`${p}/users/:email/events`, async (request, reply) => {
    const body = parseBody(adminEventSchema, request.body);
    const { user, calendar } = ownCalendar(request.params.email, body.calendarId);
    try {
      const event = insertEvent(state, calendar, user, body.event, {
        sendUpdates: body.sendUpdates ?? 'none',
        conferenceDataVersion: 1,
        trusted: true,
      });
      return reply.code(201).send(renderEvent(event, { calendar: calendar.meta }));
    } catch (err) {
      if (err instanceof GoogleApiError) throw new AdminError(err.code, err.message);
      throw err;
    }
  });

  /**
   * Seeds many events without one HTTP request each (benchmarks): same validation and defaults as
   * events.insert, no email. Stops at the first invalid event and says which one.
   */
  app.post<{ Params: { email: string } }>(
    `${p}/users/:email/events/bulk`,
    { bodyLimit: 1024 * 1024 * 1024 },
    async (request) => {
      const body = parseBody(bulkSchema, request.body);
      const { user, calendar } = ownCalendar(request.params.email, body.calendarId);
      let inserted = 0;
      for (const [index, event] of body.events.entries()) {
        try {
          insertEvent(state, calendar, user, event, {
            sendUpdates: 'none',
            conferenceDataVersion: 1,
            trusted: true,
          });
        } catch (err) {
          if (err instanceof GoogleApiError) {
            throw new AdminError(
              err.code,
              `events[${index}] (${inserted} inserted before it): ${err.message}`,
            );
          }
          throw err;
        }
        inserted++;
      }
      return { inserted };
    },
  );
}
