import type { SeriesRow } from './recurrence.js';

/** Fixtures of the recurrence tests: series masters as stored, expansion ranges, and readouts. */

/** A timed series master starting at `start` (an instant) in `zone`. */
export function timed(start: string, end: string, zone: string, recurrence: string[]): SeriesRow {
  return {
    google_event_id: 'series1',
    all_day: false,
    start_at: new Date(start),
    end_at: new Date(end),
    start_date: null,
    end_date: null,
    time_zone: zone,
    recurrence,
  };
}

/** An all-day series master from `start` to `end` (exclusive dates). */
export function allDay(
  start: string,
  end: string,
  recurrence: string[],
  zone = 'America/New_York',
): SeriesRow {
  return {
    google_event_id: 'bday',
    all_day: true,
    start_at: null,
    end_at: null,
    start_date: start,
    end_date: end,
    time_zone: zone,
    recurrence,
  };
}

/** The expansion range [from, to), optionally read in `timeZone`. */
export const range = (from: string, to: string, timeZone?: string) => ({
  from: new Date(from),
  to: new Date(to),
  ...(timeZone === undefined ? {} : { timeZone }),
});

/** The start instants of expanded occurrences, as ISO strings. */
export const starts = (list: { startAt: Date | null }[]) => list.map((i) => i.startAt?.toISOString());
