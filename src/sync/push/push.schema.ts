import type { ColumnType, JSONColumnType, Selectable } from 'kysely';
import type { StoredReminders } from '../../db/schema.js';

/**
 * Row types of the columns and table added by migration 20261124140000_event_push, merged into
 * the Kysely `Database` types by declaration merging (the same way modules add jobs to the job map).
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;

/** One overwrite made by a three-way merge: both sides changed `field`, `winner`'s value was kept. */
export interface StoredConflict {
  field: string;
  local: unknown;
  remote: unknown;
  winner: 'local' | 'remote';
  /** ISO instant of the merge. */
  at: string;
}

export type PushSendUpdates = 'all' | 'externalOnly' | 'none';

export interface NotificationStreamTicketsTable {
  ticket_hash: string;
  tenant_id: string;
  user_id: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

declare module '../../db/schema.js' {
  interface EventsTable {
    /** sendUpdates of the change waiting to be pushed; null once pushed. */
    push_send_updates: ColumnType<
      PushSendUpdates | null,
      PushSendUpdates | null | undefined,
      PushSendUpdates | null
    >;
    /** When the CRM-side change waiting to be pushed was made. */
    local_changed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    /** A Meet conference asked for (true) or removed (false) in the CRM, until Google confirms. */
    conference_requested: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
    /** Overwrites recorded by three-way merges, newest last. */
    sync_conflicts: JSONColumnType<StoredConflict[], string | undefined, string>;
  }
  interface CalendarsTable {
    /** Google's defaultReminders of the calendar (they apply to events with useDefault); null: unknown. */
    default_reminders: JSONColumnType<
      StoredReminders['overrides'] | null,
      string | null | undefined,
      string | null
    >;
  }
  interface UsersTable {
    /** Reminders of events created without any; null: the built-in defaults. */
    default_reminders: JSONColumnType<
      StoredReminders['overrides'] | null,
      string | null | undefined,
      string | null
    >;
  }
  interface NotificationsTable {
    outcome: ColumnType<
      'delivered' | 'skipped' | null,
      'delivered' | 'skipped' | null | undefined,
      'delivered' | 'skipped' | null
    >;
  }
  interface Database {
    notification_stream_tickets: NotificationStreamTicketsTable;
  }
}

export type NotificationStreamTicketRow = Selectable<NotificationStreamTicketsTable>;
