import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { EventAttendee, EventData, StoredEvent } from '../state/types.js';
import { commitEvent } from './event-commit.js';
import { findEvent } from './event-lookup.js';

/**
 * Invitation copies. When an attendee is also an emulated user, the event appears on that user's
 * primary calendar with the same id and iCalUID (organizer not self). The organizer's copy is the
 * source of truth: every organizer write is copied out here, keeping each attendee's own
 * reminders, colour and private extended properties. Returns the calendars that just received
 * their copy (new invitations). Private copies (`privateCopy`, imported events) propagate nothing.
 */
export function propagateToCopies(
  state: EmulatorState,
  organizerCal: CalendarRecord,
  event: StoredEvent,
  before: EventData | null,
  /** A calendar the event was moved from: its guests' copies now follow `organizerCal`. */
  movedFrom?: string,
): CalendarRecord[] {
  const invited: CalendarRecord[] = [];
  if (event.data.privateCopy || event.imported) return invited;
  const live = event.data.status !== 'cancelled';
  const current = new Set(live ? (event.data.attendees ?? []).map((a) => a.email) : []);
  const everyone = new Set([...current, ...(before?.attendees ?? []).map((a) => a.email)]);
  for (const email of everyone) {
    if (email === organizerCal.meta.ownerEmail || !state.users.has(email)) continue;
    const attendeeCal = state.calendars.get(email);
    if (!attendeeCal) continue;
    const existing = attendeeCal.store.get(event.id);
    const follows = existing?.organizerCalendarId === organizerCal.meta.id;
    if (existing && !follows && existing.organizerCalendarId !== movedFrom) continue;
    if (current.has(email)) {
      commitEvent(state, attendeeCal, copyFor(event, existing));
      if (!existing || existing.data.status === 'cancelled') invited.push(attendeeCal);
      // A new guest of a series also gets the occurrences already modified or cancelled.
      if (!existing && event.data.recurrence) copyExceptions(state, organizerCal, attendeeCal, event.id);
    } else if (existing && existing.data.status !== 'cancelled') {
      commitEvent(state, attendeeCal, { ...existing, data: { ...existing.data, status: 'cancelled' } });
    }
  }
  return invited;
}

function copyExceptions(
  state: EmulatorState,
  organizerCal: CalendarRecord,
  attendeeCal: CalendarRecord,
  masterId: string,
): void {
  for (const exception of [...organizerCal.store.values()]) {
    if (exception.data.recurringEventId !== masterId || attendeeCal.store.get(exception.id)) continue;
    const invited = exception.data.attendees?.some((a) => a.email === attendeeCal.meta.ownerEmail);
    if (!invited && exception.data.status !== 'cancelled') continue;
    commitEvent(state, attendeeCal, copyFor(exception, undefined));
  }
}

function copyFor(event: StoredEvent, existing: StoredEvent | undefined): StoredEvent {
  const data: EventData = { ...structuredClone(event.data) };
  const previous = existing?.data;
  data.reminders = previous?.reminders ?? { useDefault: true };
  if (previous?.colorId !== undefined) data.colorId = previous.colorId;
  else delete data.colorId;
  if (previous?.transparency !== undefined) data.transparency = previous.transparency;
  const shared = event.data.extendedProperties?.shared;
  const own = previous?.extendedProperties?.private;
  if (shared || own) {
    data.extendedProperties = {};
    if (shared) data.extendedProperties.shared = { ...shared };
    if (own) data.extendedProperties.private = { ...own };
  } else {
    delete data.extendedProperties;
  }
  return {
    ...event,
    createdMs: existing?.createdMs ?? event.createdMs,
    organizerCalendarId: event.organizerCalendarId,
    data,
  };
}

/**
 * An attendee's change of their own entry (RSVP) lands on the organizer's copy first (creating an
 * exception there when it is about one occurrence), then flows out to every copy.
 */
export function applyResponse(
  state: EmulatorState,
  organizerCal: CalendarRecord,
  eventId: string,
  entry: EventAttendee,
): StoredEvent | null {
  const found = findEvent(organizerCal, eventId);
  if (!found) return null;
  const source = found.event;
  const attendees = (source.data.attendees ?? []).map((a) => (a.email === entry.email ? { ...entry } : a));
  if (!attendees.some((a) => a.email === entry.email)) return null;
  const before = source.data;
  const updated = commitEvent(state, organizerCal, {
    ...source,
    organizerCalendarId: organizerCal.meta.id,
    data: { ...source.data, attendees },
  });
  propagateToCopies(state, organizerCal, updated, before);
  return updated;
}

/** The attendee entry of `email`, or undefined. */
export function attendeeEntry(data: EventData, email: string): EventAttendee | undefined {
  return data.attendees?.find((a) => a.email === email);
}
