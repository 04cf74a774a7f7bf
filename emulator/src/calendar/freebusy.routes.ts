import type { FastifyInstance } from 'fastify';
import { googleErrors } from '../errors.js';
import { freeBusyVisible } from './calendar-access.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { StoredEvent, UserRecord } from '../state/types.js';
import { formatDateTime, isValidTimeZone, parseDateTime } from '../time.js';
import { isObject } from './event-input-parts.js';
import { instanceId, occurrences, seriesOf } from './recurrence.js';
import { calendarRoute } from './route-kit.js';

const MAX_ITEMS = 50;

/**
 * freeBusy.query: busy periods per calendar in [timeMin, timeMax), merged and clipped. Opaque,
 * non-cancelled events count (transparent ones and those the owner declined do not); series are
 * expanded. A calendar is answered when the caller may see its free/busy (`freeBusyVisible`), else
 * it gets `notFound`, as an unknown one does.
 */
export function registerFreeBusyRoutes(app: FastifyInstance, state: EmulatorState): void {
  calendarRoute(app, state, {
    method: 'POST',
    url: 'freeBusy',
    methodId: 'calendar.freebusy.query',
    params: {},
    handler: (ctx) => {
      if (ctx.body === undefined) throw googleErrors.required('Required request body is missing.');
      if (!isObject(ctx.body)) throw googleErrors.badRequest('The request body must be a JSON object.');
      const body = ctx.body;
      const timeMin = readTime(body.timeMin, 'timeMin');
      const timeMax = readTime(body.timeMax, 'timeMax');
      if (timeMax <= timeMin) throw googleErrors.timeRangeEmpty();
      const zone = body.timeZone ?? 'UTC';
      if (typeof zone !== 'string' || !isValidTimeZone(zone))
        throw googleErrors.invalid('Invalid time zone definition.');
      const items = body.items ?? [];
      if (!Array.isArray(items)) throw googleErrors.invalid('Invalid value for items: expected an array.');
      if (items.length > MAX_ITEMS) {
        throw googleErrors.calendarError(
          'tooManyCalendarsRequested',
          `The number of calendars requested exceeds ${MAX_ITEMS}.`,
        );
      }
      const calendars: Record<string, unknown> = {};
      for (const item of items) {
        if (!isObject(item) || typeof item.id !== 'string' || item.id === '' || item.id.length > 1024) {
          throw googleErrors.invalid('Invalid value for items[].id.');
        }
        const calendar = lookup(state, ctx.user, item.id);
        calendars[item.id] = calendar
          ? {
              busy: busyPeriods(calendar, timeMin, timeMax).map(([s, e]) => ({
                start: formatDateTime(s, zone),
                end: formatDateTime(e, zone),
              })),
            }
          : { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      }
      return {
        kind: 'calendar#freeBusy',
        timeMin: formatDateTime(timeMin, zone),
        timeMax: formatDateTime(timeMax, zone),
        calendars,
      };
    },
  });
}

function readTime(value: unknown, name: string): number {
  if (value === undefined || value === null || value === '') throw googleErrors.required(`Missing ${name}.`);
  const ms = typeof value === 'string' ? parseDateTime(value) : null;
  if (ms === null) throw googleErrors.invalid(`Invalid value for ${name}: expected an RFC 3339 timestamp.`);
  return ms;
}

function lookup(state: EmulatorState, user: UserRecord, id: string): CalendarRecord | undefined {
  const calendar = state.calendars.get(id === 'primary' ? user.email : id.toLowerCase());
  return calendar !== undefined && freeBusyVisible(calendar, user.email) ? calendar : undefined;
}

function counts(event: StoredEvent, owner: string): boolean {
  if (event.data.status === 'cancelled' || event.data.transparency === 'transparent') return false;
  return event.data.attendees?.find((a) => a.email === owner)?.responseStatus !== 'declined';
}

function busyPeriods(calendar: CalendarRecord, timeMin: number, timeMax: number): Array<[number, number]> {
  const owner = calendar.meta.ownerEmail;
  const spans: Array<[number, number]> = [];
  const add = (start: number, end: number): void => {
    if (end <= timeMin || start >= timeMax) return;
    spans.push([Math.max(start, timeMin), Math.min(end, timeMax)]);
  };
  for (const event of calendar.store.values()) {
    if (event.data.recurrence) {
      if (event.data.status === 'cancelled') continue;
      const duration = event.endMs - event.startMs;
      const series = seriesOf(event, calendar.meta.timeZone);
      for (const start of occurrences(series, timeMin, timeMax)) {
        // A modified or cancelled occurrence is stored as its own event and counted as such.
        if (calendar.store.get(instanceId(event.id, start, event.allDay, series.zone))) continue;
        if (counts(event, owner)) add(start, start + duration);
      }
      continue;
    }
    if (counts(event, owner)) add(event.startMs, event.endMs);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}
