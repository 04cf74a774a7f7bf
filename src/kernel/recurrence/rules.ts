import * as rruleModule from 'rrule';
import type { Options as RRuleOptions } from 'rrule';
import { isValidTimeZone, parseTimeValue } from '../time.js';

// rrule ships a CommonJS bundle: under Node's ESM loader its exports sit on `default`, while
// bundlers and CommonJS transpilation expose them directly.
const rrule: typeof rruleModule =
  'RRule' in rruleModule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default;
const { RRule } = rrule;

/**
 * Parsing of Google's `recurrence` lines (RFC 5545 RRULE, EXRULE, RDATE and EXDATE; Google does not
 * allow DTSTART/DTEND there). rrule is lenient (it accepts 'BYDAY=XX' or 'FREQ=FOO' silently), so
 * every rule part is checked here first and a line that does not parse is an error, never ignored.
 */
export class RecurrenceError extends Error {
  override readonly name = 'RecurrenceError';
}

/** A DATE or DATE-TIME value from a rule: a date, a UTC instant, or a wall time in `zone` (null: the event's). */
export type RecurrenceValue =
  | { kind: 'date'; date: string }
  | { kind: 'instant'; instant: Date }
  | { kind: 'wall'; floating: Date; zone: string | null };

export interface RuleSpec {
  /** The rule text after 'RRULE:' / 'EXRULE:'. */
  text: string;
  freq: string;
  /** rrule options parsed from the text, without `until`, `dtstart` and `tzid`. */
  options: Partial<RRuleOptions>;
  until: RecurrenceValue | null;
}

export interface ParsedRecurrence {
  rules: RuleSpec[];
  exrules: RuleSpec[];
  rdates: RecurrenceValue[];
  exdates: RecurrenceValue[];
}

const FREQUENCIES = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)';
const intList = (min: number, max: number, signed: boolean) => (value: string) =>
  value.split(',').every((item) => {
    if (!(signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).test(item)) return false;
    const n = Math.abs(Number(item));
    return n >= min && n <= max;
  });

/** Validators of each RFC 5545 rule part (section 3.3.10). */
const PART_CHECKS: Record<string, (value: string) => boolean> = {
  FREQ: (v) => FREQUENCIES.includes(v),
  UNTIL: (v) => /^\d{8}(T\d{6}Z?)?$/.test(v),
  COUNT: (v) => /^\d{1,6}$/.test(v) && Number(v) > 0,
  INTERVAL: (v) => /^\d{1,6}$/.test(v) && Number(v) > 0,
  BYSECOND: intList(0, 60, false),
  BYMINUTE: intList(0, 59, false),
  BYHOUR: intList(0, 23, false),
  BYDAY: (v) =>
    v.split(',').every((item) => {
      const m = new RegExp(`^([+-]?\\d{1,2})?${WEEKDAY}$`).exec(item);
      return (
        m !== null && (m[1] === undefined || (Math.abs(Number(m[1])) >= 1 && Math.abs(Number(m[1])) <= 53))
      );
    }),
  BYMONTHDAY: intList(1, 31, true),
  BYYEARDAY: intList(1, 366, true),
  BYWEEKNO: intList(1, 53, true),
  BYMONTH: intList(1, 12, false),
  BYSETPOS: intList(1, 366, true),
  WKST: (v) => new RegExp(`^${WEEKDAY}$`).test(v),
};

function parseRule(text: string, line: string): RuleSpec {
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).toUpperCase() : '';
    const value = eq > 0 ? part.slice(eq + 1).toUpperCase() : '';
    const check = PART_CHECKS[key];
    if (check === undefined) throw new RecurrenceError(`Unknown rule part '${part}' in '${line}'`);
    if (parts.has(key)) throw new RecurrenceError(`Rule part ${key} appears twice in '${line}'`);
    if (!check(value)) throw new RecurrenceError(`Invalid ${key} value '${value}' in '${line}'`);
    parts.set(key, value);
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) throw new RecurrenceError(`FREQ is required in '${line}'`);
  if (parts.has('UNTIL') && parts.has('COUNT')) {
    throw new RecurrenceError(`UNTIL and COUNT cannot both be set in '${line}'`);
  }
  const until = parts.get('UNTIL');
  parts.delete('UNTIL');
  const rest = [...parts].map(([k, v]) => `${k}=${v}`).join(';');
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(rest);
  } catch (error) {
    throw new RecurrenceError(`Invalid rule '${line}': ${(error as Error).message}`);
  }
  return {
    text,
    freq,
    options,
    until: until === undefined ? null : parseValue(until, null, 'DATE-TIME', line),
  };
}

function parseValue(raw: string, zone: string | null, type: string, line: string): RecurrenceValue {
  // A PERIOD ('start/end' or 'start/duration') contributes its start; the duration is the event's.
  const text = type === 'PERIOD' ? (raw.split('/')[0] ?? '') : raw;
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(text);
  const invalid = () => new RecurrenceError(`Invalid date value '${raw}' in '${line}'`);
  if (m === null) throw invalid();
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) {
    const parsed = parseTimeValue(date);
    if (parsed?.kind !== 'date') throw invalid();
    return { kind: 'date', date };
  }
  if (type === 'DATE') throw invalid();
  const parsed = parseTimeValue(`${date}T${m[4]}:${m[5]}:${m[6]}${m[7] === 'Z' ? 'Z' : ''}`);
  if (parsed === null || parsed.kind === 'date') throw invalid();
  if (parsed.kind === 'instant') return { kind: 'instant', instant: parsed.instant };
  return { kind: 'wall', floating: parsed.floating, zone };
}

