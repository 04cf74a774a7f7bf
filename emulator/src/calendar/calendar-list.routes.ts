import type { FastifyInstance } from 'fastify';
import { googleErrors } from '../errors.js';
import { collectionEtag, quotedEtag } from '../ids.js';
import { createSecondaryCalendar } from '../state/directory.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { AclRole } from '../state/types.js';
import { isValidTimeZone } from '../time.js';
import { accessCalendar, calendarsVisibleTo, roleCovers } from './calendar-access.js';
import { isObject, optString } from './event-input-parts.js';
import { resolveCalendar } from './event-lookup.js';
import { calendarRoute } from './route-kit.js';

const CONFERENCE_PROPERTIES = { allowedConferenceSolutionTypes: ['hangoutsMeet'] };

/** The fields both calendar resources start with, in Google's order. */
function calendarHead(kind: string, calendar: CalendarRecord): Record<string, unknown> {
  const m = calendar.meta;
  const out: Record<string, unknown> = {
    kind,
    etag: quotedEtag(String(m.seq)),
    id: m.id,
    summary: m.summary,
  };
  if (m.description !== undefined) out.description = m.description;
  if (m.location !== undefined) out.location = m.location;
  return out;
}

/**
 * A `CalendarListEntry` as `role` sees it: the owner's entry carries the calendar's default
 * reminders and, for the primary calendar, its notification settings; a grantee's entry of a
 * calendar shared with them has neither (those are per user, and theirs start empty).
 */
export function renderCalendarListEntry(
  calendar: CalendarRecord,
  role: AclRole = 'owner',
  ownEntry = true,
): Record<string, unknown> {
  const m = calendar.meta;
  const out = calendarHead('calendar#calendarListEntry', calendar);
  Object.assign(out, {
    timeZone: m.timeZone,
    colorId: m.colorId,
    backgroundColor: m.backgroundColor,
    foregroundColor: m.foregroundColor,
    selected: true,
    accessRole: role,
    defaultReminders: ownEntry ? m.defaultReminders.map((r) => ({ ...r })) : [],
  });
  if (m.primary && ownEntry) {
    out.notificationSettings = {
      notifications: [
        { type: 'eventCreation', method: 'email' },
        { type: 'eventChange', method: 'email' },
        { type: 'eventCancellation', method: 'email' },
        { type: 'eventResponse', method: 'email' },
      ],
    };
    out.primary = true;
  }
  out.conferenceProperties = CONFERENCE_PROPERTIES;
  return out;
}

/** A `Calendar` resource (calendars.get / calendars.insert). */
export function renderCalendar(calendar: CalendarRecord): Record<string, unknown> {
  const out = calendarHead('calendar#calendar', calendar);
  out.timeZone = calendar.meta.timeZone;
  out.conferenceProperties = CONFERENCE_PROPERTIES;
  return out;
}

export function registerCalendarListRoutes(app: FastifyInstance, state: EmulatorState): void {
  calendarRoute(app, state, {
    method: 'GET',
    url: 'users/me/calendarList',
    methodId: 'calendar.calendarList.list',
    params: {
      maxResults: { type: 'integer', min: 1 },
      minAccessRole: { type: 'enum', values: ['freeBusyReader', 'owner', 'reader', 'writer'] },
      pageToken: { type: 'string' },
      showDeleted: { type: 'boolean' },
      showHidden: { type: 'boolean' },
      syncToken: { type: 'string' },
    },
    handler: (ctx) => {
      const minRole = ctx.query.str('minAccessRole') as AclRole | undefined;
      const entries = calendarsVisibleTo(state, ctx.user.email).filter(
        ({ role }) => minRole === undefined || roleCovers(role, minRole),
      );
      const etagSeq = entries.reduce((max, { calendar }) => Math.max(max, calendar.meta.seq), 0);
      return {
        kind: 'calendar#calendarList',
        etag: collectionEtag(etagSeq),
        nextSyncToken: `L${Buffer.from(String(etagSeq)).toString('base64url')}`,
        items: entries.map(({ calendar, role }) =>
          renderCalendarListEntry(calendar, role, calendar.meta.ownerEmail === ctx.user.email),
        ),
      };
    },
  });
  calendarRoute(app, state, {
    method: 'GET',
    url: 'users/me/calendarList/:calendarId',
    methodId: 'calendar.calendarList.get',
    params: {},
    handler: (ctx) => {
      const { calendar, role } = accessCalendar(
        state,
        ctx.user,
        ctx.params.calendarId ?? '',
        'freeBusyReader',
      );
      return renderCalendarListEntry(calendar, role, calendar.meta.ownerEmail === ctx.user.email);
    },
  });
  calendarRoute(app, state, {
    method: 'GET',
    url: 'calendars/:calendarId',
    methodId: 'calendar.calendars.get',
    params: {},
    handler: (ctx) =>
      renderCalendar(resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'freeBusyReader')),
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: 'calendars',
    methodId: 'calendar.calendars.insert',
    params: {},
    handler: (ctx) => {
      if (ctx.body === undefined) throw googleErrors.required('Required request body is missing.');
      if (!isObject(ctx.body)) throw googleErrors.badRequest('The request body must be a JSON object.');
      const summary = optString(ctx.body, 'summary', 1024);
      if (!summary) throw googleErrors.required('Missing summary.');
      const timeZone = optString(ctx.body, 'timeZone', 100);
      if (timeZone !== undefined && !isValidTimeZone(timeZone))
        throw googleErrors.invalid('Invalid time zone definition.');
      const calendar = createSecondaryCalendar(state, ctx.user, {
        summary,
        description: optString(ctx.body, 'description'),
        location: optString(ctx.body, 'location'),
        timeZone,
      });
      return renderCalendar(calendar);
    },
  });
  calendarRoute(app, state, {
    method: 'DELETE',
    url: 'calendars/:calendarId',
    methodId: 'calendar.calendars.delete',
    params: {},
    noContent: true,
    handler: (ctx) => {
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '');
      // "Deletes a secondary calendar. Use calendars.clear for clearing all events on primary calendars."
      if (calendar.meta.primary) throw googleErrors.badRequest('Cannot delete primary calendar.');
      // Gone with its events: later calls naming it answer 404 notFound, and it leaves the calendar list.
      state.calendars.delete(calendar.meta.id);
      return undefined;
    },
  });
}
