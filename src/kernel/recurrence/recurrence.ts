import type { EventTimeColumns } from '../values.js';
import { RecurrenceError, parseDateLine, parseRecurrenceLines } from './rules.js';
import { occurrenceStarts, toFloating, type Shape, type Walk } from './walk.js';
import {
  addDays,
  dateStartInstant,
  daysBetween,
  floatingToDate,
  floatingToInstant,
  formatDateCompact,
  formatUtcCompact,
  instantToFloating,
  isValidTimeZone,
} from '../time.js';

export { RecurrenceError } from './rules.js';

/**
 * Expansion of stored recurring series into the instances the CRM shows. Rules are expanded on the
 * wall clock of the event's time zone (as Google does), so a weekly 09:00 America/New_York meeting
 * stays at 09:00 local on both sides of a DST change; each instance keeps the master's wall-clock
 * duration. Exceptions (Google's modified or cancelled instances) are matched by original start.
 */

/** The columns of a series master that expansion reads (an `events` row fits). */
export interface SeriesRow extends EventTimeColumns {
  google_event_id: string;
  recurrence: string[] | null;
}

/** The columns of an exception (an instance Google stores separately) that expansion reads. */
export interface ExceptionRow {
  status: 'confirmed' | 'tentative' | 'cancelled';
  all_day: boolean;
  start_at: Date | null;
  end_at: Date | null;
  start_date: string | null;
  end_date: string | null;
  original_start_at: Date | null;
  original_start_date: string | null;
}

/** [from, to): an instance is included when start < to and end > from. */
interface ExpansionRange {
  from: Date;
  to: Date;
  /** Zone in which all-day dates are placed on the timeline for the overlap test (default: the event's). */
  timeZone?: string;
}

export interface Instance<E extends ExceptionRow = ExceptionRow> {
  /** `<masterGoogleId>_<YYYYMMDDTHHMMSSZ>` (UTC original start) or `<masterGoogleId>_<YYYYMMDD>` (all-day). */
  id: string;
  recurringEventId: string;
  originalStartAt: Date | null;
  originalStartDate: string | null;
  allDay: boolean;
  startAt: Date | null;
  endAt: Date | null;
  startDate: string | null;
  endDate: string | null;
  /** The modified exception this instance comes from; null for a plain occurrence of the rule. */
  exception: E | null;
}

interface ExpansionOptions {
  /** Most instances returned per call (default MAX_INSTANCES_PER_EXPANSION). */
  maxInstances?: number;
  /** Called when the cap on instances or on rule iterations cut the result short. */
  onTruncated?: () => void;
}

/** Cap on the instances one expansion returns: a runaway rule cannot flood a response. */
export const MAX_INSTANCES_PER_EXPANSION = 5000;

const DAY_MS = 86_400_000;

/** The series' start on the wall clock of its zone and its duration, as the rule walk reads them. */
export function shapeOf(master: SeriesRow): Shape {
  const zone = master.time_zone !== null && isValidTimeZone(master.time_zone) ? master.time_zone : 'UTC';
  if (master.all_day) {
    if (master.start_date === null || master.end_date === null) {
      throw new RecurrenceError(`Series ${master.google_event_id} has no dates`);
    }
    const start = new Date(`${master.start_date}T00:00:00Z`);
    return {
      zone,
      allDay: true,
      start,
      duration: Math.max(1, daysBetween(master.start_date, master.end_date)),
    };
  }
  if (master.start_at === null || master.end_at === null) {
    throw new RecurrenceError(`Series ${master.google_event_id} has no start or end`);
  }
  const start = instantToFloating(master.start_at, zone);
  const wallDuration = instantToFloating(master.end_at, zone).getTime() - start.getTime();
  // A master that itself spans a DST change can have a wall duration that differs from the elapsed one;
  // only a negative one (impossible on the wall clock of a valid event) falls back to the elapsed time.
  const duration = wallDuration >= 0 ? wallDuration : master.end_at.getTime() - master.start_at.getTime();
  return { zone, allDay: false, start, duration };
}

function instanceId(
  masterId: string,
  allDay: boolean,
  originalStartAt: Date | null,
  originalStartDate: string | null,
) {
  if (allDay && originalStartDate !== null) return `${masterId}_${formatDateCompact(originalStartDate)}`;
  if (originalStartAt !== null) return `${masterId}_${formatUtcCompact(originalStartAt)}`;
  throw new RecurrenceError(`Instance of ${masterId} has no original start`);
}

function span(instance: Instance<ExceptionRow>, zone: string): [number, number] | null {
  if (instance.allDay && instance.startDate !== null && instance.endDate !== null) {
    return [
      dateStartInstant(instance.startDate, zone).getTime(),
      dateStartInstant(instance.endDate, zone).getTime(),
    ];
  }
  if (instance.startAt !== null && instance.endAt !== null)
    return [instance.startAt.getTime(), instance.endAt.getTime()];
  return null;
}

/**
 * Instances of a recurring series that overlap `range`, sorted by start. Modified exceptions replace
 * the occurrence they came from (and show wherever they were moved to); cancelled ones remove it.
 * Throws RecurrenceError when the master's recurrence lines do not parse.
 */
