// @ts-check
/**
 * Dates and times for the page. Timed events are instants shown in the browser's time zone;
 * all-day events are calendar dates (YYYY-MM-DD) that must never shift with the zone, so they
 * are read and formatted as UTC dates.
 */

/** @import { CalendarEvent } from './api-types.js' */

/**
 * The browser's IANA time zone (what the form sends as `time_zone`).
 * @returns {string}
 */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The IANA time zones the form offers (the browser's list), always including the browser's own
 * zone and UTC, which some browsers leave out of the list.
 * @returns {string[]}
 */
export function timeZoneChoices() {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [browserTimeZone()];
  return [...new Set([browserTimeZone(), 'UTC', ...zones])].sort();
}

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0');

/**
 * Today in the browser's zone, as YYYY-MM-DD, plus `days`.
 * @param {number} [days]
 * @returns {string}
 */
export function localDate(days = 0) {
  const now = new Date();
  const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A wall-clock 'YYYY-MM-DDTHH:mm' (a datetime-local value) plus `minutes`, still wall-clock:
 * the service resolves it in the time zone the form sends. Null when `value` is not one.
 * @param {string} value
 * @param {number} minutes
 * @returns {string | null}
 */
export function addMinutesToWallClock(value, minutes) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = /** @type {[number, number, number, number, number, number]} */ (
    match.map(Number)
  );
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi + minutes));
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`
  );
}

/**
 * The next full hour from now, as a datetime-local value (the form's default start).
 * @returns {string}
 */
export function nextFullHour() {
  const date = new Date();
  date.setMinutes(60, 0, 0);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/**
 * A YYYY-MM-DD date as midnight UTC; null when it is not one.
 * @param {string | null} isoDate
 * @returns {Date | null}
 */
function utcDate(isoDate) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate || '');
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
}

/** @type {Intl.DateTimeFormatOptions} */
const dateFormat = { dateStyle: 'medium', timeZone: 'UTC' };

/**
 * When an event happens, in words: local times for timed events, plain dates for all-day ones.
 * @param {Pick<CalendarEvent, 'all_day' | 'start_date' | 'end_date' | 'start_time' | 'end_time'>} event
 * @returns {string}
 */
export function describeWhen(event) {
  if (event.all_day) {
    const start = utcDate(event.start_date);
    if (!start) return 'All day';
    const endExclusive = utcDate(event.end_date);
    const last = endExclusive ? new Date(endExclusive.getTime() - 86_400_000) : start;
    const first = start.toLocaleDateString(undefined, dateFormat);
    if (last.getTime() <= start.getTime()) return `${first}, all day`;
    return `${first} – ${last.toLocaleDateString(undefined, dateFormat)}, all day`;
  }
  // Timed events carry instants (the contract: start_time and end_time are null for all-day ones).
  const start = new Date(/** @type {string} */ (event.start_time));
  if (Number.isNaN(start.getTime())) return '';
  const first = start.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const end = new Date(/** @type {string} */ (event.end_time));
  if (Number.isNaN(end.getTime())) return first;
  const sameDay = start.toDateString() === end.toDateString();
  const last = sameDay
    ? end.toLocaleTimeString(undefined, { timeStyle: 'short' })
    : end.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return `${first} – ${last}`;
}

/**
 * An instant as a short local date and time ('' for none).
 * @param {string | null} value
 * @returns {string}
 */
export function formatInstant(value) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * An instant as wall-clock 'YYYY-MM-DDTHH:mm' (a datetime-local value) in an IANA zone.
 * @param {Date | string} instant
 * @param {string} timeZone
 * @returns {string}
 */
export function wallClockIn(instant, timeZone) {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  /** @type {Record<string, string>} */
  const parts = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * A YYYY-MM-DD date plus `days` (calendar arithmetic, no zone involved).
 * @param {string} isoDate
 * @param {number} days
 * @returns {string}
 */
export function addDaysToDate(isoDate, days) {
  const date = utcDate(isoDate);
  if (!date) return isoDate;
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The zone's name and its current offset in words, e.g. "America/New_York (GMT-4)".
 * @param {string} timeZone
 * @returns {string}
 */
export function describeTimeZone(timeZone) {
  const offset = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(new Date())
    .find((part) => part.type === 'timeZoneName')?.value;
  const name = timeZone.replace(/_/g, ' ');
  return offset && offset !== name ? `${name} (${offset})` : name;
}
