export type { CalendarRef } from '../../kernel/refs.js';

/** What made a pull run (logged, and a metric label). */
export type PullTrigger = 'initial' | 'webhook' | 'schedule' | 'manual' | 'select' | 'cli' | 'retry';

/** Counts of what one pull changed in the CRM copy. */
export interface PullCounts {
  /** Events Google returned. */
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  /**
   * Events the CRM could not store (unreadable, or refused by the database): logged, counted and
   * set aside in the calendar's skipped events; the rest of the calendar synced.
   */
  skipped: number;
  /** Events unchanged since the last pull (same etag) or waiting to be pushed (pending). */
  unchanged: number;
}

export interface PullOutcome extends PullCounts {
  calendarId: string;
  /**
   * `pulled`: this call ran the pull. `busy`: another pull of the calendar was running; it was
   * asked to run one more round, so the changes reach the CRM anyway. `skipped`: the calendar is
   * not selected, or the connection is not active.
   */
  status: 'pulled' | 'busy' | 'skipped';
  /** Why a pull was skipped. */
  reason: string | null;
  /** The pull listed the whole calendar (first sync, or Google asked for it with 410). */
  fullSync: boolean;
  /** `events.list` pages read. */
  pages: number;
  /** Listings run: more than one when pulls were requested while this one ran. */
  rounds: number;
}

export function emptyCounts(): PullCounts {
  return { fetched: 0, created: 0, updated: 0, deleted: 0, skipped: 0, unchanged: 0 };
}
