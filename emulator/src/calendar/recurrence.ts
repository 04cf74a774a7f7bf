import { DateTime } from 'luxon';
import type { StoredEvent } from '../state/types.js';
import { dateToMillis } from '../time.js';
import {
  fromFloating,
  parseDateList,
  parseRule,
  toFloating,
  type RRuleInstance,
} from './recurrence-parse.js';

/**
 * Recurrence (RFC 5545 RRULE / EXRULE / RDATE / EXDATE lines) expanded in the event's own time
 * zone. Rules run on "floating" wall-clock times that are then placed in the zone with luxon, so a
 * 09:00 America/New_York weekly series stays at 09:00 local across DST changes.
 */
const MAX_UNBOUNDED_INSTANCES = 730;
const MAX_BOUNDED_INSTANCES = 20_000;
const DAY_MS = 86_400_000;

interface Series {
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

const seriesCache = new WeakMap<StoredEvent, Map<string, Series>>();

/**
 * The series of `master` as a calendar in `calendarZone` sees it. An all-day series is floating:
 * its dates are the same on every calendar, each placing them at its own midnight, so the start
 * is the master's date in the viewer's zone rather than the instant stored for the organizer's.
 */
export function seriesOf(master: StoredEvent, calendarZone: string): Series {
  const byZone = seriesCache.get(master) ?? new Map<string, Series>();
  seriesCache.set(master, byZone);
  const cached = byZone.get(calendarZone);
  if (cached) return cached;
  const zone = master.allDay ? calendarZone : (master.data.start.timeZone ?? calendarZone);
  const { startMs, endMs } = viewedTimes(master, zone);
  const floatingStart = toFloating(startMs, zone);
  const series: Series = {
    zone,
    allDay: master.allDay,
    startMs,
    durationMs: endMs - startMs,
    rules: [],
    exrules: [],
    rdates: [],
    exInstants: new Set(),
    exDates: new Set(),
  };
  for (const line of master.data.recurrence ?? []) {
    const upper = line.toUpperCase();
    const body = line.slice(line.indexOf(':') + 1);
    if (upper.startsWith('RRULE:')) series.rules.push(parseRule(body, floatingStart, zone, master.allDay));
    else if (upper.startsWith('EXRULE:'))
      series.exrules.push(parseRule(body, floatingStart, zone, master.allDay));
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
  byZone.set(calendarZone, series);
  return series;
}

function viewedTimes(master: StoredEvent, zone: string): { startMs: number; endMs: number } {
  const { start, end } = master.data;
  if (!master.allDay || start.date == null || end.date == null)
    return { startMs: master.startMs, endMs: master.endMs };
  return { startMs: dateToMillis(start.date, zone), endMs: dateToMillis(end.date, zone) };
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
  // EXRULE occurrences, compared in floating time so no zone conversion is needed per date.
  const excluded = new Set<number>();
  for (const rule of series.exrules) {
    iterate(rule, floatingLo, floatingHi, (d) => {
      excluded.add(d.getTime());
      return true;
    });
  }
  const kept = (start: number, floating: Date): boolean =>
    !excluded.has(floating.getTime()) && isKept(series, start);
  const starts = new Set<number>();
  for (const rule of series.rules) {
    let count = 0;
    iterate(rule, floatingLo, floatingHi, (d) => {
      if (excluded.has(d.getTime())) return true;
      const start = fromFloating(d, series.zone);
      if (inWindow(start) && isKept(series, start)) {
        starts.add(start);
        count++;
      }
      return count < limit;
    });
  }
  // The start is always the first occurrence, even when the rule does not produce it (RFC 5545
  // 3.8.5.3: DTSTART "defines the first instance"; Google shows it on top of COUNT's rule dates).
  for (const ms of [series.startMs, ...series.rdates]) {
    if (inWindow(ms) && kept(ms, toFloating(ms, series.zone))) starts.add(ms);
  }
  return [...starts].sort((a, b) => a - b).slice(0, limit);
}

/**
 * Walks a rule's occurrences from its start, visiting those in [lo, hi]. rrule cannot skip ahead,
 * so the walk is bounded: a daily rule reaches about 270 years past its start.
 */
const MAX_VISITED = 100_000;

function iterate(rule: RRuleInstance, lo: Date, hi: Date, visit: (d: Date) => boolean): void {
  let visited = 0;
  rule.all((d: Date) => {
    visited++;
    if (visited > MAX_VISITED || d > hi) return false;
    if (d < lo) return true;
    return visit(d);
  });
}

function isKept(series: Series, start: number): boolean {
  if (series.exInstants.has(start)) return false;
  if (series.exDates.size > 0) {
    const date = DateTime.fromMillis(start, { zone: series.zone }).toFormat('yyyy-MM-dd');
    if (series.exDates.has(date)) return false;
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
