import { AppError } from '../errors.js';
import { addDays, daysBetween, floatingToInstant, instantToDate, parseTimeValue } from './time.js';

/** Stable codes of bad event input; the HTTP layer answers 400 with them. */
export type EventInputErrorCode =
  | 'invalid_request'
  | 'missing_field'
  | 'invalid_date'
  | 'end_before_start'
  | 'invalid_time_zone'
  | 'invalid_email'
  | 'too_many_attendees'
  | 'invalid_reminder'
  | 'too_many_reminders'
  | 'invalid_recurrence'
  | 'invalid_entity'
  | 'invalid_send_updates'
  | 'invalid_scope';

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

/**
 * Reads a start or end: a date, an instant (offset or Z), or a wall-clock time in `zone` (a time
 * skipped by a DST change moves forward by the gap, a repeated one takes its first occurrence).
 */
export function parseBound(value: string, zone: string, field: string): TimeBound {
  const parsed = parseTimeValue(value);
  if (parsed === null) {
    throw new EventInputError(
      'invalid_date',
      field,
      `${field} '${value}' is not an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])`,
    );
  }
  if (parsed.kind === 'date') return { kind: 'date', date: parsed.date };
  if (parsed.kind === 'instant') return { kind: 'instant', instant: parsed.instant };
  return { kind: 'instant', instant: floatingToInstant(parsed.floating, zone) };
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
  if (endAt <= startAt) {
    throw new EventInputError(
      'end_before_start',
      'end',
      `end ${endAt.toISOString()} must be after start ${startAt.toISOString()}`,
    );
  }
  return { allDay, startAt, endAt, startDate: null, endDate: null, timeZone };
}
