import {
  addDays,
  dateStartInstant,
  floatingToInstant,
  formatDateCompact,
  formatUtcCompact,
  instantToFloating,
  isValidTimeZone,
  parseTimeValue,
} from '../time.js';

/**
 * UNTIL in the form RFC 5545 requires (section 3.3.10): it "MUST have the same value type as the
 * DTSTART property", and when DTSTART has a time zone it "MUST be specified as a date with UTC
 * time". Google refuses a floating UNTIL (a date-time without Z), so the CRM writes every UNTIL it
 * is given in that form before storing the series, with the meaning it had:
 * - timed series: a floating UNTIL is read on the wall clock of the event's zone (a time that
 *   does not exist or happens twice at a DST change is read as floatingToInstant reads it) and
 *   written in UTC with one Z; a DATE UNTIL includes that whole day in the event's zone, so it
 *   becomes the last second of that day, in UTC;
 * - all-day series: a DATE UNTIL stays a DATE, and a floating one becomes its date (an all-day
 *   occurrence starts at midnight, so it is included exactly when its date is not later).
 * A UTC UNTIL is kept as it is, on either kind of series.
 */

/** The series an UNTIL is read against: whether it is all-day, and its IANA time zone. */
export interface UntilSeries {
  allDay: boolean;
  timeZone: string;
}

const UNTIL_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/i;

type UntilTime =
  { kind: 'date'; date: string } | { kind: 'instant'; instant: Date } | { kind: 'floating'; floating: Date };

/** An UNTIL value read: a date, a UTC instant (ends in Z) or a floating date-time; null when it does not parse. */
function parseUntil(value: string): UntilTime | null {
  const m = UNTIL_VALUE.exec(value);
  if (m === null) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) return parseTimeValue(date)?.kind === 'date' ? { kind: 'date', date } : null;
  const parsed = parseTimeValue(`${date}T${m[4]}:${m[5]}:${m[6]}${m[7] === '' ? '' : 'Z'}`);
  if (parsed === null || parsed.kind === 'date') return null;
  return parsed.kind === 'instant'
    ? { kind: 'instant', instant: parsed.instant }
    : { kind: 'floating', floating: parsed.floating };
}

/** The UNTIL value in RFC 5545's form for `series`; null when the value does not parse (left to validation). */
function untilValue(value: string, series: UntilSeries): string | null {
  const until = parseUntil(value);
  if (until === null) return null;
  switch (until.kind) {
    case 'date': {
      if (series.allDay) return formatDateCompact(until.date);
      const nextDay = dateStartInstant(addDays(until.date, 1), series.timeZone);
      return formatUtcCompact(new Date(nextDay.getTime() - 1000));
    }
    case 'instant':
      return formatUtcCompact(until.instant);
    case 'floating':
      return series.allDay
        ? formatDateCompact(until.floating.toISOString().slice(0, 10))
        : formatUtcCompact(floatingToInstant(until.floating, series.timeZone));
  }
}

/** One RRULE or EXRULE line with its UNTIL rewritten; any other line as it is. */
function normalizeLine(line: string, series: UntilSeries): string {
  return rewriteUntil(line, (value) => untilValue(value, series));
}

/** The line with its UNTIL value replaced by `rewrite` (null keeps it); any other line as it is. */
function rewriteUntil(line: string, rewrite: (value: string) => string | null): string {
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon).toUpperCase() : '';
  if (name !== 'RRULE' && name !== 'EXRULE') return line;
  const parts = line.slice(colon + 1).split(';');
  let changed = false;
  const rewritten = parts.map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).toUpperCase() !== 'UNTIL') return part;
    const value = rewrite(part.slice(eq + 1));
    if (value === null) return part;
    changed = true;
    return `UNTIL=${value}`;
  });
  return changed ? `${line.slice(0, colon)}:${rewritten.join(';')}` : line;
}

/**
 * The recurrence lines with every UNTIL in the form RFC 5545 requires for `series` (see above).
 * Lines that do not parse are returned unchanged: validation reports them.
 */
export function normalizeUntil(lines: readonly string[], series: UntilSeries): string[] {
  if (!series.allDay && !isValidTimeZone(series.timeZone)) {
    throw new RangeError(`Unknown time zone: ${series.timeZone}`);
  }
  return lines.map((line) => normalizeLine(line, series));
}

/**
 * A timed series made all-day keeps the days it had: a UTC UNTIL becomes the date of the last
 * occurrence it allowed, an occurrence on a day starting at the series' wall-clock start time in
 * its zone (so an UNTIL just before a day's start, as a split writes it, ends the day before).
 * Other UNTIL values are left to normalizeUntil.
 */
export function untilAsDates(lines: readonly string[], timed: { startAt: Date; timeZone: string }): string[] {
  const dayTime = (floating: Date) => ((floating.getTime() % 86_400_000) + 86_400_000) % 86_400_000;
  const startTime = dayTime(instantToFloating(timed.startAt, timed.timeZone));
  return lines.map((line) =>
    rewriteUntil(line, (value) => {
      const parsed = parseUntil(value);
      if (parsed?.kind !== 'instant') return null;
      const until = instantToFloating(parsed.instant, timed.timeZone);
      const date = until.toISOString().slice(0, 10);
      return formatDateCompact(dayTime(until) < startTime ? addDays(date, -1) : date);
    }),
  );
}
