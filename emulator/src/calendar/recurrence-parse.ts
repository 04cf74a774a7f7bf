import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import { googleErrors } from '../errors.js';
import { isValidTimeZone } from '../time.js';

const { RRule } = rrulePkg;
export type RRuleInstance = InstanceType<typeof RRule>;

/** Parsing and validation of RFC 5545 recurrence lines (RRULE, EXRULE, RDATE, EXDATE). */
const RULE_KEYS = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
]);
/** Google Calendar has no sub-daily recurrence (HOURLY, MINUTELY, SECONDLY are refused). */
const FREQS = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);

function invalidRecurrence(): never {
  throw googleErrors.invalid('Invalid recurrence rule.');
}

export interface DateList {
  /** Exact instants (values with Z, a TZID, or local times read in the event zone). */
  instants: number[];
  /** Whole dates (VALUE=DATE). */
  dates: string[];
}

export function parseDateList(line: string, zone: string): DateList {
  const colon = line.indexOf(':');
  if (colon < 0) invalidRecurrence();
  const head = line.slice(0, colon).toUpperCase().split(';');
  const params = new Map(head.slice(1).map((p) => p.split('=') as [string, string]));
  const tzid = params.get('TZID');
  if (tzid !== undefined && !isValidTimeZone(tzid)) invalidRecurrence();
  const out: DateList = { instants: [], dates: [] };
  for (const raw of line.slice(colon + 1).split(',')) {
    const value = raw.trim();
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/i.exec(value);
    if (!m) invalidRecurrence();
    const [, y, mo, d, h, mi, s, z] = m;
    if (h === undefined) {
      const date = DateTime.fromObject({ year: +y!, month: +mo!, day: +d! }, { zone: 'UTC' });
      if (!date.isValid) invalidRecurrence();
      out.dates.push(date.toFormat('yyyy-MM-dd'));
      continue;
    }
    const dt = DateTime.fromObject(
      { year: +y!, month: +mo!, day: +d!, hour: +h, minute: +mi!, second: +s! },
      { zone: z ? 'UTC' : (tzid ?? zone) },
    );
    if (!dt.isValid) invalidRecurrence();
    out.instants.push(dt.toMillis());
  }
  return out;
}

export function parseRule(body: string, floatingStart: Date, zone: string): RRuleInstance {
  const parts = body.split(';').filter(Boolean);
  const keys = new Set<string>();
  for (const part of parts) {
    const [key, value] = part.split('=');
    if (!key || value === undefined || !RULE_KEYS.has(key.toUpperCase()) || keys.has(key.toUpperCase())) {
      invalidRecurrence();
    }
    keys.add(key.toUpperCase());
    if (key.toUpperCase() === 'FREQ' && !FREQS.has(value.toUpperCase())) invalidRecurrence();
  }
  if (!keys.has('FREQ') || (keys.has('UNTIL') && keys.has('COUNT'))) invalidRecurrence();
  let options;
  try {
    options = RRule.parseString(body.toUpperCase());
  } catch {
    invalidRecurrence();
  }
  if (options.until) {
    // UNTIL with Z is an instant; move it to floating wall-clock time in the series zone.
    if (/UNTIL=\d{8}T\d{6}Z/i.test(body)) options.until = toFloating(options.until.getTime(), zone);
    if (Number.isNaN(options.until.getTime())) invalidRecurrence();
  }
  if (
    options.count !== undefined &&
    options.count !== null &&
    (options.count < 1 || options.count > 100_000)
  ) {
    invalidRecurrence();
  }
  if (options.interval !== undefined && (options.interval < 1 || options.interval > 10_000))
    invalidRecurrence();
  try {
    return new RRule({ ...options, dtstart: floatingStart, tzid: null });
  } catch {
    invalidRecurrence();
  }
}

/** Checks recurrence lines without an event (used at validation time). */
export function validateRecurrence(lines: unknown, zone: string): string[] {
  if (!Array.isArray(lines)) throw googleErrors.invalid('Invalid value for recurrence: expected an array.');
  if (lines.length > 100) invalidRecurrence();
  const out: string[] = [];
  for (const line of lines) {
    if (typeof line !== 'string' || line.length > 2048) invalidRecurrence();
    const upper = line.toUpperCase();
    if (upper.startsWith('RRULE:') || upper.startsWith('EXRULE:')) {
      parseRule(line.slice(line.indexOf(':') + 1), new Date(Date.UTC(2000, 0, 1)), zone);
    } else if (/^(RDATE|EXDATE)[;:]/.test(upper)) {
      parseDateList(line, zone);
    } else {
      invalidRecurrence();
    }
    out.push(line);
  }
  if (!out.some((l) => /^(RRULE|RDATE)[;:]/i.test(l))) invalidRecurrence();
  return out;
}

export function toFloating(ms: number, zone: string): Date {
  const dt = DateTime.fromMillis(ms, { zone });
  return new Date(Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second));
}

export function fromFloating(date: Date, zone: string): number {
  return DateTime.fromObject(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    },
    { zone },
  ).toMillis();
}
