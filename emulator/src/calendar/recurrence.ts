import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import { googleErrors } from '../errors.js';
import type { StoredEvent } from '../state/types.js';
import { isValidTimeZone } from '../time.js';

const { RRule } = rrulePkg;
type RRuleInstance = InstanceType<typeof RRule>;

/**
 * Recurrence (RFC 5545 RRULE / EXRULE / RDATE / EXDATE lines) expanded in the event's own time
 * zone. Rules run on "floating" wall-clock times that are then placed in the zone with luxon, so a
 * 09:00 America/New_York weekly series stays at 09:00 local across DST changes.
 */
export const MAX_UNBOUNDED_INSTANCES = 730;
const MAX_BOUNDED_INSTANCES = 20_000;
const DAY_MS = 86_400_000;

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
const FREQS = new Set(['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);

function invalidRecurrence(): never {
  throw googleErrors.invalid('Invalid recurrence rule.');
}

interface DateList {
  /** Exact instants (values with Z, a TZID, or local times read in the event zone). */
  instants: number[];
  /** Whole dates (VALUE=DATE). */
  dates: string[];
}

function parseDateList(line: string, zone: string): DateList {
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

function parseRule(body: string, floatingStart: Date, zone: string): RRuleInstance {
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

export interface Series {
  /** Zone the rules run in: the event's start.timeZone (timed) or the calendar's zone (all-day). */
  zone: string;
  allDay: boolean;
  startMs: number;
  durationMs: number;
  rules: RRuleInstance[];
  exrules: RRuleInstance[];
  rdates: number[];
  exInstants: Set<number>;
  exDates: Set<string>;
}

const seriesCache = new WeakMap<StoredEvent, Series>();

export function seriesOf(master: StoredEvent, calendarZone: string): Series {
  const cached = seriesCache.get(master);
  if (cached) return cached;
  const zone = master.allDay ? calendarZone : (master.data.start.timeZone ?? calendarZone);
  const floatingStart = toFloating(master.startMs, zone);
  const series: Series = {
    zone,
    allDay: master.allDay,
    startMs: master.startMs,
    durationMs: master.endMs - master.startMs,
    rules: [],
    exrules: [],
    rdates: [],
    exInstants: new Set(),
    exDates: new Set(),
  };
  for (const line of master.data.recurrence ?? []) {
    const upper = line.toUpperCase();
    const body = line.slice(line.indexOf(':') + 1);
    if (upper.startsWith('RRULE:')) series.rules.push(parseRule(body, floatingStart, zone));
    else if (upper.startsWith('EXRULE:')) series.exrules.push(parseRule(body, floatingStart, zone));
    else if (upper.startsWith('RDATE')) {
      const list = parseDateList(line, zone);
      series.rdates.push(
        ...list.instants,
        ...list.dates.map((d) => DateTime.fromISO(d, { zone }).toMillis()),
      );
    } else if (upper.startsWith('EXDATE')) {
      const list = parseDateList(line, zone);
      for (const ms of list.instants) series.exInstants.add(ms);
      for (const d of list.dates) series.exDates.add(d);
    }
  }
  seriesCache.set(master, series);
  return series;
}

/**
 * Start instants of the occurrences overlapping (fromMs, toMs): end > fromMs and start < toMs.
 * Without `toMs` the expansion stops after MAX_UNBOUNDED_INSTANCES occurrences, like Google.
 */
export function occurrences(
  series: Series,
  fromMs: number | undefined,
  toMs: number | undefined,
  maxCount?: number,
): number[] {
  const limit = maxCount ?? (toMs === undefined ? MAX_UNBOUNDED_INSTANCES : MAX_BOUNDED_INSTANCES);
  const inWindow = (start: number): boolean =>
    (fromMs === undefined ||
      start + series.durationMs > fromMs ||
      (series.durationMs === 0 && start >= fromMs)) &&
    (toMs === undefined || start < toMs);
  const lo =
    fromMs === undefined ? series.startMs : Math.max(series.startMs, fromMs - series.durationMs - DAY_MS);
  const floatingLo = toFloating(lo, series.zone);
  const floatingHi =
    toMs === undefined ? new Date(Date.UTC(9999, 0, 1)) : toFloating(toMs + DAY_MS, series.zone);
  const starts = new Set<number>();
  for (const rule of series.rules) {
    let kept = 0;
    let visited = 0;
    rule.between(floatingLo, floatingHi, true, (d: Date) => {
      visited++;
      const start = fromFloating(d, series.zone);
      if (inWindow(start) && isKept(series, start)) {
        starts.add(start);
        kept++;
      }
      return kept < limit && visited < MAX_VISITED;
    });
  }
  // DTSTART counts as an occurrence on its own only for RDATE-only sets (RFC 5545 3.8.5.2).
  const extra = series.rules.length === 0 ? [...series.rdates, series.startMs] : series.rdates;
  for (const ms of extra) {
    if (inWindow(ms) && isKept(series, ms)) starts.add(ms);
  }
  return [...starts].sort((a, b) => a - b).slice(0, limit);
}

/** Bounds the work of one expansion (e.g. a secondly rule over years). */
const MAX_VISITED = 200_000;

function isKept(series: Series, start: number): boolean {
  if (series.exInstants.has(start)) return false;
  if (series.exDates.size > 0) {
    const date = DateTime.fromMillis(start, { zone: series.zone }).toFormat('yyyy-MM-dd');
    if (series.exDates.has(date)) return false;
  }
  for (const rule of series.exrules) {
    const floating = toFloating(start, series.zone);
    if (rule.between(floating, floating, true).length > 0) return false;
  }
  return true;
}

/** Whether `startMs` is one of the series' occurrences. */
export function isOccurrence(series: Series, startMs: number): boolean {
  return occurrences(series, startMs, startMs + 1).includes(startMs);
}

/** Instance id suffix: `_YYYYMMDDTHHMMSSZ` (UTC) for timed events, `_YYYYMMDD` for all-day ones. */
export function instanceId(masterId: string, startMs: number, allDay: boolean, zone: string): string {
  if (allDay) return `${masterId}_${DateTime.fromMillis(startMs, { zone }).toFormat('yyyyMMdd')}`;
  return `${masterId}_${DateTime.fromMillis(startMs, { zone: 'UTC' }).toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
}

/** Splits an instance id into the master id and the original start, or null. */
export function parseInstanceId(
  id: string,
  zone: string,
): { masterId: string; startMs: number; allDay: boolean } | null {
  const m = /^(.+)_(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(id);
  if (!m) return null;
  const [, masterId, y, mo, d, h, mi, s] = m;
  const allDay = h === undefined;
  const dt = DateTime.fromObject(
    {
      year: +y!,
      month: +mo!,
      day: +d!,
      hour: allDay ? 0 : +h,
      minute: allDay ? 0 : +mi!,
      second: allDay ? 0 : +s!,
    },
    { zone: allDay ? zone : 'UTC' },
  );
  if (!dt.isValid || !masterId) return null;
  return { masterId, startMs: dt.toMillis(), allDay };
}
