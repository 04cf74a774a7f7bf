import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';
import type { StoredReminders } from '../../../kernel/values.js';
import type { Timestamp, TimestampDefault } from './column-types.js';

// Owner: src/modules/calendars. SQL on this table stands only there (eslint.config.js).
export interface CalendarsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  connection_id: string;
  google_calendar_id: string;
  summary: string | null;
  time_zone: string | null;
  is_primary: ColumnType<boolean, boolean | undefined, boolean>;
  access_role: string | null;
  selected: ColumnType<boolean, boolean | undefined, boolean>;
  sync_token: string | null;
  sync_status: ColumnType<'idle' | 'syncing' | 'error', 'idle' | 'syncing' | 'error' | undefined>;
  last_full_sync_at: Timestamp | null;
  last_sync_at: Timestamp | null;
  last_error: string | null;
  channel_id: string | null;
  channel_resource_id: string | null;
  channel_token_hash: string | null;
  channel_expires_at: Timestamp | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
  /** Google's defaultReminders of the calendar (they apply to events with useDefault); null: unknown. */
  default_reminders: JSONColumnType<
    StoredReminders['overrides'] | null,
    string | null | undefined,
    string | null
  >;
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
  /** How many of the calendar's events are set aside in skipped_events (Google sent them, the CRM cannot store them). */
  skipped_events: ColumnType<number, number | undefined, number>;
  /** Why the most recently skipped of them was skipped; null when none is. */
  last_skip_reason: string | null;
  last_skipped_at: Timestamp | null;
  /** Google's colours of the calendar (`#rrggbb`), from its calendar list entry; null: unknown. */
  background_color: string | null;
  foreground_color: string | null;
}

export type CalendarRow = Selectable<CalendarsTable>;
