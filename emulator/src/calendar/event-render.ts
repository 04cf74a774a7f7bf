import { eventEtag, htmlLinkFor } from '../ids.js';
import type { CalendarMeta, EventDateTime, StoredEvent } from '../state/types.js';
import { formatDateTime, formatTimestamp } from '../time.js';
import { eventTypeOf, TYPE_PROPERTY_FIELDS } from './event-types.js';

interface RenderView {
  calendar: CalendarMeta;
  /** The `timeZone` query parameter: times are rendered in it when given. */
  timeZone?: string | undefined;
  maxAttendees?: number | undefined;
}

export function etagOf(event: StoredEvent): string {
  return eventEtag(event.updatedMs, event.seq);
}

function renderTime(value: EventDateTime, ms: number, zone: string): Record<string, string> {
  if (value.date !== undefined) return { date: value.date };
  const out: Record<string, string> = { dateTime: formatDateTime(ms, zone) };
  if (value.timeZone) out.timeZone = value.timeZone;
  return out;
}

/**
 * Google's `Event` resource as seen from one calendar: `self` flags relative to that calendar's
 * owner, times rendered in the requested or the event's zone, only fields of the discovery schema.
 */
export function renderEvent(event: StoredEvent, view: RenderView): Record<string, unknown> {
  const d = event.data;
  const owner = view.calendar.ownerEmail;
  const zone = view.timeZone ?? d.start.timeZone ?? view.calendar.timeZone;
  const out: Record<string, unknown> = {
    kind: 'calendar#event',
    etag: etagOf(event),
    id: event.id,
    status: d.status,
    htmlLink: htmlLinkFor(event.id, view.calendar.id),
    created: formatTimestamp(event.createdMs),
    updated: formatTimestamp(event.updatedMs),
  };
  if (d.summary !== undefined) out.summary = d.summary;
  if (d.description !== undefined) out.description = d.description;
  if (d.location !== undefined) out.location = d.location;
  if (d.colorId !== undefined) out.colorId = d.colorId;
  out.creator = person(d.creator.email, d.creator.displayName, d.creator.email === owner);
  out.organizer = person(d.organizer.email, d.organizer.displayName, d.organizer.email === view.calendar.id);
  out.start = renderTime(d.start, event.startMs, zone);
  out.end = renderTime(d.end, event.endMs, d.end.timeZone && !view.timeZone ? d.end.timeZone : zone);
  if (d.endTimeUnspecified) out.endTimeUnspecified = true;
  if (d.recurrence) out.recurrence = [...d.recurrence];
  if (d.recurringEventId !== undefined) out.recurringEventId = d.recurringEventId;
  if (d.originalStartTime && event.originalStartMs !== undefined) {
    out.originalStartTime = renderTime(d.originalStartTime, event.originalStartMs, zone);
  }
  if (d.transparency !== undefined && d.transparency !== 'opaque') out.transparency = d.transparency;
  if (d.visibility !== undefined && d.visibility !== 'default') out.visibility = d.visibility;
  out.iCalUID = d.iCalUID;
  out.sequence = d.sequence;
  // A guest of an event whose guests may not see each other sees only their own entry.
  const hidden = d.guestsCanSeeOtherGuests === false && event.organizerCalendarId !== view.calendar.id;
  const shown = hidden ? d.attendees?.filter((a) => a.email === owner) : d.attendees;
  if (hidden && (d.attendees?.length ?? 0) > (shown?.length ?? 0)) out.attendeesOmitted = true;
  if (shown && shown.length > 0) {
    let attendees = shown.map((a) => {
      const rendered: Record<string, unknown> = { email: a.email };
      if (a.displayName !== undefined) rendered.displayName = a.displayName;
      if (a.email === d.organizer.email) rendered.organizer = true;
      if (a.email === owner) rendered.self = true;
      if (a.resource) rendered.resource = true;
      if (a.optional) rendered.optional = true;
      rendered.responseStatus = a.responseStatus;
      if (a.comment !== undefined) rendered.comment = a.comment;
      if (a.additionalGuests) rendered.additionalGuests = a.additionalGuests;
      return rendered;
    });
    if (view.maxAttendees !== undefined && attendees.length > view.maxAttendees) {
      // Google keeps the viewer's own entry and reports the rest as omitted.
      const self = attendees.filter((a) => a.self === true);
      attendees = [...self, ...attendees.filter((a) => a.self !== true)].slice(0, view.maxAttendees);
      out.attendeesOmitted = true;
    }
    out.attendees = attendees;
  }
  if (d.extendedProperties) {
    const ext: Record<string, Record<string, string>> = {};
    if (d.extendedProperties.private && Object.keys(d.extendedProperties.private).length > 0) {
      ext.private = { ...d.extendedProperties.private };
    }
    if (d.extendedProperties.shared && Object.keys(d.extendedProperties.shared).length > 0) {
      ext.shared = { ...d.extendedProperties.shared };
    }
    if (Object.keys(ext).length > 0) out.extendedProperties = ext;
  }
  if (d.hangoutLink !== undefined) out.hangoutLink = d.hangoutLink;
  if (d.conferenceData !== undefined) out.conferenceData = structuredClone(d.conferenceData);
  if (d.anyoneCanAddSelf) out.anyoneCanAddSelf = true;
  if (d.guestsCanInviteOthers === false) out.guestsCanInviteOthers = false;
  if (d.guestsCanModify) out.guestsCanModify = true;
  if (d.guestsCanSeeOtherGuests === false) out.guestsCanSeeOtherGuests = false;
  if (d.privateCopy) out.privateCopy = true;
  if (d.locked) out.locked = true;
  out.reminders = d.reminders.useDefault
    ? { useDefault: true }
    : d.reminders.overrides && d.reminders.overrides.length > 0
      ? { useDefault: false, overrides: d.reminders.overrides.map((r) => ({ ...r })) }
      : { useDefault: false };
  if (d.source) out.source = { ...d.source };
  for (const field of TYPE_PROPERTY_FIELDS) {
    const props = d[field];
    if (props !== undefined) out[field] = structuredClone(props);
  }
  out.eventType = eventTypeOf(d);
  return out;
}

/**
 * Deleted events in list results carry only what Google guarantees: the id, status and type (plus
 * the series link and original start for cancelled occurrences of a series).
 */
export function renderTombstone(event: StoredEvent, view: RenderView): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'calendar#event',
    etag: etagOf(event),
    id: event.id,
    status: 'cancelled',
  };
  const d = event.data;
  if (d.recurringEventId !== undefined && d.originalStartTime && event.originalStartMs !== undefined) {
    out.recurringEventId = d.recurringEventId;
    const zone = view.timeZone ?? d.start.timeZone ?? view.calendar.timeZone;
    out.originalStartTime = renderTime(d.originalStartTime, event.originalStartMs, zone);
  }
  out.eventType = eventTypeOf(d);
  return out;
}

function person(email: string, displayName: string | undefined, self: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { email };
  if (displayName !== undefined) out.displayName = displayName;
  if (self) out.self = true;
  return out;
}
