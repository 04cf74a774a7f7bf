import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type {
  EntitySource,
  EntityType,
  EventType,
  SendUpdates,
  StoredAttendee,
  StoredConflict,
  StoredReminders,
  SyncState,
  Transparency,
  Visibility,
} from '../../../kernel/values.js';
import type { DateOnly, Timestamp, TimestampDefault } from './column-types.js';

// Owner: src/modules/events. SQL on this table stands only there (eslint.config.js).
export interface EventsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  calendar_id: string;
  google_event_id: string;
  ical_uid: string | null;
  status: ColumnType<
    'confirmed' | 'tentative' | 'cancelled',
    'confirmed' | 'tentative' | 'cancelled' | undefined
  >;
  title: string | null;
  description: string | null;
  location: string | null;
  all_day: ColumnType<boolean, boolean | undefined, boolean>;
  start_at: Timestamp | null;
  end_at: Timestamp | null;
  start_date: DateOnly | null;
  end_date: DateOnly | null;
  time_zone: string | null;
  recurrence: string[] | null;
  recurring_event_id: string | null;
  original_start_at: Timestamp | null;
  original_start_date: DateOnly | null;
  organizer_email: string | null;
  organizer_self: ColumnType<boolean, boolean | undefined, boolean>;
  attendees: JSONColumnType<StoredAttendee[], string | undefined, string>;
  reminders: JSONColumnType<StoredReminders | null, string | null | undefined, string | null>;
  meet_link: string | null;
  html_link: string | null;
  /** 'opaque' (busy) or 'transparent' (free). */
  transparency: ColumnType<Transparency, Transparency | undefined, Transparency>;
  visibility: ColumnType<Visibility, Visibility | undefined, Visibility>;
  guests_can_modify: ColumnType<boolean, boolean | undefined, boolean>;
  guests_can_invite_others: ColumnType<boolean, boolean | undefined, boolean>;
  guests_can_see_other_guests: ColumnType<boolean, boolean | undefined, boolean>;
  /** Google's eventType: only 'default' events are meetings (src/kernel/event-types.ts). */
  event_type: ColumnType<EventType, EventType | undefined, EventType>;
  entity_type: EntityType | null;
  entity_id: string | null;
  /**
   * Where the link comes from (null when not linked; 'none', with null entity columns, when unlinked
   * in the CRM); only 'crm' links are stamped on Google's copy.
   */
  entity_source: ColumnType<EntitySource | null, EntitySource | null | undefined, EntitySource | null>;
  google_etag: string | null;
  google_updated: Timestamp | null;
  google_sequence: number | null;
  /** The Google event as last synced: the base of three-way merges. */
  synced_snapshot: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /**
   * On a series made by "this and following" in the CRM, until its first push: the Google id of
   * the series it was split from (its `synced_snapshot` is then that series' as last synced).
   */
  split_from: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * What the push's last patch sent (`{ keys, fields }`, fields in the merge view), until Google's
   * answer is settled: a patch whose answer was lost may have landed, and then the values Google
   * holds exactly as it sent them are the CRM's own write, not a change made in Google.
   */
  push_sent: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  sync_state: ColumnType<SyncState, SyncState | undefined, SyncState>;
  sync_error: string | null;
  local_version: ColumnType<number, number | undefined, number>;
  deleted_at: Timestamp | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
  /** The calendar's full_sync_generation of the last full listing that returned this event. */
  listed_generation: ColumnType<number | null, number | null | undefined, number | null>;
  /** sendUpdates of the change waiting to be pushed; null once pushed. */
  push_send_updates: ColumnType<SendUpdates | null, SendUpdates | null | undefined, SendUpdates | null>;
  /** When the CRM-side change waiting to be pushed was made. */
  local_changed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** A Meet conference asked for (true) or removed (false) in the CRM, until Google confirms. */
  conference_requested: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  /** Overwrites recorded by three-way merges, newest last. */
  sync_conflicts: JSONColumnType<StoredConflict[], string | undefined, string>;
}

export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
