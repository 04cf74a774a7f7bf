import { DateTime } from 'luxon';
import { googleErrors } from '../errors.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { AclRole, StoredEvent, UserRecord } from '../state/types.js';
import { dateToMillis, formatDate } from '../time.js';
import { accessCalendar } from './calendar-access.js';
import { instanceId, isOccurrence, parseInstanceId, seriesOf } from './recurrence.js';

/**
 * Resolves `calendarId` as the API does for a call that needs `needed` on it (owner by default):
 * `primary` is the caller's primary calendar; a calendar the caller has no role on is 404
 * `notFound`, one shared with too low a role 403 `forbidden`.
 */
export function resolveCalendar(
  state: EmulatorState,
  user: UserRecord,
  calendarId: string,
  needed: AclRole = 'owner',
): CalendarRecord {
  return accessCalendar(state, user, calendarId, needed).calendar;
}

export interface ResolvedEvent {
  event: StoredEvent;
  /** Set when `event` is an unmodified occurrence computed from this series master. */
  master?: StoredEvent;
}

/** Finds a stored event, or an occurrence of a stored series addressed by its instance id. */
export function findEvent(calendar: CalendarRecord, eventId: string): ResolvedEvent | null {
  const stored = calendar.store.get(eventId);
  if (stored) return { event: stored };
  const parsed = parseInstanceId(eventId, calendar.meta.timeZone);
  if (!parsed) return null;
  const master = calendar.store.get(parsed.masterId);
  if (!master?.data.recurrence || master.allDay !== parsed.allDay) return null;
  const series = seriesOf(master, calendar.meta.timeZone);
  if (!isOccurrence(series, parsed.startMs)) return null;
  return { event: virtualInstance(master, parsed.startMs, calendar.meta.timeZone), master };
}

export function requireEvent(calendar: CalendarRecord, eventId: string): ResolvedEvent {
  const found = findEvent(calendar, eventId);
  if (!found) throw googleErrors.notFound();
  return found;
}

/**
 * One occurrence of a series as Google presents it: id `<masterId>_<start>`, `recurringEventId`,
 * `originalStartTime`, and the master's data without `recurrence`.
 */
export function virtualInstance(master: StoredEvent, startMs: number, calendarZone: string): StoredEvent {
  const { recurrence: _recurrence, ...rest } = master.data;
  const zone = master.allDay ? calendarZone : (master.data.start.timeZone ?? calendarZone);
  let endMs = startMs + (master.endMs - master.startMs);
  let start: StoredEvent['data']['start'];
  let end: StoredEvent['data']['end'];
  if (master.allDay) {
    const startDate = formatDate(startMs, zone);
    const days = DateTime.fromISO(master.data.end.date ?? '')
      .diff(DateTime.fromISO(master.data.start.date ?? ''), 'days')
      .as('days');
    const endDate = DateTime.fromISO(startDate)
      .plus({ days: Math.max(1, Math.round(days)) })
      .toFormat('yyyy-MM-dd');
    endMs = dateToMillis(endDate, zone);
    start = { date: startDate };
    end = { date: endDate };
  } else {
    start = { dateTime: isoUtc(startMs) };
    end = { dateTime: isoUtc(endMs) };
    if (master.data.start.timeZone) start.timeZone = master.data.start.timeZone;
    if (master.data.end.timeZone) end.timeZone = master.data.end.timeZone;
  }
  return {
    ...master,
    id: instanceId(master.id, startMs, master.allDay, zone),
    startMs,
    endMs,
    originalStartMs: startMs,
    data: {
      ...rest,
      start,
      end,
      recurringEventId: master.id,
      originalStartTime: { ...start },
    },
  };
}

function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
