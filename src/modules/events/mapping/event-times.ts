import type { GoogleEvent, GoogleEventDateTime } from '../../../adapters/google/types.js';
import { isValidDateString, isValidTimeZone, parseDateTime } from '../../../kernel/time.js';
import type { EventTimeColumns, OriginalStartColumns } from '../../../kernel/values.js';
import { EventMappingError } from './mapping-error.js';

export type { EventTimeColumns } from '../../../kernel/values.js';

type EventDateTime = GoogleEventDateTime | null | undefined;

/** A zone named by Google must be one we know: an unknown one cannot be expanded or displayed. */
function zoneOf(value: EventDateTime, id: string | null, what: string): string | null {
  const zone = value?.timeZone;
  if (zone === undefined || zone === null || zone === '') return null;
  if (!isValidTimeZone(zone)) throw new EventMappingError(id, `unknown time zone '${zone}' in ${what}`);
  return zone;
}

function instantOf(value: EventDateTime, zone: string | null, id: string | null, what: string): Date {
  const raw = value?.dateTime ?? '';
  const instant = parseDateTime(raw, zone);
  if (instant !== null) return instant;
  if (zone === null && parseDateTime(raw, 'UTC') !== null) {
    throw new EventMappingError(id, `${what} '${raw}' has no UTC offset and no time zone`);
  }
  throw new EventMappingError(id, `invalid ${what} date-time '${raw}'`);
}

function dateOf(value: EventDateTime, id: string | null, what: string): string {
  const raw = value?.date ?? '';
  if (!isValidDateString(raw)) throw new EventMappingError(id, `invalid ${what} date '${raw}'`);
  return raw;
}

/**
 * The time columns of an event. All-day dates are copied as they are (end exclusive, as Google
 * sends them): they never pass through a time zone, so they never shift. Date-times with an
 * offset are instants; without one they are wall-clock times in their own `timeZone`, else the
 * calendar's. `time_zone` is the event's start zone, else the calendar's.
 */
export function mapEventTimes(event: GoogleEvent, calendarTimeZone: string | null): EventTimeColumns {
  const id = event.id ?? null;
  const { start, end } = event;
  if (start === undefined || start === null || (start.date == null && start.dateTime == null)) {
    throw new EventMappingError(id, 'no start');
  }
  if (end === undefined || end === null || (end.date == null && end.dateTime == null)) {
    throw new EventMappingError(id, 'no end');
  }
  const calendarZone =
    calendarTimeZone !== null && isValidTimeZone(calendarTimeZone) ? calendarTimeZone : null;
  const startZone = zoneOf(start, id, 'start');
  const endZone = zoneOf(end, id, 'end');
  const timeZone = startZone ?? calendarZone;

  if (start.date != null) {
    if (end.date == null) throw new EventMappingError(id, 'start is a date but end is a date-time');
    const startDate = dateOf(start, id, 'start');
    const endDate = dateOf(end, id, 'end');
    if (endDate <= startDate)
      throw new EventMappingError(id, `end date ${endDate} is not after start ${startDate}`);
    return {
      all_day: true,
      start_at: null,
      end_at: null,
      start_date: startDate,
      end_date: endDate,
      time_zone: timeZone,
    };
  }
  if (end.dateTime == null) throw new EventMappingError(id, 'start is a date-time but end is a date');
  const startAt = instantOf(start, timeZone, id, 'start');
  const endAt = instantOf(end, endZone ?? timeZone, id, 'end');
  if (endAt < startAt) {
    throw new EventMappingError(id, `end ${endAt.toISOString()} is before start ${startAt.toISOString()}`);
  }
  return {
    all_day: false,
    start_at: startAt,
    end_at: endAt,
    start_date: null,
    end_date: null,
    time_zone: timeZone,
  };
}

/** `originalStartTime` of an instance: the start the series gave it, which identifies it. */
export function mapOriginalStart(event: GoogleEvent, calendarTimeZone: string | null): OriginalStartColumns {
  const id = event.id ?? null;
  const original = event.originalStartTime;
  if (original === undefined || original === null || (original.date == null && original.dateTime == null)) {
    return { original_start_at: null, original_start_date: null };
  }
  if (original.date != null) {
    return { original_start_at: null, original_start_date: dateOf(original, id, 'original start') };
  }
  const calendarZone =
    calendarTimeZone !== null && isValidTimeZone(calendarTimeZone) ? calendarTimeZone : null;
  const zone = zoneOf(original, id, 'original start') ?? zoneOf(event.start, id, 'start') ?? calendarZone;
  return { original_start_at: instantOf(original, zone, id, 'original start'), original_start_date: null };
}
