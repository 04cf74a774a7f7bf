/**
 * Stored shapes. `EventData` holds only fields of the discovery document's `Event` schema;
 * computed fields (kind, etag, htmlLink, created, updated, `self` flags) are added when rendering.
 */
export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';
export type ResponseStatus = 'needsAction' | 'declined' | 'tentative' | 'accepted';
export type ReminderMethod = 'email' | 'popup';

export interface EventDateTime {
  date?: string;
  /** Normalised to UTC (`...Z`); rendered in the viewer's zone. */
  dateTime?: string;
  timeZone?: string;
}

export interface EventPerson {
  email: string;
  displayName?: string;
}

export interface EventAttendee {
  email: string;
  displayName?: string;
  optional?: boolean;
  resource?: boolean;
  responseStatus: ResponseStatus;
  comment?: string;
  additionalGuests?: number;
}

export interface EventReminder {
  method: ReminderMethod;
  minutes: number;
}

export interface EventReminders {
  useDefault: boolean;
  overrides?: EventReminder[];
}

export interface ExtendedProperties {
  private?: Record<string, string>;
  shared?: Record<string, string>;
}

export interface ConferenceSolutionKey {
  type: string;
}

export interface ConferenceData {
  conferenceId?: string;
  conferenceSolution?: { key: ConferenceSolutionKey; name?: string; iconUri?: string };
  createRequest?: {
    requestId: string;
    conferenceSolutionKey?: ConferenceSolutionKey;
    status?: { statusCode: string };
  };
  entryPoints?: Array<Record<string, unknown>>;
  notes?: string;
  signature?: string;
}

export interface EventSource {
  title?: string;
  url?: string;
}

/** `Event.eventType`: Google's special event kinds (see calendar/event-types.ts for their rules). */
export type EventType =
  'default' | 'outOfOffice' | 'focusTime' | 'workingLocation' | 'birthday' | 'fromGmail';

export type AutoDeclineMode =
  'declineNone' | 'declineAllConflictingInvitations' | 'declineOnlyNewConflictingInvitations';

export interface OutOfOfficeProperties {
  autoDeclineMode?: AutoDeclineMode;
  declineMessage?: string;
}

export interface FocusTimeProperties {
  autoDeclineMode?: AutoDeclineMode;
  declineMessage?: string;
  chatStatus?: 'available' | 'doNotDisturb';
}

export interface OfficeLocation {
  buildingId?: string;
  floorId?: string;
  floorSectionId?: string;
  deskId?: string;
  label?: string;
}

export interface WorkingLocationProperties {
  type: 'homeOffice' | 'officeLocation' | 'customLocation';
  /** Discovery type `any`; Google sends and accepts `{}`. */
  homeOffice?: Record<string, unknown>;
  officeLocation?: OfficeLocation;
  customLocation?: { label?: string };
}

export interface BirthdayProperties {
  type: 'birthday' | 'anniversary' | 'custom' | 'other' | 'self';
  contact?: string;
  customTypeName?: string;
}

export interface EventData {
  status: EventStatus;
  summary?: string;
  description?: string;
  location?: string;
  colorId?: string;
  creator: EventPerson;
  organizer: EventPerson;
  start: EventDateTime;
  end: EventDateTime;
  endTimeUnspecified?: boolean;
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: EventDateTime;
  transparency?: 'opaque' | 'transparent';
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  iCalUID: string;
  sequence: number;
  attendees?: EventAttendee[];
  extendedProperties?: ExtendedProperties;
  hangoutLink?: string;
  conferenceData?: ConferenceData;
  anyoneCanAddSelf?: boolean;
  guestsCanInviteOthers?: boolean;
  guestsCanModify?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  privateCopy?: boolean;
  locked?: boolean;
  reminders: EventReminders;
  source?: EventSource;
  /** Absent on events stored before event types existed: read as `default`. */
  eventType?: EventType;
  outOfOfficeProperties?: OutOfOfficeProperties;
  focusTimeProperties?: FocusTimeProperties;
  workingLocationProperties?: WorkingLocationProperties;
  birthdayProperties?: BirthdayProperties;
}

export interface StoredEvent {
  id: string;
  calendarId: string;
  /** Global change number of the last modification (drives sync tokens and etags). */
  seq: number;
  createdMs: number;
  updatedMs: number;
  /** Start and end instants (all-day: midnights in the calendar's zone); for a series, the first one. */
  startMs: number;
  endMs: number;
  allDay: boolean;
  /** Start instant of the replaced occurrence, for exceptions of a series. */
  originalStartMs?: number;
  /** The calendar that holds the organizer's copy; equals `calendarId` on the organizer's own copy. */
  organizerCalendarId: string;
  /** Added by events.import: a private copy whose changes reach no one else. */
  imported?: boolean;
  data: EventData;
}

export interface UserRecord {
  email: string;
  name: string;
  timeZone: string;
  createdMs: number;
}

/** Sharing roles of a calendar's access control list, from least to most access. */
export type AclRole = 'freeBusyReader' | 'reader' | 'writer' | 'owner';

/** One `user` scope rule of a calendar's ACL (the owner's own rule is implied, never stored). */
export interface AclGrant {
  email: string;
  role: AclRole;
  /** Change number of the last change of this rule (its etag; orders the grantee's calendar list). */
  seq: number;
}

export interface CalendarMeta {
  id: string;
  ownerEmail: string;
  summary: string;
  description?: string;
  location?: string;
  timeZone: string;
  primary: boolean;
  defaultReminders: EventReminder[];
  colorId: string;
  backgroundColor: string;
  foregroundColor: string;
  /** Change number of the last metadata change (collection etags). */
  seq: number;
  /** Users the calendar is shared with (absent until first shared; snapshots from before keep working). */
  acl?: AclGrant[];
}
