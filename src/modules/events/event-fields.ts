import type { EntityType, StoredAttendee } from '../../kernel/values.js';
import type { EventRow } from '../../adapters/db/tables/events.js';
import {
  CRM_PROPERTY,
  crmEventToGoogle,
  snapshotOf,
  type CrmEventFields,
  type MergeFields,
} from './mapping/from-google.js';
import type { EventAttendeeInput, EventTiming } from '../../kernel/event-input/event-input.js';
import type { EventFields } from '../../kernel/event-input/event-input.js';
import { fieldEqual, MERGE_FIELDS, type MergeField } from '../../kernel/merge.js';
import { isValidTimeZone } from '../../kernel/time.js';

/**
 * Conversions between an `events` row and the shapes the push needs: the CRM's fields for
 * Google (CrmEventFields), the normalized merge view (MergeFields) and the input-side EventFields
 * that applyEventPatch works on.
 */

/** The zone an event is written in: its own, else its calendar's, else UTC (Google's own fallback). */
export function eventZone(row: Pick<EventRow, 'time_zone'>, calendarTimeZone: string | null): string {
  if (row.time_zone !== null && isValidTimeZone(row.time_zone)) return row.time_zone;
  if (calendarTimeZone !== null && isValidTimeZone(calendarTimeZone)) return calendarTimeZone;
  return 'UTC';
}

/** Whether the row wants a Meet conference: the CRM's pending request, else what Google has. */
export function wantsConference(row: Pick<EventRow, 'conference_requested' | 'meet_link'>): boolean {
  return row.conference_requested ?? row.meet_link !== null;
}

/**
 * Whether a stored attendee is the event's organizer: Google's marker, or, before Google has
 * answered (an event the CRM made), the organizer's address.
 */
function isOrganizerEntry(row: Pick<EventRow, 'organizer_email'>, attendee: StoredAttendee): boolean {
  if (attendee.organizer === true) return true;
  const organizer = row.organizer_email?.trim().toLowerCase();
  return organizer !== undefined && organizer !== '' && attendee.email.trim().toLowerCase() === organizer;
}

/** The row as the CRM would write it to Google. */
export function rowToCrmFields(row: EventRow, calendarTimeZone: string | null): CrmEventFields {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    googleEventId: row.google_event_id,
    title: row.title,
    description: row.description,
    location: row.location,
    ...rowTiming(row, calendarTimeZone),
    attendees: (row.attendees ?? []).map((a) => ({
      email: a.email,
      name: a.name ?? null,
      optional: a.optional === true,
      status: a.status,
      organizer: isOrganizerEntry(row, a),
    })),
    reminders: row.reminders,
    recurrence: row.recurrence,
    conference: wantsConference(row),
    entity: crmSetLink(row),
    status: row.status,
    visibility: row.visibility,
    transparency: row.transparency,
    guestsCanModify: row.guests_can_modify,
    guestsCanInviteOthers: row.guests_can_invite_others,
    guestsCanSeeOtherGuests: row.guests_can_see_other_guests,
  };
}

/**
 * The CRM side of a three-way merge, normalized exactly like Google's side (snapshotOf), with the
 * organizer's entry marked as Google marks it (the body sent to Google does not carry the marker).
 */
export function localMergeFields(row: EventRow, calendarTimeZone: string | null): MergeFields {
  const fields = snapshotOf(crmEventToGoogle(rowToCrmFields(row, calendarTimeZone)), { calendarTimeZone });
  const organizers = new Set(
    (row.attendees ?? []).filter((a) => isOrganizerEntry(row, a)).map((a) => a.email.trim().toLowerCase()),
  );
  return {
    ...fields,
    attendees: fields.attendees.map((a) =>
      organizers.has(a.email.trim().toLowerCase()) ? { ...a, organizer: true as const } : a,
    ),
  };
}

/** Merge fields whose value differs between `a` and `b`. */
export function changedFields(a: MergeFields, b: MergeFields): MergeField[] {
  return MERGE_FIELDS.filter((field) => !fieldEqual(field, a[field], b[field]));
}

/**
 * The private extended properties that link the Google event to the CRM (see crmEventToGoogle).
 * Only a link set in the CRM is stamped: one derived from the attendees stays derived (the pull
 * drops it when the attendee goes), so its keys are left out and Google keeps what it has. An
 * unlinked event names the link keys with null: Google's patch removes keys set to null.
 */
export function crmPrivateProperties(row: EventRow): Record<string, string | null> {
  const linked = linkedRecord(row);
  const ids = { [CRM_PROPERTY.eventId]: row.id, [CRM_PROPERTY.tenant]: row.tenant_id };
  if (linked !== null && row.entity_source !== 'crm') return ids;
  return {
    ...ids,
    [CRM_PROPERTY.entityType]: linked?.type ?? null,
    [CRM_PROPERTY.entityId]: linked?.id ?? null,
  };
}

/** The CRM record the event is linked to when the link was set in the CRM (the one Google's copy carries). */
function crmSetLink(row: EventRow): { type: EntityType; id: string } | null {
  return row.entity_source === 'crm' ? linkedRecord(row) : null;
}

/** The CRM record the event is linked to, if any. */
export function linkedRecord(row: EventRow): { type: EntityType; id: string } | null {
  return row.entity_type !== null && row.entity_id !== null
    ? { type: row.entity_type, id: row.entity_id }
    : null;
}

/** The row's timing as event-input sees it. */
function rowTiming(row: EventRow, calendarTimeZone: string | null): EventTiming {
  return {
    allDay: row.all_day,
    startAt: row.start_at,
    endAt: row.end_at,
    startDate: row.start_date,
    endDate: row.end_date,
    timeZone: eventZone(row, calendarTimeZone),
  };
}

/** The row as event-input's EventFields (what applyEventPatch patches). */
export function rowToEventFields(row: EventRow, calendarTimeZone: string | null): EventFields {
  return {
    ...rowTiming(row, calendarTimeZone),
    title: row.title ?? '',
    description: row.description,
    location: row.location,
    attendees: (row.attendees ?? []).map((a) => ({
      email: a.email,
      name: a.name ?? null,
      optional: a.optional === true,
    })),
    reminders: row.reminders ?? { use_default: true, overrides: [] },
    recurrence: row.recurrence,
    conference: wantsConference(row),
    entity: linkedRecord(row),
    visibility: row.visibility,
    transparency: row.transparency,
    guestsCanModify: row.guests_can_modify,
    guestsCanInviteOthers: row.guests_can_invite_others,
    guestsCanSeeOtherGuests: row.guests_can_see_other_guests,
  };
}

/**
 * The stored attendee list for a new guest list: people already on the event keep their response
 * and markers (organizer, self); new people have not answered yet.
 */
export function storedAttendees(
  next: readonly EventAttendeeInput[],
  current: readonly StoredAttendee[] = [],
): StoredAttendee[] {
  const known = new Map(current.map((a) => [a.email.trim().toLowerCase(), a]));
  return next.map((input) => {
    const existing = known.get(input.email.toLowerCase());
    const attendee: StoredAttendee = { email: input.email, status: existing?.status ?? 'needsAction' };
    if (input.name !== null) attendee.name = input.name;
    else if (existing?.name !== undefined) attendee.name = existing.name;
    if (input.optional) attendee.optional = true;
    if (existing?.organizer === true) attendee.organizer = true;
    if (existing?.self === true) attendee.self = true;
    return attendee;
  });
}
