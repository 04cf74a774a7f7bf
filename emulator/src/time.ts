import { DateTime, IANAZone } from 'luxon';

const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidTimeZone(zone: string): boolean {
  return zone.length <= 100 && IANAZone.isValidZone(zone);
}

/**
 * Parses an RFC 3339 date-time. Without an offset the wall time is read in `zone`;
 * returns null when the text or the zone is invalid.
 */
export function parseDateTime(value: string, zone?: string): number | null {
  const m = DATE_TIME_RE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  if (z === undefined && sign === undefined) {
    // Wall-clock time: read in the given zone (DST gaps move forward, as Google does).
    if (!zone) return null;
    if (!DateTime.fromObject({ year, month, day }, { zone }).isValid) return null;
    return wallTimeToMillis({ year, month, day, hour, minute, second }, zone) + millis;
  }
  let offsetMinutes = 0;
  if (sign !== undefined) {
    const oHours = Number(oh);
    const oMinutes = Number(om);
    if (oHours > 23 || oMinutes > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (oHours * 60 + oMinutes);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return utc.getTime() - offsetMinutes * 60_000;
}

/**
 * The instant of a wall-clock time in `zone`, read as RFC 5545 (section 3.3.5) and java.time do: a
 * time that happens twice (clocks going back) is the first of the two; a time that does not exist
 * (clocks going forward) uses the offset before the gap, so it moves forward by the gap.
 */
export function wallTimeToMillis(
  wall: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  zone: string,
): number {
  const dt = DateTime.fromObject(wall, { zone });
  const ms = dt.toMillis();
  // luxon settles a repeated wall time on its later instant; the earlier one, when the wall time
  // happens there too, sits one offset change before it.
  const offsetBefore = DateTime.fromMillis(ms - 86_400_000, { zone }).offset;
  if (offsetBefore > dt.offset) {
    const earlier = DateTime.fromMillis(ms - (offsetBefore - dt.offset) * 60_000, { zone });
    if (earlier.hour === wall.hour && earlier.minute === wall.minute && earlier.day === wall.day) {
      return earlier.toMillis();
    }
  }
  return ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses `YYYY-MM-DD`; returns null unless it is a real calendar date. */
export function parseDate(value: string): { year: number; month: number; day: number } | null {
  if (!DATE_RE.test(value)) return null;
  const dt = DateTime.fromISO(value, { zone: 'UTC' });
  if (!dt.isValid || dt.year < 1) return null;
  return { year: dt.year, month: dt.month, day: dt.day };
}

/** Midnight of a date in a zone, as epoch ms (all-day events occupy [start, end) local days). */
export function dateToMillis(value: string, zone: string): number {
  return DateTime.fromISO(value, { zone }).startOf('day').toMillis();
}

/** Google renders event times without fractions, with the zone's offset (`Z` for UTC). */
export function formatDateTime(ms: number, zone: string): string {
  const offset = zone === 'UTC' ? 0 : IANAZone.create(zone).offset(ms);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** `created` / `updated` style: RFC 3339 UTC with milliseconds. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function formatDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
}

/** RFC 1123 date, as in `X-Goog-Channel-Expiration`. */
export function formatRfc1123(ms: number): string {
  return new Date(ms).toUTCString();
}
