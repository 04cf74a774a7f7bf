import { googleErrors } from '../errors.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { StoredEvent } from '../state/types.js';
import { propagateToCopies } from './attendees.js';
import { movePendingConference } from './conference-jobs.js';
import { commitEvent } from './event-commit.js';
import { organizerOf } from './event-data.js';
import { requireEvent } from './event-lookup.js';
import { eventTypeOf } from './event-types.js';
import { recordOrganizerMail, type SendUpdates } from './notifications.js';

/**
 * events.move: the event changes calendar, and so organizer. It keeps its id and iCalUID; the
 * source keeps a `cancelled` tombstone (its sync lists the event as deleted) and the destination
 * gets it as a new event (its sync lists it as added), with the destination's organizer identity
 * and the next sequence. A series moves with its exceptions. Guests' copies follow the new
 * organizer. Only the organizer's copy of a default event moves, and only a whole series.
 * See https://developers.google.com/workspace/calendar/api/v3/reference/events/move
 */
export function moveEvent(
  state: EmulatorState,
  source: CalendarRecord,
  destination: CalendarRecord,
  eventId: string,
  sendUpdates: SendUpdates,
): StoredEvent {
  const resolved = requireEvent(source, eventId);
  const event = resolved.event;
  if (event.data.status === 'cancelled' || resolved.master?.data.status === 'cancelled') {
    throw googleErrors.deleted();
  }
  if (resolved.master || event.data.recurringEventId !== undefined) {
    throw googleErrors.invalid('An occurrence of a recurring event cannot be moved: move its series.');
  }
  if (eventTypeOf(event.data) !== 'default') {
    throw googleErrors.calendarError('eventTypeRestriction', 'Only default events can be moved.');
  }
  if (event.organizerCalendarId !== source.meta.id) {
    throw googleErrors.calendarError(
      'cannotChangeOrganizer',
      'Only the organizer can move an event to another calendar.',
    );
  }
  if (destination.meta.id === source.meta.id) return event;
  const taken = destination.store.get(event.id);
  if (taken && taken.data.status !== 'cancelled' && taken.organizerCalendarId !== source.meta.id) {
    throw googleErrors.duplicate();
  }

  const family = [event];
  if (event.data.recurrence) {
    for (const other of source.store.values()) {
      if (other.data.recurringEventId === event.id) family.push(other);
    }
  }
  const organizer = organizerOf(destination);
  let moved = event;
  for (const member of family) {
    const before = member.data;
    const arrived = commitEvent(state, destination, {
      ...member,
      organizerCalendarId: destination.meta.id,
      data: { ...member.data, organizer, sequence: member.data.sequence + 1 },
    });
    // The tombstone left behind is the source's own: no guest copy follows it.
    commitEvent(state, source, { ...member, data: { ...member.data, status: 'cancelled' } });
    propagateToCopies(state, destination, arrived, before, source.meta.id);
    movePendingConference(state, source.meta.id, destination.meta.id, member.id);
    if (member === event) {
      recordOrganizerMail(state, before, arrived, sendUpdates);
      moved = arrived;
    }
  }
  return moved;
}