export function expandSeries<E extends ExceptionRow>(
  master: SeriesRow,
  exceptions: readonly E[],
  range: ExpansionRange,
  options: ExpansionOptions = {},
): Instance<E>[] {
  const shape = shapeOf(master);
  const parsed = parseRecurrenceLines(master.recurrence ?? []);
  const max = options.maxInstances ?? MAX_INSTANCES_PER_EXPANSION;
  const rangeZone =
    range.timeZone !== undefined && isValidTimeZone(range.timeZone) ? range.timeZone : shape.zone;
  const lengthMs = shape.allDay ? shape.duration * DAY_MS : shape.duration;
  // A floating window wide enough for any zone offset; the exact overlap test comes after.
  const lo = new Date(instantToFloating(range.from, shape.zone).getTime() - lengthMs - 2 * DAY_MS);
  const hi = new Date(instantToFloating(range.to, shape.zone).getTime() + 2 * DAY_MS);
  const walk: Walk = { steps: 0, truncated: false };
  const starts = occurrenceStarts(parsed, shape, lo, hi, max * 2, walk);

  const replaced = new Set<string>();
  for (const exception of exceptions) {
    const key = exception.original_start_date ?? exception.original_start_at?.getTime();
    if (key !== undefined) replaced.add(String(key));
  }

  const from = range.from.getTime();
  const to = range.to.getTime();
  const result: { instance: Instance<E>; start: number }[] = [];
  const keep = (instance: Instance<E>): boolean => {
    const s = span(instance, rangeZone);
    if (s === null || s[0] >= to || s[1] <= from) return false;
    result.push({ instance, start: s[0] });
    return true;
  };
  const masterId = master.google_event_id;

  let kept = 0;
  for (const floating of starts) {
    let instance: Instance<E>;
    if (shape.allDay) {
      const date = floatingToDate(floating);
      if (replaced.has(date)) continue;
      instance = {
        id: instanceId(masterId, true, null, date),
        recurringEventId: masterId,
        originalStartAt: null,
        originalStartDate: date,
        allDay: true,
        startAt: null,
        endAt: null,
        startDate: date,
        endDate: addDays(date, shape.duration),
        exception: null,
      };
    } else {
      const startAt = floatingToInstant(floating, shape.zone);
      if (replaced.has(String(startAt.getTime()))) continue;
      instance = {
        id: instanceId(masterId, false, startAt, null),
        recurringEventId: masterId,
        originalStartAt: startAt,
        originalStartDate: null,
        allDay: false,
        startAt,
        endAt: floatingToInstant(new Date(floating.getTime() + shape.duration), shape.zone),
        startDate: null,
        endDate: null,
        exception: null,
      };
    }
    // Occurrences come in order: past `max` of them, none can make the first `max` of the result.
    if (keep(instance) && ++kept >= max) break;
  }

  for (const exception of exceptions) {
    if (exception.status === 'cancelled') continue;
    const instance: Instance<E> = {
      id: instanceId(
        masterId,
        exception.original_start_date !== null,
        exception.original_start_at,
        exception.original_start_date,
      ),
      recurringEventId: masterId,
      originalStartAt: exception.original_start_at,
      originalStartDate: exception.original_start_date,
      allDay: exception.all_day,
      startAt: exception.all_day ? null : exception.start_at,
      endAt: exception.all_day ? null : exception.end_at,
      startDate: exception.all_day ? exception.start_date : null,
      endDate: exception.all_day ? exception.end_date : null,
      exception,
    };
    keep(instance);
  }

  result.sort((a, b) => a.start - b.start || a.instance.id.localeCompare(b.instance.id));
  if (walk.truncated || result.length > max) options.onTruncated?.();
  return result.slice(0, max).map((entry) => entry.instance);
}

/** Where a series is split: the original start of the occurrence the second part starts with. */
type SplitPoint = Pick<Instance, 'originalStartAt' | 'originalStartDate'>;

/**
 * Splits an RDATE or EXDATE line of `master` at `at`: the line with the values before it (they stay
 * with the first part of the series) and the line with the values from it on (they go with the
 * part that continues from it), each null when it has no values; null for any other line. A DATE
 * in EXDATE of a timed series removes a whole day, so on the day of the split it goes with both.
 */
export function splitDateLine(
  master: SeriesRow,
  line: string,
  at: SplitPoint,
): { before: string | null; from: string | null } | null {
  const parsed = parseDateLine(line);
  if (parsed === null) return null;
  const shape = shapeOf(master);
  const split =
    at.originalStartDate !== null
      ? new Date(`${at.originalStartDate}T00:00:00Z`)
      : instantToFloating(at.originalStartAt as Date, shape.zone);
  const splitDay = floatingToDate(split);
  const before: string[] = [];
  const from: string[] = [];
  for (const item of parsed.items) {
    if (parsed.name === 'EXDATE' && item.value.kind === 'date' && !shape.allDay) {
      if (item.value.date <= splitDay) before.push(item.text);
      if (item.value.date >= splitDay) from.push(item.text);
    } else if (toFloating(item.value, shape) < split) {
      before.push(item.text);
    } else {
      from.push(item.text);
    }
  }
  const lineOf = (texts: string[]) => (texts.length === 0 ? null : `${parsed.head}:${texts.join(',')}`);
  return { before: lineOf(before), from: lineOf(from) };
}
