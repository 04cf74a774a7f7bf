import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AdminError, GoogleApiError } from '../errors.js';
import { attendeeEntry } from '../calendar/attendees.js';
import { requireEvent } from '../calendar/event-lookup.js';
import { deleteEvent, insertEvent, replaceEvent, type WriteOptions } from '../calendar/events.write.js';
import type { SendUpdates } from '../calendar/notifications.js';
import { createUser } from '../state/directory.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { UserRecord } from '../state/types.js';
import { TYPE_PROPERTY_FIELDS } from '../calendar/event-types.js';
import { dashboard } from './page.js';
import { typedFields } from './typed-event-form.js';

type Form = Record<string, string | undefined>;

/**
 * The dashboard's forms. Each goes through the same domain functions as the Calendar API, so sync
 * tokens, push notifications and the mailbox see a change made here exactly as one made by a client.
 */
export function registerUiRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(dashboard(state)));

  const handle = (path: string, action: (form: Form) => void): void => {
    app.post(path, async (request, reply) => {
      const form = (request.body && typeof request.body === 'object' ? request.body : {}) as Form;
      try {
        action(form);
      } catch (err) {
        if (err instanceof GoogleApiError || err instanceof AdminError) return failed(reply, err.message);
        throw err;
      }
      return reply.redirect('/', 303);
    });
  };

  const owned = (form: Form): { calendar: CalendarRecord; user: UserRecord } => {
    const calendar = state.calendars.get(form.calendarId ?? '');
    const user = calendar ? state.users.get(calendar.meta.ownerEmail) : undefined;
    if (!calendar || !user) throw new AdminError(404, 'Unknown calendar');
    return { calendar, user };
  };

  const options = (form: Form, conference: boolean): WriteOptions => ({
    sendUpdates: (['all', 'externalOnly', 'none'].includes(form.sendUpdates ?? '')
      ? form.sendUpdates
      : 'none') as SendUpdates,
    conferenceDataVersion: conference ? 1 : 0,
  });

  const eventBody = (form: Form, calendar: CalendarRecord): Record<string, unknown> => {
    const zone = calendar.meta.timeZone;
    const time = (value: string | undefined, name: string): Record<string, string> => {
      if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value))
        throw new AdminError(400, `Invalid ${name} time`);
      return { dateTime: `${value}:00`, timeZone: zone };
    };
    const type = form.eventType || 'default';
    const body: Record<string, unknown> = {
      summary: form.summary ?? '',
      start: time(form.start, 'start'),
      end: time(form.end, 'end'),
    };
    if (type === 'default' || type === 'fromGmail') {
      body.location = form.location || null;
      body.description = form.description || null;
      body.attendees = (form.attendees ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((email) => ({ email }));
      if (form.meet === 'add')
        body.conferenceData = {
          createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } },
        };
    }
    return Object.assign(body, typedFields(type, form));
  };

  handle('/__ui/users', (form) => {
    createUser(state, { email: form.email ?? '', timeZone: form.timeZone || undefined });
  });

  // The page acts as Google itself: it may create events of every type, fromGmail included.
  handle('/__ui/events/create', (form) => {
    const { calendar, user } = owned(form);
    insertEvent(state, calendar, user, eventBody(form, calendar), {
      ...options(form, form.meet === 'add'),
      trusted: true,
    });
  });

  handle('/__ui/events/update', (form) => {
    const { calendar, user } = owned(form);
    const { event } = requireEvent(calendar, form.eventId ?? '');
    const body = eventBody({ ...form, eventType: event.data.eventType ?? 'default' }, calendar);
    // Keep the attendees' answers: only the guest list itself is edited here.
    const answers = new Map((event.data.attendees ?? []).map((a) => [a.email, a]));
    if (Array.isArray(body.attendees)) {
      body.attendees = (body.attendees as Array<{ email: string }>).map(
        (a) => answers.get(a.email.toLowerCase()) ?? a,
      );
    }
    // The type of an event is fixed; its own properties are edited only through the API.
    body.eventType = event.data.eventType ?? 'default';
    for (const field of TYPE_PROPERTY_FIELDS) delete body[field];
    if (body.eventType === 'birthday') delete body.recurrence;
    replaceEvent(
      state,
      calendar,
      user,
      form.eventId ?? '',
      body,
      options(form, form.meet === 'add'),
      'patch',
    );
  });

  handle('/__ui/events/delete', (form) => {
    const { calendar, user } = owned(form);
    deleteEvent(state, calendar, user, form.eventId ?? '', options(form, false));
  });

  handle('/__ui/events/rsvp', (form) => {
    const { calendar, user } = owned(form);
    const response = form.response;
    if (response !== 'accepted' && response !== 'declined' && response !== 'tentative') {
      throw new AdminError(400, 'Choose accepted, tentative or declined');
    }
    const { event } = requireEvent(calendar, form.eventId ?? '');
    if (!attendeeEntry(event.data, user.email))
      throw new AdminError(400, 'You are not a guest of this event');
    const attendees = (event.data.attendees ?? []).map((a) =>
      a.email === user.email ? { ...a, responseStatus: response } : a,
    );
    replaceEvent(
      state,
      calendar,
      user,
      event.id,
      { attendees },
      { sendUpdates: 'all', conferenceDataVersion: 0 },
      'patch',
    );
  });

  function failed(reply: FastifyReply, message: string): FastifyReply {
    return reply.code(400).type('text/html; charset=utf-8').send(dashboard(state, message));
  }
}
