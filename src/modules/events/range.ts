import { ValidationError } from '../../kernel/errors.js';
import {
  addDays,
  dateStartInstant,
  instantToDate,
  isValidTimeZone,
  parseTimeValue,
  floatingToInstant,
} from '../../kernel/time.js';
import { clampToQueryWindow, hasSupportedYear, LAST_DATE, SUPPORTED_YEARS } from '../../kernel/time-range.js';

const DAY_MS = 86_400_000;
/** Without a range, series are expanded from 30 days ago to 90 days ahead (single events are not bounded). */
const DEFAULT_PAST_DAYS = 30;
const DEFAULT_FUTURE_DAYS = 90;
/** With one bound only, series are expanded over a year from it. */
const ONE_SIDED_SPAN_DAYS = 365;
/** Longest range a listing may ask for (series are expanded over it on every page). */
const MAX_RANGE_DAYS = 366 * 5;

/** The requested bounds as instants, and the window recurring series are expanded in. */
export interface ResolvedRange {
  /** Inclusive lower bound on event ends, null when not given. */
  from: Date | null;
  /** Exclusive upper bound on event starts, null when not given. */
  to: Date | null;
  expandFrom: Date;
  expandTo: Date;
  /** Zone that reads date-only bounds and places all-day events on the timeline. */
  timeZone: string;
}

function bound(value: string, zone: string, field: 'start_date' | 'end_date'): Date {
  const parsed = parseTimeValue(value);
  if (parsed === null) {
    throw new ValidationError(
      `${field} must be a date (YYYY-MM-DD) or an ISO 8601 date-time, got ${JSON.stringify(value)}`,
      { field },
    );
  }
  if (!hasSupportedYear(value)) {
    throw new ValidationError(
      `${field} must lie in the years ${SUPPORTED_YEARS}, got ${JSON.stringify(value)}`,
      {
        field,
      },
    );
  }
  // Bounds near the ends of those years are moved inside them (no event lies beyond).
  if (parsed.kind === 'instant') return clampToQueryWindow(parsed.instant);
  if (parsed.kind === 'wall') return clampToQueryWindow(floatingToInstant(parsed.floating, zone));
  // A date names a whole day: the start of it, or for end_date the end of it (end_date is inclusive).
  if (field === 'end_date' && parsed.date === LAST_DATE) return clampToQueryWindow(new Date(8.64e15));
  return clampToQueryWindow(
    dateStartInstant(field === 'end_date' ? addDays(parsed.date, 1) : parsed.date, zone),
  );
}

/**
 * Reads start_date / end_date (dates, date-times with an offset, or wall times in `time_zone`) and
 * settles the expansion window of recurring series. A date end_date includes that whole day.
 */
export function resolveRange(
  input: { startDate?: string | undefined; endDate?: string | undefined; timeZone?: string | undefined },
  now: Date,
): ResolvedRange {
  const timeZone = input.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) {
    throw new ValidationError(`time_zone is not an IANA time zone: ${timeZone}`, { field: 'time_zone' });
  }
  const from = input.startDate === undefined ? null : bound(input.startDate, timeZone, 'start_date');
  const to = input.endDate === undefined ? null : bound(input.endDate, timeZone, 'end_date');
  if (from !== null && to !== null && to.getTime() <= from.getTime()) {
    throw new ValidationError('end_date must be after start_date', { field: 'end_date' });
  }
  const expandFrom =
    from ??
    new Date(
      to !== null ? to.getTime() - ONE_SIDED_SPAN_DAYS * DAY_MS : now.getTime() - DEFAULT_PAST_DAYS * DAY_MS,
    );
  const expandTo =
    to ??
    new Date(
      from !== null
        ? from.getTime() + ONE_SIDED_SPAN_DAYS * DAY_MS
        : now.getTime() + DEFAULT_FUTURE_DAYS * DAY_MS,
    );
  if (expandTo.getTime() - expandFrom.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new ValidationError(
      `the range between start_date and end_date may span at most ${MAX_RANGE_DAYS} days`,
      {
        field: 'end_date',
      },
    );
  }
  return {
    from,
    to,
    expandFrom: clampToQueryWindow(expandFrom),
    expandTo: clampToQueryWindow(expandTo),
    timeZone,
  };
}

/** The dates an all-day event must overlap to touch [from, to) in the range's zone: [fromDate, toDateExclusive). */
export function dateBounds(range: ResolvedRange): {
  fromDate: string | null;
  toDateExclusive: string | null;
} {
  return {
    fromDate: range.from === null ? null : instantToDate(range.from, range.timeZone),
    toDateExclusive:
      range.to === null ? null : addDays(instantToDate(new Date(range.to.getTime() - 1), range.timeZone), 1),
  };
}
