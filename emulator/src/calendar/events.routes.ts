import type { FastifyInstance } from 'fastify';
import { googleErrors } from '../errors.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { eventTypesParam, parsePropertyFilters, type EventFilter } from './event-filters.js';
import { EVENT_TYPES } from './event-types.js';
import { accessCalendar, accessEpoch, type CalendarAccess } from './calendar-access.js';
import { requireEvent, resolveCalendar } from './event-lookup.js';
import { renderEvent } from './event-render.js';
import { checkSyncTokenCompatibility, listEvents } from './events.list.js';
import { listInstances } from './events.instances.js';
import { importEvent } from './events.import.js';
import { moveEvent } from './events.move.js';
import { deleteEvent, insertEvent, replaceEvent, type WriteOptions } from './events.write.js';
import { parseQuickAdd } from './quick-add.js';
import { zoneParam, type ParamSpecs, type ParsedQuery } from './params.js';
import { calendarRoute, matchesIfNoneMatch, NotModified, type CalendarContext } from './route-kit.js';

const ALWAYS_INCLUDE_EMAIL = { type: 'boolean' } as const;
const MAX_ATTENDEES = { type: 'integer', min: 1 } as const;
const TIME_ZONE = { type: 'string', maxLength: 100 } as const;
const SEND_UPDATES = { type: 'enum', values: ['all', 'externalOnly', 'none'] } as const;

export const LIST_PARAMS: ParamSpecs = {
  alwaysIncludeEmail: ALWAYS_INCLUDE_EMAIL,
  eventTypes: { type: 'enum', values: EVENT_TYPES, repeated: true },
  iCalUID: { type: 'string', maxLength: 1024 },
  maxAttendees: MAX_ATTENDEES,
  maxResults: { type: 'integer', min: 1 },
  orderBy: { type: 'enum', values: ['startTime', 'updated'] },
  pageToken: { type: 'string' },
  privateExtendedProperty: { type: 'string', repeated: true, maxLength: 2048 },
  q: { type: 'string', maxLength: 2048 },
  sharedExtendedProperty: { type: 'string', repeated: true, maxLength: 2048 },
  showDeleted: { type: 'boolean' },
  showHiddenInvitations: { type: 'boolean' },
  singleEvents: { type: 'boolean' },
  syncToken: { type: 'string' },
  timeMax: { type: 'datetime' },
  timeMin: { type: 'datetime' },
  timeZone: TIME_ZONE,
  updatedMin: { type: 'datetime' },
};

const NOTIFY_PARAMS: ParamSpecs = { sendNotifications: { type: 'boolean' }, sendUpdates: SEND_UPDATES };

const WRITE_PARAMS: ParamSpecs = {
  conferenceDataVersion: { type: 'integer', min: 0, max: 1 },
  maxAttendees: MAX_ATTENDEES,
  sendNotifications: { type: 'boolean' },
  sendUpdates: SEND_UPDATES,
  supportsAttachments: { type: 'boolean' },
};

