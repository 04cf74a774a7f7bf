import { RRule, type ParsedRecurrence, type RecurrenceValue, type RuleSpec } from './rules.js';
import { floatingToDate, floatingToInstant, instantToFloating } from '../time.js';

/**
 * The rule walk behind expandSeries: which floating (wall-clock) start times a parsed recurrence
 * produces inside a window, after RDATE, EXDATE and EXRULE.
 */

/**
 * Cap on the occurrences one rule may generate on its way to the end of the range (monthly and
 * yearly rules, and rules with COUNT, are walked from the series start): a pathological rule is
 * cut here instead of stalling the request.
 */
const MAX_RULE_ITERATIONS = 100_000;

const DAY_MS = 86_400_000;

export interface Shape {
  zone: string;
  allDay: boolean;
  /** Floating wall-clock start of the series. */
  start: Date;
  /** Wall-clock duration in ms (timed) or whole days (all-day). */
  duration: number;
}

/** A recurrence value as a floating time in the event's zone (midnight for all-day series). */
export function toFloating(value: RecurrenceValue, shape: Shape): Date {
  let floating: Date;
  if (value.kind === 'date') floating = new Date(`${value.date}T00:00:00Z`);
  else if (value.kind === 'instant') floating = instantToFloating(value.instant, shape.zone);
  else if (value.zone === null || value.zone === shape.zone) floating = value.floating;
  else floating = instantToFloating(floatingToInstant(value.floating, value.zone), shape.zone);
  return shape.allDay ? new Date(`${floatingToDate(floating)}T00:00:00Z`) : floating;
}

/** UNTIL as a floating bound: a DATE bound on a timed series includes that whole day (RFC 5545). */
function untilOf(rule: RuleSpec, shape: Shape): Date | null {
  if (rule.until === null) return null;
  const floating = toFloating(rule.until, shape);
  return rule.until.kind === 'date' && !shape.allDay ? new Date(floating.getTime() + DAY_MS - 1) : floating;
}

export interface Walk {
  steps: number;
  truncated: boolean;
}

/** Fixed-length periods on the floating (DST-free) clock, by frequency. */
const PERIOD_MS: Record<string, number> = {
  SECONDLY: 1000,
  MINUTELY: 60_000,
  HOURLY: 3_600_000,
  DAILY: DAY_MS,
  WEEKLY: 7 * DAY_MS,
};

/**
 * Where rrule starts walking. rrule always walks from DTSTART; for fixed-length periods without
 * COUNT, starting a whole number of intervals later (just before the window) yields the same
 * occurrences, so a daily series from years ago costs the same as a new one.
 */
function walkStart(rule: RuleSpec, shape: Shape, lo: Date): Date {
  const period = PERIOD_MS[rule.freq];
  if (period === undefined || (rule.options.count ?? null) !== null) return shape.start;
  const step = period * (rule.options.interval ?? 1);
  const skip = Math.floor((lo.getTime() - shape.start.getTime()) / step) - 1;
  return skip > 0 ? new Date(shape.start.getTime() + skip * step) : shape.start;
}

/** Occurrences of one rule in [lo, hi], walking from the series start with a step cap. */
function occurrences(rule: RuleSpec, shape: Shape, lo: Date, hi: Date, walk: Walk, max: number): Date[] {
  const found: Date[] = [];
  const rrule = new RRule({
    ...rule.options,
    dtstart: walkStart(rule, shape, lo),
    until: untilOf(rule, shape),
    tzid: null,
  });
  rrule.all((date) => {
    walk.steps += 1;
    if (walk.steps > MAX_RULE_ITERATIONS || found.length >= max) {
      walk.truncated = true;
      return false;
    }
    if (date > hi) return false;
    if (date >= lo) found.push(date);
    return true;
  });
  return found;
}

/**
 * Floating start times of the series in [lo, hi], sorted: DTSTART (always the first occurrence,
 * as RFC 5545 counts it), the RRULEs and RDATEs, less EXDATEs and EXRULEs.
 */
export function occurrenceStarts(
  parsed: ParsedRecurrence,
  shape: Shape,
  lo: Date,
  hi: Date,
  max: number,
  walk: Walk,
): Date[] {
  const candidates = new Map<number, Date>();
  const add = (date: Date) => candidates.set(date.getTime(), date);
  if (shape.start >= lo && shape.start <= hi) add(shape.start);
  for (const rule of parsed.rules) occurrences(rule, shape, lo, hi, walk, max).forEach(add);
  for (const value of parsed.rdates) add(toFloating(value, shape));
  const excluded = new Set<number>();
  const excludedDays = new Set<string>();
  for (const value of parsed.exdates) {
    // A DATE in EXDATE of a timed series removes the occurrences on that day.
    if (value.kind === 'date' && !shape.allDay) excludedDays.add(value.date);
    else excluded.add(toFloating(value, shape).getTime());
  }
  for (const rule of parsed.exrules) {
    occurrences(rule, shape, lo, hi, walk, Infinity).forEach((d) => excluded.add(d.getTime()));
  }
  return [...candidates.values()]
    .filter((d) => !excluded.has(d.getTime()) && !excludedDays.has(floatingToDate(d)))
    .sort((a, b) => a.getTime() - b.getTime());
}

/** The earliest and latest instants a Date holds: bounds that leave out no occurrence. */
const EARLIEST = new Date(-8_640_000_000_000_000);
const LATEST = new Date(8_640_000_000_000_000);

/** The first `max` floating starts of one rule (fewer when it ends before), from the series start. */
export function firstStarts(rule: RuleSpec, shape: Shape, max: number): Date[] {
  return occurrences(rule, shape, EARLIEST, LATEST, { steps: 0, truncated: false }, max);
}

/**
 * Every floating start of a finite recurrence (each RRULE ends with COUNT or UNTIL), sorted, after
 * RDATE, EXDATE and EXRULE; null for one that never ends, or that the cap on rule iterations cut
 * short (its end cannot be told).
 */
export function allOccurrenceStarts(parsed: ParsedRecurrence, shape: Shape): Date[] | null {
  if (parsed.rules.some((rule) => rule.until === null && (rule.options.count ?? null) === null)) return null;
  // The last start any rule or RDATE gives bounds the EXRULEs, which may be endless.
  let last = shape.start;
  const rules: Walk = { steps: 0, truncated: false };
  for (const rule of parsed.rules) {
    const found = occurrences(rule, shape, EARLIEST, LATEST, rules, Infinity).at(-1);
    if (found !== undefined && found > last) last = found;
  }
  for (const value of parsed.rdates) {
    const floating = toFloating(value, shape);
    if (floating > last) last = floating;
  }
  const walk: Walk = { steps: 0, truncated: false };
  const starts = occurrenceStarts(parsed, shape, EARLIEST, last, Infinity, walk);
  return rules.truncated || walk.truncated ? null : starts;
}
