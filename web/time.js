/**
 * Dates and times for the page. Timed events are instants shown in the browser's time zone;
 * all-day events are calendar dates (YYYY-MM-DD) that must never shift with the zone, so they
 * are read and formatted as UTC dates.
 */

/** The browser's IANA time zone (what the form sends as `time_zone`). */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The IANA time zones the form offers (the browser's list), always including the browser's own
 * zone and UTC, which some browsers leave out of the list.
 */
export function timeZoneChoices() {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [browserTimeZone()];
  return [...new Set([browserTimeZone(), 'UTC', ...zones])].sort();
}

const pad = (n) => String(n).padStart(2, '0');

/** Today in the browser's zone, as YYYY-MM-DD, plus `days`. */
export function localDate(days = 0) {
  const now = new Date();
  const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A wall-clock 'YYYY-MM-DDTHH:mm' (a datetime-local value) plus `minutes`, still wall-clock:
 * the service resolves it in the time zone the form sends.
 */
export function addMinutesToWallClock(value, minutes) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi + minutes));
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`
  );
}

/** The next full hour from now, as a datetime-local value (the form's default start). */
export function nextFullHour() {
  const date = new Date();
  date.setMinutes(60, 0, 0);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

function utcDate(isoDate) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate || '');
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
}

const dateFormat = { dateStyle: 'medium', timeZone: 'UTC' };

/** When an event happens, in words: local times for timed events, plain dates for all-day ones. */
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
  const start = new Date(event.start_time);
  if (Number.isNaN(start.getTime())) return '';
  const first = start.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const end = new Date(event.end_time);
  if (Number.isNaN(end.getTime())) return first;
  const sameDay = start.toDateString() === end.toDateString();
  const last = sameDay
    ? end.toLocaleTimeString(undefined, { timeStyle: 'short' })
    : end.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return `${first} – ${last}`;
}

/** An instant as a short local date and time. */
export function formatInstant(value) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
