import { DateTime, IANAZone } from 'luxon';

/**
 * Time primitives shared by the mapping, the merge, the recurrence expansion and the input
 * validation. Two representations are used:
 * - instants: JS `Date` values (timestamptz in the database);
 * - "floating" wall times: a `Date` whose UTC fields are the wall-clock fields in some zone. They
 *   let rrule (which only knows UTC) expand rules on the wall clock, so a 09:00 series stays at
 *   09:00 local across DST changes.
 * Calendar dates (all-day events) stay 'YYYY-MM-DD' strings and never pass through a time zone.
 */

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

// Checking a zone builds an Intl.DateTimeFormat (about a third of a millisecond): remember answers.
const zoneValidity = new Map<string, boolean>();

/** True for a time zone name the runtime's IANA database knows (e.g. 'America/Sao_Paulo'). */
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = zone.trim() !== '' && IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
}

function zoneOf(zone: string): IANAZone {
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`);
  return IANAZone.create(zone);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a strict 'YYYY-MM-DD' string naming a day that exists (no 2026-02-30). */
export function isValidDateString(value: string): boolean {
  const m = DATE_RE.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

function dateToFloating(date: string): Date {
  if (!isValidDateString(date)) throw new RangeError(`Invalid date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

/** 'YYYY-MM-DD' of a floating wall time (or of a UTC instant). */
export function floatingToDate(floating: Date): string {
  return floating.toISOString().slice(0, 10);
}

/** Adds whole days to a calendar date, without any time zone involved. */
export function addDays(date: string, days: number): string {
  return floatingToDate(new Date(dateToFloating(date).getTime() + days * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateToFloating(to).getTime() - dateToFloating(from).getTime()) / DAY_MS);
}

/** The wall-clock time of an instant in a zone, as a floating time. */
export function instantToFloating(instant: Date, zone: string): Date {
  const ms = instant.getTime();
  return new Date(ms + zoneOf(zone).offset(ms) * 60_000);
}

/** The instants (epoch ms, earliest first) a wall-clock time denotes in a zone, and the offset before it. */
function wallInstants(floating: Date, zone: string): { instants: number[]; offsetBefore: number } {
  const z = zoneOf(zone);
  const wall = floating.getTime();
  // The true instant lies within 14 hours of `wall`; a day either side sees the offsets on both
  // sides of any transition near it.
  const before = z.offset(wall - DAY_MS);
  const after = z.offset(wall + DAY_MS);
  // No transition nearby (nearly always): one offset, one answer.
  if (before === after) return { instants: [wall - before * 60_000], offsetBefore: before };
  const instants = [...new Set([before, after, z.offset(wall)])]
    .map((offset) => ({ offset, at: wall - offset * 60_000 }))
    .filter(({ offset, at }) => z.offset(at) === offset)
    .map(({ at }) => at)
    .sort((a, b) => a - b);
  return { instants, offsetBefore: before };
}

/**
 * The instants a wall-clock time denotes in a zone, earliest first: one (nearly always), two (a
 * time the clocks pass twice when they go back, e.g. 01:30 on 2026-11-01 in America/New_York) or
 * none (a time they skip when they go forward, e.g. 02:30 on 2026-03-08 there).
 */
export function wallTimeInstants(floating: Date, zone: string): Date[] {
  return wallInstants(floating, zone).instants.map((ms) => new Date(ms));
}

/**
 * The instant a wall-clock time denotes in a zone, with RFC 5545's rules (section 3.3.5) for the
 * two DST edge cases: a time that occurs twice (fall back) is the first occurrence, and a time
 * that does not exist (spring forward) is read with the offset in force before the gap.
 */
export function floatingToInstant(floating: Date, zone: string): Date {
  const { instants, offsetBefore } = wallInstants(floating, zone);
  const first = instants[0];
  return new Date(first ?? floating.getTime() - offsetBefore * 60_000);
}

/** Midnight at the start of a calendar date in a zone (for comparing all-day events to instants). */
export function dateStartInstant(date: string, zone: string): Date {
  return floatingToInstant(dateToFloating(date), zone);
}

/** The calendar date an instant falls on in a zone. */
export function instantToDate(instant: Date, zone: string): string {
  return floatingToDate(instantToFloating(instant, zone));
}

/** A parsed ISO 8601 / RFC 3339 value: a date, an instant (offset or Z), or a wall-clock time. */
type ParsedTimeValue =
  { kind: 'date'; date: string } | { kind: 'instant'; instant: Date } | { kind: 'wall'; floating: Date };

/**
 * Parses 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM[:SS[.fff]]' (wall-clock) or the same followed by 'Z' or
 * '±HH:MM' (an instant). Returns null for anything else, including days or times that do not exist.
 */
export function parseTimeValue(value: string): ParsedTimeValue | null {
  const text = value.trim();
  if (DATE_RE.test(text)) return isValidDateString(text) ? { kind: 'date', date: text } : null;
  const m = DATE_TIME_RE.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(m[6] ?? '0');
  const millis = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const floating = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC maps years 0-99 to 1900-1999.
  floating.setUTCFullYear(year);
  if (m[8] !== undefined) return { kind: 'instant', instant: floating };
  if (m[9] === undefined) return { kind: 'wall', floating };
  const offsetHours = Number(m[10]);
  const offsetMinutes = Number(m[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return { kind: 'instant', instant: new Date(floating.getTime() - offset * 60_000) };
}

/**
 * Reads an RFC 3339 date-time as an instant: with an offset or 'Z' it is that instant; without one,
 * it is a wall-clock time in `zone` (as Google reads `dateTime` when `timeZone` is set). Returns null
 * when the value is not a date-time, or has no offset and no zone is given.
 */
export function parseDateTime(value: string, zone: string | null): Date | null {
  const parsed = parseTimeValue(value);
  if (parsed === null || parsed.kind === 'date') return null;
  if (parsed.kind === 'instant') return parsed.instant;
  if (zone === null || !isValidTimeZone(zone)) return null;
  return floatingToInstant(parsed.floating, zone);
}

/** An instant as local wall time with its offset in a zone: '2026-12-07T09:00:00-05:00'. */
export function formatInZone(instant: Date, zone: string): string {
  zoneOf(zone);
  const local = DateTime.fromJSDate(instant, { zone });
  const iso = local.toISO({ suppressMilliseconds: true, includeOffset: true });
  if (iso === null) throw new RangeError(`Cannot format ${instant.toISOString()} in ${zone}`);
  return iso;
}

/** 'YYYYMMDDTHHMMSSZ' (the UTC form Google uses in instance ids and RRULE UNTIL). */
export function formatUtcCompact(instant: Date): string {
  return instant
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** 'YYYYMMDD' from 'YYYY-MM-DD'. */
export function formatDateCompact(date: string): string {
  return date.replace(/-/g, '');
}
