import type { FastifyInstance } from 'fastify';
import { googleErrors } from '../errors.js';
import type { CalendarListRecord, CalendarListSettings } from '../state/calendar-lists.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import {
  addToCalendarList,
  removeFromCalendarList,
  updateCalendarListEntry,
} from '../state/list-membership.js';
import type { AclRole, UserRecord } from '../state/types.js';
import { accessCalendar } from './calendar-access.js';
import { listCalendarList } from './calendar-list.sync.js';
import { renderCalendarListEntry } from './calendar-render.js';
import { isObject, optBoolean, optString, type Json } from './event-input-parts.js';
import { calendarRoute } from './route-kit.js';

/** Query parameters of calendarList.list and calendarList.watch (discovery document). */
export const CALENDAR_LIST_PARAMS = {
  maxResults: { type: 'integer', min: 1 },
  minAccessRole: { type: 'enum', values: ['freeBusyReader', 'owner', 'reader', 'writer'] },
  pageToken: { type: 'string' },
  showDeleted: { type: 'boolean' },
  showHidden: { type: 'boolean' },
  syncToken: { type: 'string' },
} as const;

interface ListedEntry {
  calendar: CalendarRecord;
  role: AclRole;
  entry: CalendarListRecord;
}

/** The caller's live entry for `calendarId`: 404 `notFound` when it is not on their list. */
function listedEntry(state: EmulatorState, user: UserRecord, calendarId: string): ListedEntry {
  const { calendar, role } = accessCalendar(state, user, calendarId, 'freeBusyReader');
  const entry = state.calendarLists.get(user.email, calendar.meta.id);
  if (!entry || entry.deleted) throw googleErrors.notFound();
  return { calendar, role, entry };
}

function render(user: UserRecord, listed: ListedEntry): Record<string, unknown> {
  const own = listed.calendar.meta.ownerEmail === user.email;
  return renderCalendarListEntry(listed.calendar, listed.role, own, listed.entry);
}

/**
 * The per-user settings of an entry body: `hidden`, `selected`, `summaryOverride`. With `replace`
 * (calendarList.update) absent ones take their defaults; other fields are not emulated (ignored).
 */
const RGB = /^#[0-9a-fA-F]{6}$/;

/**
 * The RGB colours of a list entry write. Google takes them only with `colorRgbFormat=true` (and
 * answers 400 otherwise), as `#rrggbb`, and then needs both.
 */
function readColors(
  body: Json,
  rgb: boolean,
): Pick<CalendarListSettings, 'backgroundColor' | 'foregroundColor'> {
  const background = optString(body, 'backgroundColor', 7);
  const foreground = optString(body, 'foregroundColor', 7);
  if (background === undefined && foreground === undefined) return {};
  if (!rgb)
    throw googleErrors.badRequest('Invalid value for colorRgbFormat: set it to true to write RGB colors.');
  if (background === undefined || foreground === undefined)
    throw googleErrors.badRequest(
      'Both backgroundColor and foregroundColor are required with colorRgbFormat.',
    );
  for (const color of [background, foreground]) {
    if (!RGB.test(color)) throw googleErrors.badRequest(`Invalid color: ${color}`);
  }
  return { backgroundColor: background.toLowerCase(), foregroundColor: foreground.toLowerCase() };
}

function readSettings(body: unknown, replace: boolean, rgb = false): CalendarListSettings {
  if (body === undefined) throw googleErrors.required('Required request body is missing.');
  if (!isObject(body)) throw googleErrors.badRequest('The request body must be a JSON object.');
  const hidden = optBoolean(body, 'hidden');
  const selected = optBoolean(body, 'selected');
  const summaryOverride = optString(body, 'summaryOverride', 1024);
  const settings: CalendarListSettings = {};
  if (hidden !== undefined || replace) settings.hidden = hidden ?? false;
  if (selected !== undefined || replace) settings.selected = selected ?? true;
  if (summaryOverride !== undefined) settings.summaryOverride = summaryOverride;
  else if (replace || body.summaryOverride === null) settings.summaryOverride = null;
  return { ...settings, ...readColors(body, rgb) };
}

/**
 * calendarList.list / get / insert / delete / patch / update: the user's own list of calendars,
 * with their settings for each. Removing an entry (unsubscribing) keeps the calendar and the
 * user's access; inserting it again puts it back.
 */
export function registerCalendarListRoutes(app: FastifyInstance, state: EmulatorState): void {
  const base = 'users/me/calendarList';
  calendarRoute(app, state, {
    method: 'GET',
    url: base,
    methodId: 'calendar.calendarList.list',
    params: CALENDAR_LIST_PARAMS,
    handler: (ctx) => listCalendarList(state, ctx.user, ctx.query),
  });
  calendarRoute(app, state, {
    method: 'GET',
    url: `${base}/:calendarId`,
    methodId: 'calendar.calendarList.get',
    params: {},
    handler: (ctx) => render(ctx.user, listedEntry(state, ctx.user, ctx.params.calendarId ?? '')),
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: base,
    methodId: 'calendar.calendarList.insert',
    params: { colorRgbFormat: { type: 'boolean' } },
    handler: (ctx) => {
      const settings = readSettings(ctx.body, false, ctx.query.bool('colorRgbFormat'));
      const id = optString(ctx.body as Json, 'id', 1024);
      if (!id) throw googleErrors.required('Missing calendar id.');
      // Only a calendar the user has a role on can be put (back) on their list.
      const { calendar } = accessCalendar(state, ctx.user, id, 'freeBusyReader');
      addToCalendarList(state, ctx.user.email, calendar.meta.id);
      const listed = listedEntry(state, ctx.user, calendar.meta.id);
      const entry = updateCalendarListEntry(state, ctx.user.email, listed.entry, settings);
      return render(ctx.user, { ...listed, entry });
    },
  });
  for (const [method, methodId, replace] of [
    ['PATCH', 'calendar.calendarList.patch', false],
    ['PUT', 'calendar.calendarList.update', true],
  ] as const) {
    calendarRoute(app, state, {
      method,
      url: `${base}/:calendarId`,
      methodId,
      params: { colorRgbFormat: { type: 'boolean' } },
      handler: (ctx) => {
        const listed = listedEntry(state, ctx.user, ctx.params.calendarId ?? '');
        const entry = updateCalendarListEntry(
          state,
          ctx.user.email,
          listed.entry,
          readSettings(ctx.body, replace, ctx.query.bool('colorRgbFormat')),
        );
        return render(ctx.user, { ...listed, entry });
      },
    });
  }
  calendarRoute(app, state, {
    method: 'DELETE',
    url: `${base}/:calendarId`,
    methodId: 'calendar.calendarList.delete',
    params: {},
    noContent: true,
    handler: (ctx) => {
      const { calendar } = listedEntry(state, ctx.user, ctx.params.calendarId ?? '');
      if (calendar.meta.primary && calendar.meta.ownerEmail === ctx.user.email) {
        throw googleErrors.badRequest('The primary calendar cannot be removed from the calendar list.');
      }
      removeFromCalendarList(state, ctx.user.email, calendar.meta.id);
      return undefined;
    },
  });
}
