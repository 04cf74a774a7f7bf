import { randomUUID } from 'node:crypto';
import type {
  GoogleConferenceData,
  GoogleEvent,
  GoogleEventAttendee,
  GoogleEventDateTime,
} from '../../../adapters/google/types.js';
import type { EntityType, StoredReminders, Transparency, Visibility } from '../../../kernel/values.js';
import { OPTION_DEFAULTS, optionValue } from '../../../kernel/event-snapshot.js';
import { formatInZone, isValidDateString, isValidTimeZone } from '../../../kernel/time.js';
import { CRM_PROPERTY } from './crm-properties.js';
import type { EventTime, MergeFields, ResponseStatus, SnapshotAttendee } from './snapshot.js';

/** CRM event -> Google event (push side). Pure apart from the random source of newGoogleEventId. */

export interface CrmAttendee {
  email: string;
  name?: string | null;
  optional?: boolean;
  /** Pass the stored response so that a merge sees the responses Google already has. */
  status?: ResponseStatus;
  /** The organizer's own entry: Google answers for it (accepted) unless a response is known. */
  organizer?: boolean;
}

/** What the CRM knows of an event, enough to write it to Google. */
export interface CrmEventFields {
  /** The CRM `events.id` (uuid): stamped on the event and the seed of the conference request id. */
  id: string;
  tenantId: string;
  /** Google id to create the event with (see newGoogleEventId); left out when absent. */
  googleEventId?: string | null;
  title: string | null;
  description: string | null;
  location: string | null;
  allDay: boolean;
  startAt: Date | null;
  endAt: Date | null;
  /** 'YYYY-MM-DD', end exclusive (all-day events). */
  startDate: string | null;
  endDate: string | null;
  /** IANA zone of the event: timed events are written as wall time in it. */
  timeZone: string;
  attendees: readonly CrmAttendee[];
  /** null: leave Google's (the calendar's default reminders on insert). */
  reminders: StoredReminders | null;
  recurrence: readonly string[] | null;
  /** Ask for a Meet conference. */
  conference: boolean;
  /** Distinguishes a new conference request from an earlier one on the same event (Google ignores a repeated requestId). */
  conferenceRequestKey?: string | number;
  entity: { type: EntityType; id: string } | null;
  /** Pass the stored status so that a merge sees no spurious change (default 'confirmed'). */
  status?: 'confirmed' | 'tentative' | 'cancelled';
  /** Who sees the event's details (default 'default': the calendar's setting). */
  visibility?: Visibility;
  /** 'transparent' shows the time as free (default 'opaque': busy). */
  transparency?: Transparency;
  /** Guest permissions (Google's defaults: false, true, true). */
  guestsCanModify?: boolean;
  guestsCanInviteOthers?: boolean;
  guestsCanSeeOtherGuests?: boolean;
}

/** The event's sharing options, Google's names (see OPTION_DEFAULTS). */
const OPTION_KEYS = Object.keys(OPTION_DEFAULTS) as (keyof typeof OPTION_DEFAULTS)[];

