/**
 * Value types the domain and the stored rows share: what a row's enum and JSON columns hold.
 */

export type EntityType = 'contact' | 'company' | 'deal';
/**
 * Where an event's CRM link comes from: set in the CRM, or derived from a contact among its
 * attendees; 'none' when a CRM user unlinked it (the pull derives no link until it is linked again).
 */
export type EntitySource = 'crm' | 'attendee' | 'none';
export type ConnectionStatus = 'active' | 'reauth_required' | 'disconnected';
/** Whether Google has the CRM's version of an event. */
export type SyncState = 'synced' | 'pending' | 'failed';
/** Whom Google emails about a change (Google's `sendUpdates`). */
export type SendUpdates = 'all' | 'externalOnly' | 'none';

/** Google's `eventType` values: what kind of calendar item an event is (fixed when it is made). */
export const EVENT_TYPES = [
  'default',
  'outOfOffice',
  'focusTime',
  'workingLocation',
  'birthday',
  'fromGmail',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Google's `visibility`: who sees the event's details ('default': the calendar's setting). */
export const VISIBILITIES = ['default', 'public', 'private', 'confidential'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
/** Google's `transparency`: 'opaque' blocks time (busy), 'transparent' does not (free). */
export const TRANSPARENCIES = ['opaque', 'transparent'] as const;
export type Transparency = (typeof TRANSPARENCIES)[number];

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

/** One overwrite made by a three-way merge: both sides changed `field`, `winner`'s value was kept. */
export interface StoredConflict {
  field: string;
  local: unknown;
  remote: unknown;
  winner: 'local' | 'remote';
  /** ISO instant of the merge. */
  at: string;
}

/** The time columns of an `events` row. */
export interface EventTimeColumns {
  all_day: boolean;
  start_at: Date | null;
  end_at: Date | null;
  start_date: string | null;
  end_date: string | null;
  time_zone: string | null;
}

export interface OriginalStartColumns {
  original_start_at: Date | null;
  original_start_date: string | null;
}
