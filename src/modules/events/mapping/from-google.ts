import { sanitizeDescription } from '../../../kernel/description-html.js';
import type { GoogleEvent } from '../../../adapters/google/types.js';
import {
  EVENT_TYPES,
  type EntityType,
  type EventType,
  type StoredAttendee,
  type StoredReminders,
} from '../../../kernel/values.js';
import { isMeetingType } from '../../../kernel/event-types.js';
import type { EventRow } from '../../../adapters/db/tables/events.js';
import { parseDateTime } from '../../../kernel/time.js';
import { parseRecurrenceLines, RecurrenceError } from '../../../kernel/recurrence/rules.js';
import { mapEventTimes, mapOriginalStart, type EventTimeColumns } from './event-times.js';
import { CRM_PROPERTY } from './crm-properties.js';
import { EventMappingError } from './mapping-error.js';
import { checkEventShape } from './event-shape.js';
import {
  guestPermissionsOf,
  meetLinkOf,
  remindersOf,
  responseStatusOf,
  snapshotOf,
  transparencyOf,
  visibilityOf,
  type MergeFields,
} from './snapshot.js';

export { EventMappingError } from './mapping-error.js';
export {
  crmEventToGoogle,
  googleEventIdFromUuid,
  mergeFieldsToGoogle,
  type CrmEventFields,
} from './to-google.js';
export { CRM_PROPERTY } from './crm-properties.js';
export { parseSnapshot, snapshotOf, type MergeFields } from './snapshot.js';

/**
 * Google event -> `events` row (pull side). Pure: no database, no network. The pull writes the
 * row it gets (adding nothing but its own bookkeeping columns), deletes on `action: 'delete'`,
 * and logs, counts and skips events that throw EventMappingError.
 */

export interface MappingContext {
  tenantId: string;
  userId: string;
  /** The CRM `calendars.id` (uuid) the event belongs to. */
  calendarId: string;
  /** The calendar's IANA zone: reads offset-less date-times and is the default event zone. */
  calendarTimeZone: string | null;
}

/** The `events` columns the pull writes, with JSON columns in their domain form. */
export type MappedEventRow = EventTimeColumns &
  Pick<
    EventRow,
    | 'tenant_id'
    | 'user_id'
    | 'calendar_id'
    | 'google_event_id'
    | 'ical_uid'
    | 'status'
    | 'title'
    | 'description'
    | 'location'
    | 'recurrence'
    | 'recurring_event_id'
    | 'original_start_at'
    | 'original_start_date'
    | 'organizer_email'
    | 'organizer_self'
    | 'attendees'
    | 'reminders'
    | 'meet_link'
    | 'html_link'
    | 'transparency'
    | 'visibility'
    | 'guests_can_modify'
    | 'guests_can_invite_others'
    | 'guests_can_see_other_guests'
    | 'event_type'
    | 'entity_type'
    | 'entity_id'
    | 'entity_source'
    | 'google_etag'
    | 'google_updated'
    | 'google_sequence'
  > & { synced_snapshot: MergeFields };

type MappedEvent =
  | {
      /** Store the row: an event, a series master, a modified instance, or a cancelled instance. */
      action: 'upsert';
      row: MappedEventRow;
      /** The CRM event id the CRM stamped on the event when it created it (checked to be a uuid). */
      crmEventId: string | null;
      /** Why a CRM link found on the event was refused (another tenant, malformed), for the log. */
      linkRefused: string | null;
    }
  | {
      /** The event is gone (deleted or cancelled as a whole): remove the CRM copy. */
      action: 'delete';
      googleEventId: string;
    };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTITY_TYPES: readonly string[] = ['contact', 'company', 'deal'] satisfies EntityType[];

