import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

/**
 * Row types of the database, as Kysely sees them. Domain types live with their services;
 * repositories map between the two. Keep in step with src/db/migrations.
 */

/** timestamptz: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;
/** date: read as 'YYYY-MM-DD' (the drivers are configured not to turn dates into Date objects). */
type DateOnly = ColumnType<string, string, string>;

export type EntityType = 'contact' | 'company' | 'deal';
/**
 * Where an event's CRM link comes from: set in the CRM, or derived from a contact among its
 * attendees; 'none' when a CRM user unlinked it (the pull derives no link until it is linked again).
 */
export type EntitySource = 'crm' | 'attendee' | 'none';
export type ConnectionStatus = 'active' | 'reauth_required' | 'disconnected';
export type SyncState = 'synced' | 'pending' | 'failed';

export interface UsersTable {
  tenant_id: string;
  id: string;
  name: string | null;
  email: string | null;
  created_at: TimestampDefault;
  last_seen_at: TimestampDefault;
}

export interface OAuthStatesTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  state_hash: string;
  code_verifier_enc: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface ConnectionsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  provider: ColumnType<string, string | undefined, string>;
  status: ConnectionStatus;
  google_email: string | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  token_expires_at: Timestamp | null;
  refresh_lease_until: Timestamp | null;
  connected_at: Timestamp | null;
  last_sync_at: Timestamp | null;
  last_error: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

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
}

export interface CompaniesTable {
  id: Generated<string>;
  tenant_id: string;
  owner_user_id: string;
  name: string;
  domain: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface ContactsTable {
  id: Generated<string>;
  tenant_id: string;
  owner_user_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company_id: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface DealsTable {
  id: Generated<string>;
  tenant_id: string;
  owner_user_id: string;
  name: string;
  stage: ColumnType<string, string | undefined, string>;
  /** bigint: read as string by both drivers. */
  amount_cents: ColumnType<string | null, number | string | null, number | string | null>;
  currency: string | null;
  company_id: string | null;
  contact_id: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

/** An attendee as stored on an event (Google's fields, snake-cased where the API is camelCased). */
export interface StoredAttendee {
  email: string;
  name?: string;
  status: 'needsAction' | 'declined' | 'tentative' | 'accepted';
  optional?: boolean;
  organizer?: boolean;
  self?: boolean;
}

export interface StoredReminders {
  use_default: boolean;
  overrides: { method: 'email' | 'popup'; minutes: number }[];
}

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
  transparency: string | null;
  visibility: string | null;
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
  sync_state: ColumnType<SyncState, SyncState | undefined, SyncState>;
  sync_error: string | null;
  local_version: ColumnType<number, number | undefined, number>;
  deleted_at: Timestamp | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface ActivitiesTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  entity_type: EntityType;
  entity_id: string;
  type: string;
  title: string;
  description: string | null;
  status: ColumnType<'scheduled' | 'cancelled' | 'done', 'scheduled' | 'cancelled' | 'done' | undefined>;
  event_id: string | null;
  meeting_start_at: Timestamp | null;
  meeting_end_at: Timestamp | null;
  meeting_start_date: DateOnly | null;
  meeting_end_date: DateOnly | null;
  meeting_attendees: JSONColumnType<StoredAttendee[], string | undefined, string>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface NotificationsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  event_id: string | null;
  kind: ColumnType<string, string | undefined, string>;
  fire_at: Timestamp;
  fired_at: Timestamp | null;
  payload: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  read_at: Timestamp | null;
  created_at: TimestampDefault;
}

export interface Database {
  users: UsersTable;
  oauth_states: OAuthStatesTable;
  connections: ConnectionsTable;
  calendars: CalendarsTable;
  companies: CompaniesTable;
  contacts: ContactsTable;
  deals: DealsTable;
  events: EventsTable;
  activities: ActivitiesTable;
  notifications: NotificationsTable;
}

export type ConnectionRow = Selectable<ConnectionsTable>;
export type NewConnection = Insertable<ConnectionsTable>;
export type ConnectionUpdate = Updateable<ConnectionsTable>;
export type CalendarRow = Selectable<CalendarsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type CompanyRow = Selectable<CompaniesTable>;
export type DealRow = Selectable<DealsTable>;
export type ActivityRow = Selectable<ActivitiesTable>;
export type NotificationRow = Selectable<NotificationsTable>;
