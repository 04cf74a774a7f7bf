import { addDays, floatingToInstant, instantToDate, instantToFloating } from './time.js';

/** Interval arithmetic of free/busy: busy merging, free windows, working hours and aligned slots. */

export interface Interval {
  start: Date;
  end: Date;
}

interface WorkingHours {
  /** Minutes after local midnight. */
  startMinute: number;
  endMinute: number;
  /** ISO weekdays (1 = Monday ... 7 = Sunday). */
  days: readonly number[];
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Sorted, non-overlapping union of the intervals (touching ones join). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .filter((i) => i.end > i.start)
    .map((i) => ({ start: i.start, end: i.end }))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.start <= last.end) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

/** The parts of `range` not covered by `busy` (busy must be merged). */
export function freeWindows(range: Interval, busy: readonly Interval[]): Interval[] {
  const free: Interval[] = [];
  let cursor = range.start;
  for (const b of busy) {
    if (b.end <= cursor) continue;
    if (b.start >= range.end) break;
    if (b.start > cursor) free.push({ start: cursor, end: b.start });
    if (b.end > cursor) cursor = b.end;
  }
  if (cursor < range.end) free.push({ start: cursor, end: range.end });
  return free;
}

/** The working-hours windows of each local day that `range` touches, in `zone`. */
export function workingWindows(range: Interval, hours: WorkingHours, zone: string): Interval[] {
  const windows: Interval[] = [];
  let date = instantToDate(new Date(range.start.getTime() - DAY_MS), zone);
  const last = instantToDate(new Date(range.end.getTime() + DAY_MS), zone);
  while (date <= last) {
    const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    if (hours.days.includes(weekday)) {
      const midnight = new Date(`${date}T00:00:00Z`).getTime();
      const start = floatingToInstant(new Date(midnight + hours.startMinute * MINUTE_MS), zone);
      const end = floatingToInstant(new Date(midnight + hours.endMinute * MINUTE_MS), zone);
      const clipped = {
        start: start < range.start ? range.start : start,
        end: end > range.end ? range.end : end,
      };
      if (clipped.end > clipped.start) windows.push(clipped);
    }
    date = addDays(date, 1);
  }
  return windows;
}

/** Intersection of two sorted lists of disjoint intervals. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const start = x.start > y.start ? x.start : y.start;
    const end = x.end < y.end ? x.end : y.end;
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/**
 * Meeting slots of `durationMinutes` inside the free windows, starting on the `stepMinutes` grid
 * of the local wall clock (e.g. :00, :15, :30, :45), at most `limit`.
 */
export function alignedSlots(
  windows: readonly Interval[],
  durationMinutes: number,
  stepMinutes: number,
  zone: string,
  limit: number,
): { slots: Interval[]; truncated: boolean } {
  const slots: Interval[] = [];
  const step = stepMinutes * MINUTE_MS;
  const duration = durationMinutes * MINUTE_MS;
  for (const window of windows) {
    const local = instantToFloating(window.start, zone).getTime();
    let floating = Math.ceil(local / step) * step;
    for (;;) {
      const start = floatingToInstant(new Date(floating), zone);
      const end = new Date(start.getTime() + duration);
      if (end > window.end) break;
      // A wall time skipped by a DST change maps before the window start: move on.
      if (start >= window.start) {
        if (slots.length >= limit) return { slots, truncated: true };
        slots.push({ start, end });
      }
      floating += step;
    }
  }
  return { slots, truncated: false };
}
