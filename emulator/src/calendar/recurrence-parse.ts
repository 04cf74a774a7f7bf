import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import { googleErrors } from '../errors.js';
import { isValidTimeZone, wallTimeToMillis } from '../time.js';

const { RRule } = rrulePkg;
export type RRuleInstance = InstanceType<typeof RRule>;

/**
 * Parsing and validation of RFC 5545 recurrence lines (RRULE, EXRULE, RDATE, EXDATE), refusing
 * what Google refuses with its 400 "Invalid recurrence rule.". The service has its own parser on
 * purpose (see "Why the emulator has its own calendar rules" in emulator/README.md); the table in
 * src/kernel/recurrence/agreement/cases.ts is what both must agree on.
 */
const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)';
const positive = (v: string): boolean => /^\d{1,6}$/.test(v) && Number(v) >= 1;
/** A comma list of integers within [min, max], optionally signed (a negative counts from the end). */
const numbers =
  (min: number, max: number, signed = false) =>
  (v: string): boolean =>
    v.split(',').every((item) => {
      const m = /^([+-]?)(\d{1,3})$/.exec(item);
      if (!m || (m[1] !== '' && !signed)) return false;
      const n = Number(m[2]);
      return n >= min && n <= max;
    });

/**
 * Each rule part Google reads and the values it takes (RFC 5545 section 3.3.10). Google has no
 * sub-daily recurrence: HOURLY, MINUTELY and SECONDLY are refused.
 */
const RULE_PARTS: Record<string, (value: string) => boolean> = {
  FREQ: (v) => ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(v),
  // A DATE, or a UTC date-time: a floating UNTIL is refused (RFC 5545 wants UTC with a zoned start).
  UNTIL: (v) => /^\d{8}(T\d{6}Z)?$/.test(v) && parseCompact(v) !== null,
  COUNT: positive,
  INTERVAL: positive,
  BYSECOND: numbers(0, 60),
  BYMINUTE: numbers(0, 59),
  BYHOUR: numbers(0, 23),
  BYDAY: (v) =>
    v.split(',').every((item) => {
      const m = new RegExp(`^(?:[+-]?(\\d{1,2}))?${WEEKDAY}$`).exec(item);
      return m !== null && (m[1] === undefined || (Number(m[1]) >= 1 && Number(m[1]) <= 53));
    }),
  BYMONTHDAY: numbers(1, 31, true),
  BYYEARDAY: numbers(1, 366, true),
  BYWEEKNO: numbers(1, 53, true),
  BYMONTH: numbers(1, 12),
  BYSETPOS: numbers(1, 366, true),
  WKST: (v) => new RegExp(`^${WEEKDAY}$`).test(v),
};
const MAX_COUNT = 100_000;
const MAX_INTERVAL = 10_000;
const DAY_MS = 86_400_000;

function invalidRecurrence(): never {
  throw googleErrors.invalid('Invalid recurrence rule.');
}

interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** 'YYYYMMDD' or 'YYYYMMDDTHHMMSS[Z]' taken apart; null unless that date and time exist. */
function parseCompact(value: string): { fields: WallFields; utc: boolean; date: boolean } | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/i.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, z] = m;
  const fields: WallFields = {
    year: +y!,
    month: +mo!,
    day: +d!,
    hour: h === undefined ? 0 : +h,
    minute: mi === undefined ? 0 : +mi,
    second: s === undefined ? 0 : +s,
  };
  if (!DateTime.fromObject(fields, { zone: 'UTC' }).isValid) return null;
  return { fields, utc: z !== undefined, date: h === undefined };
}

const utcMillis = (f: WallFields): number => Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);

interface DateList {
  /** Exact instants (values with Z, a TZID, or local times read in the event zone). */
  instants: number[];
  /** Whole dates (VALUE=DATE). */
  dates: string[];
}

export function parseDateList(line: string, zone: string): DateList {
  const colon = line.indexOf(':');
  if (colon < 0) invalidRecurrence();
  const [, ...params] = line.slice(0, colon).split(';');
  let tzid: string | undefined;
  let type: 'DATE' | 'DATE-TIME' | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    const key = param.slice(0, Math.max(eq, 0)).toUpperCase();
    const value = param.slice(eq + 1);
    if (key === 'TZID' && isValidTimeZone(value)) tzid = value;
    else if (key === 'VALUE' && ['DATE', 'DATE-TIME'].includes(value.toUpperCase()))
      type = value.toUpperCase() as 'DATE' | 'DATE-TIME';
    else invalidRecurrence();
  }
  const out: DateList = { instants: [], dates: [] };
  for (const raw of line.slice(colon + 1).split(',')) {
    const value = parseCompact(raw.trim());
    if (!value || (type === 'DATE' && !value.date) || (type === 'DATE-TIME' && value.date))
      invalidRecurrence();
    if (value.date) out.dates.push(new Date(utcMillis(value.fields)).toISOString().slice(0, 10));
    else
      out.instants.push(value.utc ? utcMillis(value.fields) : wallTimeToMillis(value.fields, tzid ?? zone));
  }
  return out;
}

/**
 * One RRULE or EXRULE body as an rrule walker over floating times in `zone`, starting at
 * `floatingStart`. A DATE UNTIL of a timed series includes that whole day.
 */
export function parseRule(body: string, floatingStart: Date, zone: string, allDay: boolean): RRuleInstance {
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, Math.max(eq, 0)).toUpperCase();
    const value = part.slice(eq + 1).toUpperCase();
    const valid = RULE_PARTS[key];
    if (eq <= 0 || !valid || parts.has(key) || !valid(value)) invalidRecurrence();
    parts.set(key, value);
  }
  if (!parts.has('FREQ') || (parts.has('UNTIL') && parts.has('COUNT'))) invalidRecurrence();
  if (Number(parts.get('COUNT') ?? 1) > MAX_COUNT || Number(parts.get('INTERVAL') ?? 1) > MAX_INTERVAL)
    invalidRecurrence();
  const untilText = parts.get('UNTIL');
  parts.delete('UNTIL');
  let options;
  try {
    options = RRule.parseString([...parts].map(([k, v]) => `${k}=${v}`).join(';'));
  } catch {
    invalidRecurrence();
  }
  let until: Date | null = null;
  const value = untilText === undefined ? null : parseCompact(untilText);
  if (value?.utc) {
    // A UTC instant: compared on the wall clock of the series zone.
    until = toFloating(utcMillis(value.fields), zone);
  } else if (value) {
    until = new Date(utcMillis(value.fields) + (allDay ? 0 : DAY_MS - 1000));
  }
  try {
    return new RRule({ ...options, until, dtstart: floatingStart, tzid: null });
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
      parseRule(line.slice(line.indexOf(':') + 1), new Date(Date.UTC(2000, 0, 1)), zone, false);
    } else if (/^(RDATE|EXDATE)[;:]/.test(upper)) {
      parseDateList(line, zone);
    } else {
      invalidRecurrence();
    }
    out.push(line);
  }
  // An empty list is no recurrence (a series made a single event); lines must give dates.
  if (out.length > 0 && !out.some((l) => /^(RRULE|RDATE)[;:]/i.test(l))) invalidRecurrence();
  return out;
}

export function toFloating(ms: number, zone: string): Date {
  const dt = DateTime.fromMillis(ms, { zone });
  return new Date(Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second));
}

export function fromFloating(date: Date, zone: string): number {
  return wallTimeToMillis(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    },
    zone,
  );
}
