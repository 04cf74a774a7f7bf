import type { ColumnType } from 'kysely';

/**
 * Row types of the columns and table added by migration 20261124130000_pull_sync, merged into
 * the Kysely `Database` types by declaration merging.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Google requests per connection per minute window (the per-user request budget). */
export interface GoogleRequestBudgetTable {
  connection_id: string;
  window_start: Timestamp;
  requests: ColumnType<number, number | undefined, number>;
}

declare module '../../db/schema.js' {
  interface CalendarsTable {
    /** Which pull holds the calendar's lease (one pull per calendar at a time, across processes). */
    pull_lease_owner: string | null;
    pull_lease_until: Timestamp | null;
    /** Set when a pull was asked for while another ran: the running pull does one more round. */
    pull_requested_at: Timestamp | null;
    /** Bumped when a full listing starts; stamped on the rows it returns (events.listed_generation). */
    full_sync_generation: ColumnType<number, number | undefined, number>;
    /** When the current (or last) full listing started. */
    full_sync_started_at: Timestamp | null;
    /** The next page of an unfinished full listing, so that it resumes where it stopped. */
    full_sync_page_token: string | null;
  }
  interface EventsTable {
    /** The calendar's full_sync_generation of the last full listing that returned this event. */
    listed_generation: ColumnType<number | null, number | null | undefined, number | null>;
  }
  interface Database {
    google_request_budget: GoogleRequestBudgetTable;
  }
}