/** Builds the list filter and checks the parameter rules Google enforces. */
function listFilter(query: ParsedQuery): EventFilter {
  const timeMin = query.time('timeMin');
  const timeMax = query.time('timeMax');
  if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin)
    throw googleErrors.timeRangeEmpty();
  return {
    showDeleted: query.bool('showDeleted'),
    singleEvents: query.bool('singleEvents'),
    timeMin,
    timeMax,
    updatedMin: query.time('updatedMin'),
    iCalUID: query.str('iCalUID'),
    terms: (query.str('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    privateProps: parsePropertyFilters(query.list('privateExtendedProperty'), 'privateExtendedProperty'),
    sharedProps: parsePropertyFilters(query.list('sharedExtendedProperty'), 'sharedExtendedProperty'),
    eventTypes: eventTypesParam(query.list('eventTypes')),
  };
}

function listRequest(query: ParsedQuery, viewer: ListViewer): Parameters<typeof listEvents>[2] {
  const syncToken = query.str('syncToken');
  if (syncToken !== undefined) checkSyncTokenCompatibility(query.names());
  // "All events deleted since the previous list request will always be in the result set and it
  // is not allowed to set showDeleted to False" (discovery document, events.list syncToken).
  if (syncToken !== undefined && query.has('showDeleted') && !query.bool('showDeleted')) {
    throw googleErrors.invalid(
      'The syncToken parameter cannot be used with showDeleted set to false.',
      'showDeleted',
    );
  }
  const orderBy = query.str('orderBy') as 'startTime' | 'updated' | undefined;
  if (orderBy === 'startTime' && !query.bool('singleEvents')) {
    throw googleErrors.invalid(
      'The requested ordering is not available for the particular query.',
      'orderBy',
    );
  }
  return {
    filter: listFilter(query),
    syncToken,
    pageToken: query.str('pageToken'),
    orderBy,
    maxResults: query.int('maxResults') ?? 250,
    timeZone: zoneParam(query),
    maxAttendees: query.int('maxAttendees'),
    viewer,
  };
}

/** Who lists: sync tokens are bound to the user and to their current access to the calendar. */
type ListViewer = Parameters<typeof listEvents>[2]['viewer'];

function viewerOf(ctx: CalendarContext, access: CalendarAccess): ListViewer {
  return { email: ctx.user.email, accessEpoch: accessEpoch(access.calendar, ctx.user.email) };
}

function writeOptions(ctx: CalendarContext): WriteOptions {
  const { query } = ctx;
  const sendUpdates =
    (query.str('sendUpdates') as WriteOptions['sendUpdates'] | undefined) ??
    (query.bool('sendNotifications') ? 'all' : 'none');
  const ifMatch = ctx.headers['if-match'];
  return {
    sendUpdates,
    conferenceDataVersion: query.int('conferenceDataVersion') ?? 0,
    ifMatch: typeof ifMatch === 'string' ? ifMatch : undefined,
  };
}

function view(ctx: CalendarContext, calendar: ReturnType<typeof resolveCalendar>) {
  return {
    calendar: calendar.meta,
    timeZone: zoneParam(ctx.query),
    maxAttendees: ctx.query.int('maxAttendees'),
  };
}

/**
 * A list's `accessRole` is the caller's role on the calendar; its `defaultReminders` are the
 * caller's own for it, none for a calendar someone else shares with them.
 */
function asSeenBy(
  ctx: CalendarContext,
  access: CalendarAccess,
  list: Record<string, unknown>,
): Record<string, unknown> {
  list.accessRole = access.role;
  if (access.calendar.meta.ownerEmail !== ctx.user.email) list.defaultReminders = [];
  return list;
}

export function registerEventRoutes(app: FastifyInstance, state: EmulatorState): void {
  const base = 'calendars/:calendarId/events';
  calendarRoute(app, state, {
    method: 'GET',
    url: base,
    methodId: 'calendar.events.list',
    params: LIST_PARAMS,
    handler: (ctx) => {
      const access = accessCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'reader');
      const request = listRequest(ctx.query, viewerOf(ctx, access));
      return asSeenBy(ctx, access, listEvents(state, access.calendar, request));
    },
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: base,
    methodId: 'calendar.events.insert',
    params: WRITE_PARAMS,
    handler: (ctx) => {
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
      const event = insertEvent(state, calendar, ctx.user, ctx.body, writeOptions(ctx));
      return renderEvent(event, view(ctx, calendar));
    },
  });
  calendarRoute(app, state, {
    method: 'GET',
    url: `${base}/:eventId`,
    methodId: 'calendar.events.get',
    params: { alwaysIncludeEmail: ALWAYS_INCLUDE_EMAIL, maxAttendees: MAX_ATTENDEES, timeZone: TIME_ZONE },
    handler: (ctx) => {
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'reader');
      const { event } = requireEvent(calendar, ctx.params.eventId ?? '');
      const rendered = renderEvent(event, view(ctx, calendar));
      // A conditional GET naming the current version answers 304 Not Modified, as Google does.
      const etag = rendered.etag;
      if (typeof etag === 'string' && matchesIfNoneMatch(ctx.headers['if-none-match'], etag))
        return new NotModified(etag);
      return rendered;
    },
  });
  for (const [method, methodId, mode] of [
    ['PUT', 'calendar.events.update', 'update'],
    ['PATCH', 'calendar.events.patch', 'patch'],
  ] as const) {
    calendarRoute(app, state, {
      method,
      url: `${base}/:eventId`,
      methodId,
      params: { ...WRITE_PARAMS, alwaysIncludeEmail: ALWAYS_INCLUDE_EMAIL },
      handler: (ctx) => {
        const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
        const event = replaceEvent(
          state,
          calendar,
          ctx.user,
          ctx.params.eventId ?? '',
          ctx.body,
          writeOptions(ctx),
          mode,
        );
        return renderEvent(event, view(ctx, calendar));
      },
    });
  }
  calendarRoute(app, state, {
    method: 'DELETE',
    url: `${base}/:eventId`,
    methodId: 'calendar.events.delete',
    params: { sendNotifications: { type: 'boolean' }, sendUpdates: SEND_UPDATES },
    noContent: true,
    handler: (ctx) => {
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
      deleteEvent(state, calendar, ctx.user, ctx.params.eventId ?? '', writeOptions(ctx));
      return undefined;
    },
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: `${base}/:eventId/move`,
    methodId: 'calendar.events.move',
    params: { destination: { type: 'string', maxLength: 1024 }, ...NOTIFY_PARAMS },
    handler: (ctx) => {
      const destinationId = ctx.query.str('destination');
      if (destinationId === undefined) throw googleErrors.requiredParameter('destination');
      const source = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
      const destination = resolveCalendar(state, ctx.user, destinationId, 'writer');
      const event = moveEvent(
        state,
        source,
        destination,
        ctx.params.eventId ?? '',
        writeOptions(ctx).sendUpdates,
      );
      return renderEvent(event, view(ctx, destination));
    },
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: `${base}/import`,
    methodId: 'calendar.events.import',
    params: {
      conferenceDataVersion: WRITE_PARAMS.conferenceDataVersion!,
      supportsAttachments: { type: 'boolean' },
    },
    handler: (ctx) => {
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
      const event = importEvent(state, calendar, ctx.user, ctx.body, writeOptions(ctx));
      return renderEvent(event, view(ctx, calendar));
    },
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: `${base}/quickAdd`,
    methodId: 'calendar.events.quickAdd',
    params: { text: { type: 'string', maxLength: 8192 }, ...NOTIFY_PARAMS },
    handler: (ctx) => {
      const text = ctx.query.str('text');
      if (text === undefined) throw googleErrors.requiredParameter('text');
      if (text.trim() === '') throw googleErrors.invalidParameter('text', 'The text must not be empty.');
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
      const body = parseQuickAdd(text, state.now(), calendar.meta.timeZone);
      const event = insertEvent(state, calendar, ctx.user, body, writeOptions(ctx));
      return renderEvent(event, view(ctx, calendar));
    },
  });
  calendarRoute(app, state, {
    method: 'GET',
    url: `${base}/:eventId/instances`,
    methodId: 'calendar.events.instances',
    params: {
      alwaysIncludeEmail: ALWAYS_INCLUDE_EMAIL,
      maxAttendees: MAX_ATTENDEES,
      maxResults: { type: 'integer', min: 1 },
      originalStart: { type: 'string', maxLength: 100 },
      pageToken: { type: 'string' },
      showDeleted: { type: 'boolean' },
      timeMax: { type: 'datetime' },
      timeMin: { type: 'datetime' },
      timeZone: TIME_ZONE,
    },
    handler: (ctx) => {
      const access = accessCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'reader');
      return asSeenBy(
        ctx,
        access,
        listInstances(state, access.calendar, ctx.params.eventId ?? '', ctx.query),
      );
    },
  });
}
