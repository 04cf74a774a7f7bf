import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { OutOfOfficeProperties, StoredEvent } from '../state/types.js';
import { applyResponse, attendeeEntry } from './attendees.js';
import { eventTypeOf } from './event-types.js';
import { instanceId, occurrences, seriesOf } from './recurrence.js';
import { recordReply } from './notifications.js';

/**
 * Out of office and focus time events decline the invitations that conflict with them, as their
 * `autoDeclineMode` says: `declineAllConflictingInvitations` declines those already on the
 * calendar when the event is written and those that arrive later,
 * `declineOnlyNewConflictingInvitations` only those that arrive while it exists, `declineNone`
 * none. A declined invitation carries the `declineMessage` as the guest's comment and the
 * organizer is told, as for any RSVP. A series invitation has only its conflicting occurrences
 * declined. Google does this a moment after the write; the emulator does it within the write.
 */
type Window = [number, number];

function declineProperties(event: StoredEvent): OutOfOfficeProperties | undefined {
  if (event.data.status === 'cancelled') return undefined;
  const type = eventTypeOf(event.data);
  if (type === 'outOfOffice') return event.data.outOfOfficeProperties;
  if (type === 'focusTime') return event.data.focusTimeProperties;
  return undefined;
}

/** The time spans of a status event: its occurrences for a series (the first 730). */
function windowsOf(calendar: CalendarRecord, event: StoredEvent): Window[] {
  if (!event.data.recurrence) return [[event.startMs, event.endMs]];
  const series = seriesOf(event, calendar.meta.timeZone);
  return occurrences(series, undefined, undefined).map((s) => [s, s + series.durationMs]);
}

/** Ids of the invitation (or of its occurrences) that overlap one of the windows. */
function conflictingIds(calendar: CalendarRecord, invitation: StoredEvent, windows: Window[]): string[] {
  if (!invitation.data.recurrence) {
    const hit = windows.some(([s, e]) => invitation.startMs < e && invitation.endMs > s);
    return hit ? [invitation.id] : [];
  }
  const zone = calendar.meta.timeZone;
  const series = seriesOf(invitation, zone);
  const seriesZone = invitation.allDay ? zone : (invitation.data.start.timeZone ?? zone);
  const ids = new Set<string>();
  for (const [s, e] of windows) {
    for (const start of occurrences(series, s, e)) {
      ids.add(instanceId(invitation.id, start, invitation.allDay, seriesZone));
    }
  }
  return [...ids];
}

function decline(
  state: EmulatorState,
  calendar: CalendarRecord,
  invitation: StoredEvent,
  windows: Window[],
  message: string | undefined,
): void {
  const owner = calendar.meta.ownerEmail;
  const organizerCal = state.calendars.get(invitation.organizerCalendarId);
  if (!organizerCal) return;
  for (const id of conflictingIds(calendar, invitation, windows)) {
    const current = calendar.store.get(id) ?? invitation;
    if (current.data.status === 'cancelled') continue;
    const mine = attendeeEntry(current.data, owner);
    if (!mine || mine.responseStatus === 'declined') continue;
    const entry = { ...mine, responseStatus: 'declined' as const };
    if (message !== undefined && message !== '') entry.comment = message;
    const updated = applyResponse(state, organizerCal, id, entry);
    if (updated) recordReply(state, updated, owner, 'declined', 'all');
  }
}

/** Invitations on `calendar`: other organizers' live events the owner is a guest of. */
function invitationsOn(calendar: CalendarRecord): StoredEvent[] {
  return [...calendar.store.values()].filter(
    (e) =>
      e.organizerCalendarId !== calendar.meta.id &&
      e.data.status !== 'cancelled' &&
      e.data.recurringEventId === undefined,
  );
}

/** After a status event is written: decline the conflicting invitations already there. */
export function declineExistingConflicts(
  state: EmulatorState,
  calendar: CalendarRecord,
  statusEvent: StoredEvent,
): void {
  const props = declineProperties(statusEvent);
  if (props?.autoDeclineMode !== 'declineAllConflictingInvitations') return;
  const windows = windowsOf(calendar, statusEvent);
  for (const invitation of invitationsOn(calendar)) {
    decline(state, calendar, invitation, windows, props.declineMessage);
  }
}

/** After an invitation reached `calendar`: decline it where a status event there says so. */
export function declineNewInvitation(state: EmulatorState, calendar: CalendarRecord, eventId: string): void {
  const invitation = calendar.store.get(eventId);
  if (!invitation || invitation.data.status === 'cancelled') return;
  for (const statusEvent of [...calendar.store.values()]) {
    const props = declineProperties(statusEvent);
    if (!props || statusEvent.organizerCalendarId !== calendar.meta.id) continue;
    if (props.autoDeclineMode === undefined || props.autoDeclineMode === 'declineNone') continue;
    const latest = calendar.store.get(eventId) ?? invitation;
    decline(state, calendar, latest, windowsOf(calendar, statusEvent), props.declineMessage);
  }
}