function text(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function attendeesOf(event: GoogleEvent): StoredAttendee[] {
  // Attendees without an email (some resources) cannot be invited, matched or shown by address.
  return (event.attendees ?? []).flatMap((a): StoredAttendee[] => {
    if (typeof a.email !== 'string' || a.email === '') return [];
    const attendee: StoredAttendee = { email: a.email, status: responseStatusOf(a.responseStatus) };
    if (typeof a.displayName === 'string' && a.displayName !== '') attendee.name = a.displayName;
    if (a.optional === true) attendee.optional = true;
    if (a.organizer === true) attendee.organizer = true;
    if (a.self === true) attendee.self = true;
    return [attendee];
  });
}

interface EntityLink {
  entity_type: EntityType | null;
  entity_id: string | null;
  entity_source: 'crm' | null;
  crmEventId: string | null;
  linkRefused: string | null;
}

/**
 * The CRM link stamped in the event's private extended properties (see crmEventToGoogle). A link
 * is honoured only when it names this tenant: private properties are per calendar copy, but a
 * calendar can be shared with someone in another tenant.
 */
function entityLinkOf(event: GoogleEvent, tenantId: string): EntityLink {
  const props = event.extendedProperties?.private ?? {};
  const tenant = props[CRM_PROPERTY.tenant];
  const eventId = props[CRM_PROPERTY.eventId];
  const type = props[CRM_PROPERTY.entityType];
  const entityId = props[CRM_PROPERTY.entityId];
  const ours = tenant === tenantId;
  const crmEventId = ours && eventId !== undefined && UUID_RE.test(eventId) ? eventId.toLowerCase() : null;
  const none = { entity_type: null, entity_id: null, entity_source: null, crmEventId };
  if (type === undefined && entityId === undefined) return { ...none, linkRefused: null };
  if (!ours) return { ...none, linkRefused: `link belongs to another tenant ('${tenant ?? ''}')` };
  if (type === undefined || !ENTITY_TYPES.includes(type))
    return { ...none, linkRefused: `unknown entity type '${type ?? ''}'` };
  if (entityId === undefined || !UUID_RE.test(entityId))
    return { ...none, linkRefused: `malformed entity id '${entityId ?? ''}'` };
  return {
    entity_type: type as EntityType,
    entity_id: entityId.toLowerCase(),
    // A link in the private extended properties was set in the CRM.
    entity_source: 'crm',
    crmEventId,
    linkRefused: null,
  };
}

/**
 * Google's eventType; 'default' when absent. A type this service does not know yet is taken as
 * 'default' too: the event is kept and shown rather than skipped.
 */
function eventTypeOf(event: GoogleEvent): EventType {
  return EVENT_TYPES.find((type) => type === event.eventType) ?? 'default';
}

function updatedOf(event: GoogleEvent): Date | null {
  if (event.updated === undefined || event.updated === null) return null;
  const updated = parseDateTime(event.updated, 'UTC');
  if (updated === null)
    throw new EventMappingError(event.id ?? null, `invalid updated timestamp '${event.updated}'`);
  return updated;
}

function recurrenceOf(event: GoogleEvent): string[] | null {
  const lines = event.recurrence;
  if (lines === undefined || lines === null || lines.length === 0) return null;
  try {
    parseRecurrenceLines(lines);
  } catch (error) {
    if (error instanceof RecurrenceError) throw new EventMappingError(event.id ?? null, error.message);
    throw error;
  }
  return [...lines];
}

function remindersColumn(event: GoogleEvent): StoredReminders | null {
  const reminders = remindersOf(event);
  return reminders === null ? null : { use_default: reminders.useDefault, overrides: reminders.overrides };
}

/** A cancelled instance of a series: kept (it hides that occurrence), with no times of its own. */
function cancelledInstanceRow(
  event: GoogleEvent,
  googleEventId: string,
  ctx: MappingContext,
): MappedEventRow {
  const original = mapOriginalStart(event, ctx.calendarTimeZone);
  if (original.original_start_at === null && original.original_start_date === null) {
    throw new EventMappingError(googleEventId, 'cancelled instance without originalStartTime');
  }
  return {
    ...baseColumns(event, googleEventId, ctx),
    status: 'cancelled',
    all_day: original.original_start_date !== null,
    start_at: null,
    end_at: null,
    start_date: null,
    end_date: null,
    time_zone: null,
    ...original,
  };
}

function baseColumns(event: GoogleEvent, googleEventId: string, ctx: MappingContext) {
  const guests = guestPermissionsOf(event);
  return {
    tenant_id: ctx.tenantId,
    user_id: ctx.userId,
    calendar_id: ctx.calendarId,
    google_event_id: googleEventId,
    ical_uid: text(event.iCalUID),
    title: text(event.summary),
    description: sanitizeDescription(text(event.description)),
    location: text(event.location),
    recurrence: null,
    recurring_event_id: text(event.recurringEventId),
    // Google always names the organizer; an event without one is treated as the user's own.
    organizer_email: text(event.organizer?.email),
    organizer_self: event.organizer == null ? true : event.organizer.self === true,
    attendees: attendeesOf(event),
    reminders: remindersColumn(event),
    meet_link: meetLinkOf(event),
    html_link: text(event.htmlLink),
    transparency: transparencyOf(event),
    visibility: visibilityOf(event),
    guests_can_modify: guests.guestsCanModify,
    guests_can_invite_others: guests.guestsCanInviteOthers,
    guests_can_see_other_guests: guests.guestsCanSeeOtherGuests,
    event_type: eventTypeOf(event),
    entity_type: null,
    entity_id: null,
    entity_source: null,
    google_etag: text(event.etag),
    google_updated: updatedOf(event),
    google_sequence: typeof event.sequence === 'number' ? event.sequence : null,
    synced_snapshot: snapshotOf(event, { calendarTimeZone: ctx.calendarTimeZone }),
  };
}

/**
 * Maps one event from `events.list`/`events.get`. A cancelled event is a deletion, except a
 * cancelled instance of a series, which is stored so that it hides its occurrence (Google only
 * guarantees id, recurringEventId and originalStartTime on those, so nothing else is required).
 * An event whose fields have another shape than Google's reference says is an EventMappingError.
 */
export function googleEventToRow(event: GoogleEvent, ctx: MappingContext): MappedEvent {
  checkEventShape(event);
  const googleEventId = text(event.id);
  if (googleEventId === null) throw new EventMappingError(null, 'event has no id');
  if (event.status === 'cancelled') {
    if (text(event.recurringEventId) === null) return { action: 'delete', googleEventId };
    return {
      action: 'upsert',
      row: cancelledInstanceRow(event, googleEventId, ctx),
      crmEventId: null,
      linkRefused: null,
    };
  }
  const link = entityLinkOf(event, ctx.tenantId);
  const { crmEventId, linkRefused, ...entity } = isMeetingType(eventTypeOf(event))
    ? link
    : // Only a meeting is linked to CRM records (src/kernel/event-types.ts).
      { ...link, entity_type: null, entity_id: null, entity_source: null };
  const row: MappedEventRow = {
    ...baseColumns(event, googleEventId, ctx),
    status: event.status === 'tentative' ? 'tentative' : 'confirmed',
    ...mapEventTimes(event, ctx.calendarTimeZone),
    recurrence: recurrenceOf(event),
    ...mapOriginalStart(event, ctx.calendarTimeZone),
    ...entity,
  };
  return { action: 'upsert', row, crmEventId, linkRefused };
}
