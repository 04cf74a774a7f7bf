import { AppError } from '../errors.js';
import { addDays, daysBetween, instantToDate, parseTimeValue, wallTimeInstants } from '../time.js';
import { isSupportedDate, isSupportedInstant, LAST_DATE, SUPPORTED_YEARS } from '../time-range.js';

/** Stable codes of bad event input; the HTTP layer answers 400 with them. */
type EventInputErrorCode =
  | 'invalid_request'
  | 'missing_field'
  | 'invalid_date'
  | 'end_before_start'
  | 'nonexistent_local_time'
  | 'invalid_time_zone'
  | 'invalid_email'
  | 'too_many_attendees'
  | 'invalid_reminder'
  | 'too_many_reminders'
  | 'invalid_recurrence'
  | 'invalid_entity'
  | 'invalid_send_updates'
  | 'invalid_scope'
  | 'invalid_visibility'
  | 'invalid_transparency'
  | 'invalid_event_type'
  | 'unsupported_for_event_type';

/**
 * Bad event input. A direct AppError subclass, so the HTTP layer answers 400 with `code`, the
 * message, and `details: { field }`.
 */
export class EventInputError extends AppError {
  constructor(
    readonly code: EventInputErrorCode,
    /** The offending body field ('attendees.2', 'end'...), null when it is the body as a whole. */
    readonly field: string | null,
    message: string,
  ) {
    super(message, field === null ? undefined : { field });
  }
}

/**
 * When an event happens. Timed: instants (`startAt`/`endAt`). All-day: dates (`startDate`, and
 * `endDate` exclusive as in Google: a one-day event on 2026-12-25 ends 2026-12-26). `timeZone` is the
 * event's IANA zone in both cases.
 */
export interface EventTiming {
  allDay: boolean;
  startAt: Date | null;
  endAt: Date | null;
  startDate: string | null;
  endDate: string | null;
  timeZone: string;
}

export type TimeBound = { kind: 'date'; date: string } | { kind: 'instant'; instant: Date };

/** Time fields of a request, already read as dates or instants. */
export interface TimingPatch {
  allDay?: boolean;
  start?: TimeBound;
  end?: TimeBound;
  timeZone?: string;
}

/** A start or end as read, with its wall-clock time when it was given without an offset. */
interface ReadBound {
  bound: TimeBound;
  /** The wall-clock time as a floating time, and whether it is one the clocks pass twice. */
  wall?: { floating: Date; ambiguous: boolean };
}

function readBound(value: string, zone: string, field: string): ReadBound {
  const parsed = parseTimeValue(value);
  if (parsed === null) {
    throw new EventInputError(
      'invalid_date',
      field,
      `${field} '${value}' is not an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])`,
    );
  }
  if (parsed.kind === 'date') return { bound: { kind: 'date', date: parsed.date } };
  if (parsed.kind === 'instant') return { bound: { kind: 'instant', instant: parsed.instant } };
  const [first, second] = wallTimeInstants(parsed.floating, zone);
  if (first === undefined) {
    throw new EventInputError(
      'nonexistent_local_time',
      field,
      `${field} '${value}' does not exist in ${zone}: the clocks skip that time when daylight saving time starts`,
    );
  }
  return {
    bound: { kind: 'instant', instant: first },
    wall: { floating: parsed.floating, ambiguous: second !== undefined },
  };
}

/**
 * Reads a start or end: a date, an instant (offset or Z), or a wall-clock time in `zone`. A
 * wall-clock time the clocks skip when daylight saving time starts is refused
 * (`nonexistent_local_time`); one they pass twice when it ends is its earlier instant, as Google
 * reads it.
 */
export function parseBound(value: string, zone: string, field: string): TimeBound {
  return readBound(value, zone, field).bound;
}

/**
 * Reads an event's start and end (either may be absent) as parseBound does, and keeps the length
 * the clock shows when the start is a wall-clock time the clocks pass twice: with both given as
 * wall-clock times, the end is then the start plus end minus start on the clock (01:30-02:30 on
 * 2026-11-01 in America/New_York is the hour from 01:30 EDT, not two hours).
 */
export function parseBounds(
  start: string | undefined,
  end: string | undefined,
  zone: string,
): { start?: TimeBound; end?: TimeBound } {
  const from = start === undefined ? undefined : readBound(start, zone, 'start');
  const to = end === undefined ? undefined : readBound(end, zone, 'end');
  const bounds: { start?: TimeBound; end?: TimeBound } = {};
  if (from !== undefined) bounds.start = from.bound;
  if (to !== undefined) bounds.end = to.bound;
  if (from?.wall?.ambiguous === true && to?.wall !== undefined && from.bound.kind === 'instant') {
    const clockLength = to.wall.floating.getTime() - from.wall.floating.getTime();
    bounds.end = { kind: 'instant', instant: new Date(from.bound.instant.getTime() + clockLength) };
  }
  return bounds;
}

