import { googleErrors } from '../errors.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { EventAttendee, EventData, StoredEvent, UserRecord } from '../state/types.js';
import { applyResponse, attendeeEntry } from './attendees.js';
import { commitEvent } from './event-commit.js';
import { SHARED_FIELDS, type EventInput } from './event-input.js';
import { findEvent, type ResolvedEvent } from './event-lookup.js';
import { recordReply } from './notifications.js';
import type { WriteOptions } from './events.write.js';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The guest list as a set of emails: an attendee may not add or remove guests. */
function guestEmails(attendees: EventAttendee[] | undefined): string[] {
  return (attendees ?? []).map((a) => a.email).sort();
}

/**
 * A write by an attendee on their invitation copy. They may change their own attendee entry
 * (response, comment, additional guests) and their own reminders, colour, transparency and private
 * extended properties. Changing other shared fields or the guest list is the organizer's right:
 * 403 `forbiddenForNonOrganizer`.
 */
export function attendeeReplace(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  resolved: ResolvedEvent,
  input: EventInput,
  opts: WriteOptions,
): StoredEvent {
  const copy = resolved.event;
  const organizerCal = state.calendars.get(copy.organizerCalendarId);
  if (!organizerCal) throw googleErrors.forbiddenForNonOrganizer();
  const proposed: Partial<EventData> = {
    status: input.status ?? copy.data.status,
    start: input.start.value,
    end: input.end.value,
  };
  for (const key of SHARED_FIELDS) {
    if (key === 'status' || key === 'start' || key === 'end') continue;
    (proposed as Record<string, unknown>)[key] = input[key as keyof EventInput];
  }
  for (const key of SHARED_FIELDS) {
    if (!same(copy.data[key], proposed[key])) throw googleErrors.forbiddenForNonOrganizer();
  }
  // Other guests' entries are the organizer's: what the attendee sends for them is ignored.
  if (!same(guestEmails(copy.data.attendees), guestEmails(input.attendees))) {
    throw googleErrors.forbiddenForNonOrganizer();
  }
  if (!same(copy.data.extendedProperties?.shared, input.extendedProperties?.shared)) {
    throw googleErrors.forbiddenForNonOrganizer();
  }
  if (opts.conferenceDataVersion >= 1 && input.conferenceData !== undefined) {
    if (!same(copy.data.conferenceData, input.conferenceData)) throw googleErrors.forbiddenForNonOrganizer();
  }

  const mine = attendeeEntry({ attendees: input.attendees } as EventData, actor.email);
  const currentMine = attendeeEntry(copy.data, actor.email);
  if (mine && currentMine && !same(mine, currentMine)) {
    const updated = applyResponse(state, organizerCal, copy.id, mine);
    if (updated && mine.responseStatus !== currentMine.responseStatus) {
      recordReply(state, updated, actor.email, mine.responseStatus, opts.sendUpdates);
    }
  }

  const latest = findEvent(calendar, copy.id)?.event ?? copy;
  const data: EventData = { ...latest.data, reminders: input.reminders };
  if (input.colorId !== undefined) data.colorId = input.colorId;
  else delete data.colorId;
  if (input.transparency !== undefined) data.transparency = input.transparency;
  const ownPrivate = input.extendedProperties?.private;
  const shared = latest.data.extendedProperties?.shared;
  if (ownPrivate || shared) {
    data.extendedProperties = {};
    if (shared) data.extendedProperties.shared = shared;
    if (ownPrivate) data.extendedProperties.private = ownPrivate;
  } else {
    delete data.extendedProperties;
  }
  const perUserChanged =
    !same(latest.data.reminders, data.reminders) ||
    !same(latest.data.colorId, data.colorId) ||
    !same(latest.data.transparency, data.transparency) ||
    !same(latest.data.extendedProperties, data.extendedProperties);
  if (!perUserChanged) return latest;
  return commitEvent(state, calendar, { ...latest, data });
}

/**
 * An attendee deleting their copy: it leaves their calendar and the organizer sees them decline.
 */
export function attendeeDelete(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  resolved: ResolvedEvent,
  opts: WriteOptions,
): void {
  const copy = resolved.event;
  const organizerCal = state.calendars.get(copy.organizerCalendarId);
  const mine = attendeeEntry(copy.data, actor.email);
  if (organizerCal && mine && mine.responseStatus !== 'declined') {
    const updated = applyResponse(state, organizerCal, copy.id, { ...mine, responseStatus: 'declined' });
    if (updated) recordReply(state, updated, actor.email, 'declined', opts.sendUpdates);
  }
  const latest = findEvent(calendar, copy.id)?.event ?? copy;
  commitEvent(state, calendar, { ...latest, data: { ...latest.data, status: 'cancelled' } });
}
