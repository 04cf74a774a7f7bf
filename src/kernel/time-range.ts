import { instantToFloating } from './time.js';

/**
 * The times the service accepts: years 0001 to 9999, as Google Calendar's RFC 3339 values and the
 * database's ISO 8601 text both need four-digit years (year 0000 does not exist in PostgreSQL, and
 * JavaScript writes year 10000 as `+010000`, which neither reads).
 */
export const SUPPORTED_YEARS = '0001-9999';

const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');
/** Two days: a zone's offset (up to 14 hours) and a day's widening both fit in it. */
const QUERY_MARGIN_MS = 2 * 86_400_000;

/** The last all-day date: an all-day event ends (its exclusive end date) on it at the latest. */
export const LAST_DATE = '9999-12-31';

/** Whether the year a value is written with (`YYYY-...`) is 0001 or later (four digits: 9999 or earlier). */
export function hasSupportedYear(text: string): boolean {
  const year = /^\s*(\d{4})-/.exec(text)?.[1];
  return year !== undefined && Number(year) >= 1;
}

/** Whether a 'YYYY-MM-DD' date lies in years 0001-9999. */
export function isSupportedDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && hasSupportedYear(date);
}

/**
 * Whether an instant lies in years 0001-9999, in UTC (how it is stored) and, when `zone` is given,
 * on the wall clock of that zone (how Google receives it: `dateTime` in the event's zone).
 */
export function isSupportedInstant(instant: Date, zone?: string): boolean {
  const ms = instant.getTime();
  if (!(ms >= FIRST_MS && ms <= LAST_MS)) return false;
  if (zone === undefined) return true;
  const wall = instantToFloating(instant, zone).getTime();
  return wall >= FIRST_MS && wall <= LAST_MS;
}

/** Whether an instant lies in the window a range query may use (see clampToQueryWindow). */
export function isInQueryWindow(instant: Date): boolean {
  return clampToQueryWindow(instant).getTime() === instant.getTime();
}

/**
 * Moves an instant into the window a range query may use: two days inside years 0001-9999 on each
 * side, so that reading its date in any zone and widening it by a day (all-day events) stay in
 * them.
 */
export function clampToQueryWindow(instant: Date): Date {
  const ms = Math.min(Math.max(instant.getTime(), FIRST_MS + QUERY_MARGIN_MS), LAST_MS - QUERY_MARGIN_MS);
  return ms === instant.getTime() ? instant : new Date(ms);
}