function missing(field: string, why: string): EventInputError {
  return new EventInputError('missing_field', field, `${field} is required ${why}`);
}

function dateOf(bound: TimeBound | undefined, field: string): string | undefined {
  if (bound === undefined) return undefined;
  if (bound.kind !== 'date') {
    throw new EventInputError(
      'invalid_date',
      field,
      `${field} of an all-day event must be a date (YYYY-MM-DD)`,
    );
  }
  return bound.date;
}

function instantOf(bound: TimeBound | undefined, field: string): Date | undefined {
  if (bound === undefined) return undefined;
  if (bound.kind !== 'instant') {
    throw new EventInputError(
      'invalid_date',
      field,
      `${field} of a timed event must be a date-time, not a date`,
    );
  }
  return bound.instant;
}

/**
 * Applies time changes to an event's timing (`current` null on create). All-day is taken from
 * `allDay`, else from the kind of `start`, else kept. Moving only the start keeps the duration;
 * an all-day event without an end lasts one day; a timed event needs an end.
 */
export function resolveTiming(current: EventTiming | null, patch: TimingPatch): EventTiming {
  const timeZone = patch.timeZone ?? current?.timeZone;
  if (timeZone === undefined) throw new TypeError('resolveTiming needs a time zone');
  const allDay =
    patch.allDay ?? (patch.start !== undefined ? patch.start.kind === 'date' : (current?.allDay ?? false));
  const sameKind = current !== null && current.allDay === allDay;

  if (allDay) {
    let startDate = dateOf(patch.start, 'start');
    const endGiven = dateOf(patch.end, 'end');
    if (startDate === undefined) {
      if (current === null) throw missing('start', 'for an event');
      startDate = sameKind ? (current.startDate as string) : instantToDate(current.startAt as Date, timeZone);
    }
    let endDate = endGiven;
    if (endDate === undefined) {
      endDate =
        sameKind && patch.start === undefined
          ? (current.endDate as string)
          : addDays(
              startDate,
              sameKind ? daysBetween(current.startDate as string, current.endDate as string) : 1,
            );
    }
    checkSupportedDates(startDate, endDate);
    if (endDate <= startDate) {
      throw new EventInputError(
        'end_before_start',
        'end',
        `end ${endDate} must be after start ${startDate} (the end date is exclusive)`,
      );
    }
    return { allDay, startAt: null, endAt: null, startDate, endDate, timeZone };
  }

  let startAt = instantOf(patch.start, 'start');
  let endAt = instantOf(patch.end, 'end');
  if (startAt === undefined) {
    if (!sameKind)
      throw missing('start', current === null ? 'for an event' : 'when an all-day event becomes timed');
    startAt = current.startAt as Date;
  }
  if (endAt === undefined) {
    if (!sameKind)
      throw missing('end', current === null ? 'for a timed event' : 'when an all-day event becomes timed');
    const duration = (current.endAt as Date).getTime() - (current.startAt as Date).getTime();
    endAt = patch.start === undefined ? (current.endAt as Date) : new Date(startAt.getTime() + duration);
  }
  checkSupportedInstants(startAt, endAt, timeZone);
  if (endAt <= startAt) {
    throw new EventInputError(
      'end_before_start',
      'end',
      `end ${endAt.toISOString()} must be after start ${startAt.toISOString()}`,
    );
  }
  return { allDay, startAt, endAt, startDate: null, endDate: null, timeZone };
}

/** An all-day event lies in years 0001-9999: from its start date to its (exclusive) end date. */
function checkSupportedDates(startDate: string, endDate: string): void {
  if (!isSupportedDate(startDate)) throw outOfRange('start', `start ${startDate}`);
  if (!isSupportedDate(endDate) || endDate > LAST_DATE) {
    throw outOfRange(
      'end',
      `the end date (exclusive) of an event from ${startDate}`,
      `, ending by ${LAST_DATE}`,
    );
  }
}

/** A timed event lies in years 0001-9999, in UTC and on the wall clock of its zone. */
function checkSupportedInstants(startAt: Date, endAt: Date, timeZone: string): void {
  for (const [field, instant] of [
    ['start', startAt],
    ['end', endAt],
  ] as const) {
    if (!isSupportedInstant(instant, timeZone)) {
      const when = Number.isNaN(instant.getTime()) ? '' : ` ${instant.toISOString()}`;
      throw outOfRange(field, `${field}${when}`, timeZone === 'UTC' ? '' : ` (in UTC and in ${timeZone})`);
    }
  }
}

function outOfRange(field: 'start' | 'end', what: string, detail = ''): EventInputError {
  return new EventInputError(
    'invalid_date',
    field,
    `${what} is outside the years ${SUPPORTED_YEARS} that Google Calendar accepts: events lie in them${detail}`,
  );
}