function parseDateList(params: string[], value: string, line: string): RecurrenceValue[] {
  let zone: string | null = null;
  let type = 'DATE-TIME';
  for (const param of params) {
    const [rawKey, paramValue = ''] = param.split('=', 2);
    const key = (rawKey ?? '').toUpperCase();
    if (key === 'TZID') {
      if (!isValidTimeZone(paramValue))
        throw new RecurrenceError(`Unknown time zone '${paramValue}' in '${line}'`);
      zone = paramValue;
    } else if (key === 'VALUE' && ['DATE', 'DATE-TIME', 'PERIOD'].includes(paramValue.toUpperCase())) {
      type = paramValue.toUpperCase();
    } else {
      throw new RecurrenceError(`Unsupported parameter '${param}' in '${line}'`);
    }
  }
  if (value.trim() === '') throw new RecurrenceError(`No dates in '${line}'`);
  return value.split(',').map((item) => parseValue(item.trim(), zone, type, line));
}

/** Parses recurrence lines as Google stores them; throws RecurrenceError on the first bad line. */
export function parseRecurrenceLines(lines: readonly string[]): ParsedRecurrence {
  const parsed: ParsedRecurrence = { rules: [], exrules: [], rdates: [], exdates: [] };
  for (const rawLine of lines) {
    const line = rawLine.trim();
    const colon = line.indexOf(':');
    if (colon <= 0) throw new RecurrenceError(`Not a recurrence line: '${rawLine}'`);
    const [rawName = '', ...params] = line.slice(0, colon).split(';');
    const name = rawName.toUpperCase();
    const value = line.slice(colon + 1);
    if (name === 'RRULE' || name === 'EXRULE') {
      if (params.length > 0) throw new RecurrenceError(`${name} takes no parameters: '${line}'`);
      (name === 'RRULE' ? parsed.rules : parsed.exrules).push(parseRule(value, line));
    } else if (name === 'RDATE' || name === 'EXDATE') {
      (name === 'RDATE' ? parsed.rdates : parsed.exdates).push(...parseDateList(params, value, line));
    } else {
      throw new RecurrenceError(
        `Unsupported recurrence line '${line}' (expected RRULE, EXRULE, RDATE or EXDATE)`,
      );
    }
  }
  return parsed;
}

/** An RDATE or EXDATE line taken apart: `NAME;PARAMS` and each value with its text. */
interface DateLine {
  head: string;
  name: 'RDATE' | 'EXDATE';
  items: { text: string; value: RecurrenceValue }[];
}

/** Takes an RDATE or EXDATE line apart; null for any other line. Throws RecurrenceError when it does not parse. */
export function parseDateLine(rawLine: string): DateLine | null {
  const line = rawLine.trim();
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const head = line.slice(0, colon);
  const [rawName = '', ...params] = head.split(';');
  const name = rawName.toUpperCase();
  if (name !== 'RDATE' && name !== 'EXDATE') return null;
  const value = line.slice(colon + 1);
  const values = parseDateList(params, value, line);
  const texts = value.split(',').map((item) => item.trim());
  return { head, name, items: values.map((parsed, i) => ({ text: texts[i] ?? '', value: parsed })) };
}

/** The frequencies Google Calendar takes; it refuses HOURLY, MINUTELY and SECONDLY with 400 "Invalid recurrence rule". */
const GOOGLE_FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

/**
 * Checks recurrence lines as Google takes them in a write; returns an error message, or null when
 * they are valid. Stricter than what the pull accepts from Google, and as strict as Google's own
 * check (src/kernel/recurrence/agreement/cases.ts): a rule Google would refuse would otherwise be
 * stored and fail on every push. So: at least one RRULE or RDATE, only Google's four frequencies,
 * and UNTIL as a UTC date-time or a date, never floating (RFC 5545 3.3.10: UTC when the start has
 * a time zone, a date when it is a date).
 */
export function validateRecurrence(lines: readonly string[]): string | null {
  return recurrenceError(lines, { floatingUntil: false });
}

/**
 * Checks recurrence lines given to the CRM API: as validateRecurrence, except that a floating
 * UNTIL is taken, since the CRM writes it in the form RFC 5545 requires (normalizeUntil, until.ts)
 * before anything is stored.
 */
export function validateRecurrenceInput(lines: readonly string[]): string | null {
  return recurrenceError(lines, { floatingUntil: true });
}

function recurrenceError(lines: readonly string[], allow: { floatingUntil: boolean }): string | null {
  if (lines.length === 0) return 'Recurrence needs at least one RRULE or RDATE line';
  let parsed: ParsedRecurrence;
  try {
    parsed = parseRecurrenceLines(lines);
  } catch (error) {
    if (error instanceof RecurrenceError) return error.message;
    throw error;
  }
  if (parsed.rules.length === 0 && parsed.rdates.length === 0) {
    return 'Recurrence needs at least one RRULE or RDATE line';
  }
  for (const rule of [...parsed.rules, ...parsed.exrules]) {
    if (!GOOGLE_FREQUENCIES.includes(rule.freq)) {
      return `FREQ=${rule.freq} is not supported by Google Calendar (use ${GOOGLE_FREQUENCIES.join(', ')})`;
    }
    if (rule.until?.kind === 'wall' && !allow.floatingUntil) {
      return `UNTIL must be a UTC date-time ending in Z, or a date, in '${rule.text}'`;
    }
  }
  return null;
}

export { RRule };
