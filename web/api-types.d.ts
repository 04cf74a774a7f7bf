/**
 * The JSON the page reads from the service, for the JSDoc types of web/*.js (checked by
 * web/tsconfig.json). The service's zod schemas are the contract; each type here names the
 * schema it follows as it appears in the OpenAPI document (/openapi.json). Types only: the page
 * loads no code from this file.
 */

/** GET /web/config: which sign-in and which Google the page uses. */
export interface WebConfig {
  auth_mode: 'jwt' | 'dev';
  sign_in_url: string | null;
  token_storage_key: string;
  google_mode: 'google' | 'emulator';
  emulator_url: string | null;
  embedded_emulator: boolean;
  public_url: string;
}

/** GET /auth/me: who is signed in. */
export interface Me {
  tenant_id: string;
  user_id: string;
  name: string | null;
  email: string | null;
  auth_mode: 'jwt' | 'dev';
}

/** `Calendar`: one of the user's Google calendars (GET /calendar/calendars). */
export interface Calendar {
  id: string;
  google_calendar_id: string;
  summary: string | null;
  primary: boolean;
  selected: boolean;
  time_zone: string | null;
  access_role: string | null;
  sync_status: 'idle' | 'syncing' | 'error';
  last_sync_at: string | null;
  last_full_sync_at: string | null;
  last_error: string | null;
  push_channel_expires_at: string | null;
  /**
   * Google's colour of the calendar (`backgroundColor` of its calendar list entry), when the
   * service answers one; the page otherwise gives each calendar a colour of its own palette.
   */
  background_color?: string | null;
}

/** `CalendarList`: GET /calendar/calendars. */
export interface CalendarList {
  items: Calendar[];
}

/** `CalendarSelection`: PATCH /calendar/calendars/{id}. */
export interface CalendarSelection extends Calendar {
  events_deleted: number;
  pull_queued: boolean;
}

/** `SyncResult`: POST /calendar/sync. */
export interface SyncResult {
  calendars: {
    calendar_id: string;
    status: 'pulled' | 'running' | 'skipped' | 'failed';
    created: number;
    updated: number;
    deleted: number;
    skipped: number;
    fetched: number;
    full_sync: boolean;
    error: string | null;
  }[];
  created: number;
  updated: number;
  deleted: number;
}

/** `SyncedCalendar`: a calendar as the connection status lists it. */
export type SyncedCalendar = Pick<
  Calendar,
  | 'id'
  | 'google_calendar_id'
  | 'summary'
  | 'primary'
  | 'selected'
  | 'time_zone'
  | 'sync_status'
  | 'last_sync_at'
  | 'last_error'
>;

/** `CalendarConnectionStatus`: GET /integrations/calendar/status. */
export interface ConnectionStatus {
  connected: boolean;
  status: 'active' | 'reauth_required' | 'disconnected';
  connection_id: string | null;
  google_email: string | null;
  connected_at: string | null;
  scopes: string[];
  last_sync_at: string | null;
  last_error: string | null;
  calendars: SyncedCalendar[];
}

/** `ConnectUrl`: GET /integrations/calendar/connect. */
export interface ConnectUrl {
  auth_url: string;
}

/** `DisconnectSummary`: DELETE /integrations/calendar. */
export interface DisconnectSummary {
  disconnected: boolean;
  status: 'disconnected';
  channels_stopped: number;
  channel_errors: string[];
  token_revoked: boolean;
  revoke_error: string | null;
  purged: boolean;
  calendars_deleted: number;
  events_deleted: number;
}

/** A CRM record type, as events and the /crm endpoints name it. */
export type RecordType = 'contact' | 'company' | 'deal';

/** An attendee of a `CalendarEvent`. */
export interface EventAttendee {
  email: string;
  name: string | null;
  status: 'needsAction' | 'declined' | 'tentative' | 'accepted';
  optional: boolean;
  organizer: boolean;
  self: boolean;
}

/** A reminder of an event: how and how many minutes before it starts. */
export interface ReminderOverride {
  method: 'email' | 'popup';
  minutes: number;
}

/** `CalendarEvent`: GET /calendar/events (each item) and what POST /calendar/events answers. */
export interface CalendarEvent {
  id: string;
  title: string | null;
  start_time: string | null;
  end_time: string | null;
  all_day: boolean;
  start_date: string | null;
  end_date: string | null;
  time_zone: string | null;
  /** Cleaned HTML or plain text. */
  description: string | null;
  description_text: string | null;
  location: string | null;
  attendees: EventAttendee[];
  organizer_email: string | null;
  reminders: { use_default: boolean; overrides: ReminderOverride[] } | null;
  meet_link: string | null;
  html_link: string | null;
  recurrence: string[] | null;
  recurring_event_id: string | null;
  google_event_id: string | null;
  calendar_id: string;
  entity_type: RecordType | null;
  entity_id: string | null;
  entity_source: 'crm' | 'attendee' | 'none' | null;
  status: 'confirmed' | 'tentative' | 'cancelled';
  event_type: 'default' | 'outOfOffice' | 'focusTime' | 'workingLocation' | 'birthday' | 'fromGmail';
  visibility: Visibility;
  transparency: Transparency;
  guests_can_modify: boolean;
  guests_can_invite_others: boolean;
  guests_can_see_other_guests: boolean;
  sync_state: 'synced' | 'pending' | 'failed';
  sync_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Who sees a meeting's details: the calendar's default, everyone, or only its guests. */
export type Visibility = 'default' | 'public' | 'private' | 'confidential';
/** `opaque`: the time shows as busy; `transparent`: as free. */
export type Transparency = 'opaque' | 'transparent';

/** `CalendarEventPage`: GET /calendar/events. */
export interface CalendarEventPage {
  items: CalendarEvent[];
  next_cursor: string | null;
}

/**
 * A `Contact`, `Company` or `Deal` (GET /crm/{contacts,companies,deals} and /crm/{type}/{id}):
 * the fields the page reads, each type having only some of the optional ones.
 */
export interface CrmRecord {
  id: string;
  name: string;
  /** Contacts. */
  email?: string | null;
  /** Companies. */
  domain?: string | null;
  /** Deals. */
  stage?: string;
}

/** A page of CRM records. */
export interface CrmRecordPage {
  items: CrmRecord[];
  next_cursor: string | null;
}

/** `Notification`: GET /notifications (each item) and each `reminder` frame of the stream. */
export interface NotificationItem {
  id: string;
  kind: string;
  event_id: string | null;
  title: string;
  fire_at: string;
  fired_at: string | null;
  read_at: string | null;
  /** The event: item_id, title, start, end, minutes_before, meet_link... */
  payload: Record<string, unknown>;
}

/** GET /notifications. */
export interface NotificationPage {
  items: NotificationItem[];
  next_cursor: string | null;
}

/** POST /notifications/stream-ticket: a single-use ticket for the reminder stream. */
export interface StreamTicket {
  ticket: string;
  expires_at: string;
  stream_url: string;
}

/** POST /calendar/availability: free slots and each calendar's busy times. */
export interface Availability {
  time_zone: string;
  start: string;
  end: string;
  duration_minutes: number;
  slots: { start: string; end: string }[];
  free: { start: string; end: string }[];
  /** Each calendar asked about (by Google calendar id or email), with its busy times. */
  calendars: { id: string; busy: { start: string; end: string }[] }[];
  unknown: { id: string; reason: string }[];
  truncated: boolean;
}