/** base32hex alphabet of RFC 4648 section 7: exactly the characters Google allows in event ids. */
const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function base32hex(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * The Google event id for a uuid: its 128 bits in base32hex (26 characters of [0-9a-v]), which
 * Google accepts as a client-supplied id. Deterministic, so a retried insert reuses the id and a
 * duplicate answers 409 instead of creating a second event.
 */
export function googleEventIdFromUuid(uuid: string): string {
  if (!UUID_RE.test(uuid)) throw new TypeError(`Not a uuid: ${uuid}`);
  return base32hex(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
}

/** A fresh client-generated Google event id (from a random v4 uuid). */
export function newGoogleEventId(): string {
  return googleEventIdFromUuid(randomUUID());
}

/** Google ignores a create request whose requestId it has seen: derived from the event, so retries are idempotent. */
export function conferenceRequestId(eventId: string, key?: string | number): string {
  return key === undefined ? `crm-${eventId}` : `crm-${eventId}-${key}`;
}

function timesOf(fields: CrmEventFields): { start: EventTime; end: EventTime } {
  if (fields.allDay) {
    const { startDate, endDate } = fields;
    if (
      startDate === null ||
      endDate === null ||
      !isValidDateString(startDate) ||
      !isValidDateString(endDate)
    ) {
      throw new TypeError(`All-day event ${fields.id} needs valid start and end dates`);
    }
    return { start: { date: startDate }, end: { date: endDate } };
  }
  if (fields.startAt === null || fields.endAt === null)
    throw new TypeError(`Event ${fields.id} needs a start and an end`);
  return {
    start: { dateTime: fields.startAt.toISOString(), timeZone: fields.timeZone },
    end: { dateTime: fields.endAt.toISOString(), timeZone: fields.timeZone },
  };
}

/** A normalized time as Google's EventDateTime: wall time with its offset, plus the zone. */
function toEventDateTime(time: EventTime): GoogleEventDateTime {
  if ('date' in time) return { date: time.date };
  const zone = time.timeZone !== null && isValidTimeZone(time.timeZone) ? time.timeZone : 'UTC';
  const dateTime = formatInZone(new Date(time.dateTime), zone);
  return time.timeZone === null ? { dateTime } : { dateTime, timeZone: zone };
}

/**
 * One attendee as Google takes it. The organizer's own entry carries no response while none is
 * known (needsAction): Google marks the organizer accepted, and sending needsAction would
 * overwrite that. Everyone else's known response is sent as it is, so a patch of the guest list
 * never resets an answer (Google takes an attendee without a response as not answered).
 */
function toAttendee(a: CrmAttendee | SnapshotAttendee): GoogleEventAttendee {
  const attendee: GoogleEventAttendee = { email: a.email };
  if (a.name != null && a.name !== '') attendee.displayName = a.name;
  if (a.optional === true) attendee.optional = true;
  const status = 'responseStatus' in a ? a.responseStatus : a.status;
  const unknownOrganizerAnswer = a.organizer === true && status === 'needsAction';
  if (status !== undefined && !unknownOrganizerAnswer) attendee.responseStatus = status;
  return attendee;
}

function toReminders(reminders: StoredReminders | null): NonNullable<GoogleEvent['reminders']> {
  if (reminders === null || reminders.use_default) return { useDefault: true };
  return {
    useDefault: false,
    overrides: reminders.overrides.map((r) => ({ method: r.method, minutes: r.minutes })),
  };
}

/**
 * The full Google event for an insert. Timed events are written as local wall time with offset
 * plus `timeZone` (required by Google for recurring events, and what makes the series expand on
 * the right wall clock); all-day events as dates. Updates should send only what changed
 * (mergeFieldsToGoogle): a full body would wipe fields the CRM does not model.
 */
export function crmEventToGoogle(fields: CrmEventFields): GoogleEvent {
  if (!isValidTimeZone(fields.timeZone)) throw new TypeError(`Unknown time zone: ${fields.timeZone}`);
  const { start, end } = timesOf(fields);
  const privateProps: Record<string, string> = {
    [CRM_PROPERTY.eventId]: fields.id,
    [CRM_PROPERTY.tenant]: fields.tenantId,
  };
  if (fields.entity !== null) {
    privateProps[CRM_PROPERTY.entityType] = fields.entity.type;
    privateProps[CRM_PROPERTY.entityId] = fields.entity.id;
  }
  const event: GoogleEvent = {
    start: toEventDateTime(start),
    end: toEventDateTime(end),
    attendees: fields.attendees.map(toAttendee),
    extendedProperties: { private: privateProps },
  };
  if (fields.googleEventId != null) event.id = fields.googleEventId;
  if (fields.title !== null) event.summary = fields.title;
  if (fields.description !== null) event.description = fields.description;
  if (fields.location !== null) event.location = fields.location;
  if (fields.reminders !== null) event.reminders = toReminders(fields.reminders);
  if (fields.recurrence !== null && fields.recurrence.length > 0) event.recurrence = [...fields.recurrence];
  if (fields.status !== undefined) event.status = fields.status;
  // Google's defaults are left out, as Google itself leaves them out of an event.
  for (const key of OPTION_KEYS) {
    const value = fields[key];
    if (value !== undefined && value !== OPTION_DEFAULTS[key]) Object.assign(event, { [key]: value });
  }
  if (fields.conference) {
    event.conferenceData = {
      createRequest: {
        requestId: conferenceRequestId(fields.id, fields.conferenceRequestKey),
        conferenceSolutionKey: { type: 'hangoutsMeet' },
      },
    };
  }
  return event;
}

/**
 * A patch body with the given merge fields (all when `keys` is omitted): null clears a field, and
 * a start or end names both `date` and `dateTime` so that switching between all-day and timed
 * replaces the old form. Send with `conferenceDataVersion: 1` when `conference` is included.
 */
export function mergeFieldsToGoogle(
  fields: MergeFields,
  options: {
    crmEventId: string;
    keys?: readonly (keyof MergeFields)[];
    conferenceRequestKey?: string | number;
  },
): GoogleEvent {
  const keys = new Set(options.keys ?? (Object.keys(fields) as (keyof MergeFields)[]));
  const patch: GoogleEvent = {};
  const time = (value: EventTime | null): GoogleEventDateTime | null => {
    if (value === null) return null;
    const converted = toEventDateTime(value);
    return 'date' in value ? { ...converted, dateTime: null } : { date: null, ...converted };
  };
  if (keys.has('summary')) patch.summary = fields.summary;
  if (keys.has('description')) patch.description = fields.description;
  if (keys.has('location')) patch.location = fields.location;
  if (keys.has('start')) patch.start = time(fields.start) as GoogleEventDateTime;
  if (keys.has('end')) patch.end = time(fields.end) as GoogleEventDateTime;
  if (keys.has('attendees')) patch.attendees = fields.attendees.map(toAttendee);
  if (keys.has('reminders')) {
    const r = fields.reminders;
    patch.reminders = toReminders(r === null ? null : { use_default: r.useDefault, overrides: r.overrides });
  }
  if (keys.has('recurrence')) patch.recurrence = fields.recurrence === null ? null : [...fields.recurrence];
  if (keys.has('status')) patch.status = fields.status;
  for (const key of OPTION_KEYS) {
    // Named even when it is the default: the patch must undo an earlier value.
    if (keys.has(key)) Object.assign(patch, { [key]: optionValue(fields, key) });
  }
  if (keys.has('conference')) {
    patch.conferenceData = fields.conference
      ? {
          createRequest: {
            requestId: conferenceRequestId(options.crmEventId, options.conferenceRequestKey),
            conferenceSolutionKey: { type: 'hangoutsMeet' },
          },
        }
      : // Google's patch semantics: null removes the conference. The client's typings omit null.
        (null as unknown as GoogleConferenceData);
  }
  return patch;
}
