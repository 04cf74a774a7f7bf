import { googleErrors } from '../errors.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { EventAttendee, EventData, StoredEvent, UserRecord } from '../state/types.js';
import { applyResponse, attendeeEntry } from './attendees.js';
import { commitEvent, type WriteOptions } from './event-commit.js';
import { SHARED_FIELDS, type EventInput } from './event-input.js';
import { findEvent, requireEvent, type ResolvedEvent } from './event-lookup.js';
import { recordReply } from './notifications.js';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Settings only the organizer changes, even for guests who may modify the event. */
const ORGANIZER_ONLY: ReadonlyArray<keyof EventData> = [
  'status',
  'anyoneCanAddSelf',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
  'privateCopy',
];

/** Writes an event as its organizer would (events.write's organizer path). */
export type OrganizerWrite = (
  state: EmulatorState,
  calendar: CalendarRecord,
  resolved: ResolvedEvent,
  input: EventInput,
  opts: WriteOptions,
) => StoredEvent;

interface GuestListChange {
  added: EventAttendee[];
  removed: Set<string>;
}

/**
 * What the guest's attendee list changes. A guest who cannot see the other guests
 * (`guestsCanSeeOtherGuests: false`), or who says its list is partial (`attendeesOmitted`), can
 * only add guests: those left out of its list stay.
 */
function guestListChange(copy: EventData, input: EventInput): GuestListChange {
  const current = new Set((copy.attendees ?? []).map((a) => a.email));
  const sent = input.attendees ?? [];
  const partial = copy.guestsCanSeeOtherGuests === false || input.attendeesOmitted === true;
  const listed = new Set(sent.map((a) => a.email));
  return {
    added: sent.filter((a) => !current.has(a.email)),
    removed: partial ? new Set() : new Set([...current].filter((email) => !listed.has(email))),
  };
}

/**
 * A write by an attendee on their invitation copy. They may always change their own attendee
 * entry (response, comment, additional guests) and their own reminders, colour, transparency and
 * private extended properties. As Google's guest permissions allow: with `guestsCanInviteOthers`
 * (the default) they may add guests; with `guestsCanModify` they may also change the event itself
 * (its time, text, recurrence, guest list, shared properties, conference), which then reaches the
 * organizer and every guest as an organizer's change would. The status and the guest permissions
 * stay the organizer's. Anything else is 403 `forbiddenForNonOrganizer`.
 */
export function attendeeReplace(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  resolved: ResolvedEvent,
  input: EventInput,
  opts: WriteOptions,
  organizerWrite: OrganizerWrite,
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
  const changed = SHARED_FIELDS.filter((key) => !same(copy.data[key], proposed[key]));
  const guests = guestListChange(copy.data, input);
  const sharedProps = !same(copy.data.extendedProperties?.shared, input.extendedProperties?.shared);
  const conference =
    opts.conferenceDataVersion >= 1 &&
    input.conferenceData !== undefined &&
    !same(copy.data.conferenceData, input.conferenceData);
  const canModify = copy.data.guestsCanModify === true;
  const canInvite = canModify || copy.data.guestsCanInviteOthers !== false;
  if (changed.some((key) => ORGANIZER_ONLY.includes(key))) throw googleErrors.forbiddenForNonOrganizer();
  if ((changed.length > 0 || sharedProps || conference || guests.removed.size > 0) && !canModify) {
    throw googleErrors.forbiddenForNonOrganizer();
  }
  if (guests.added.length > 0 && !canInvite) throw googleErrors.forbiddenForNonOrganizer();

  const mine = attendeeEntry({ attendees: input.attendees } as EventData, actor.email);
  const currentMine = attendeeEntry(copy.data, actor.email);
  const answered = mine !== undefined && currentMine !== undefined && !same(mine, currentMine);
  let organizerSide: StoredEvent | null = null;
  if (changed.length > 0 || sharedProps || conference || guests.removed.size > 0 || guests.added.length > 0) {
    const target = requireEvent(organizerCal, copy.id);
    const stored = target.event.data;
    const attendees = [
      ...(stored.attendees ?? [])
        .filter((a) => !guests.removed.has(a.email))
        .map((a) => (a.email === actor.email && mine ? mine : a)),
      ...guests.added.map((a) => ({ ...a, responseStatus: 'needsAction' as const })),
    ];
    // The organizer's own reminders, colour, transparency and private properties stay theirs.
    const organizerInput: EventInput = { ...input, attendees, reminders: stored.reminders };
    const sharedSent = input.extendedProperties?.shared;
    const ownPrivate = stored.extendedProperties?.private;
    if (sharedSent || ownPrivate) {
      organizerInput.extendedProperties = {};
      if (sharedSent) organizerInput.extendedProperties.shared = sharedSent;
      if (ownPrivate) organizerInput.extendedProperties.private = ownPrivate;
    } else {
      delete organizerInput.extendedProperties;
    }
    delete organizerInput.sequence;
    delete organizerInput.attendeesOmitted;
    for (const key of ['colorId', 'transparency', ...ORGANIZER_ONLY] as const) {
      const value = stored[key];
      if (value === undefined) delete organizerInput[key as keyof EventInput];
      else (organizerInput as unknown as Record<string, unknown>)[key] = value;
    }
    organizerSide = organizerWrite(state, organizerCal, target, organizerInput, opts);
  } else if (answered) {
    organizerSide = applyResponse(state, organizerCal, copy.id, mine);
  }
  if (organizerSide && answered && mine.responseStatus !== currentMine.responseStatus) {
    recordReply(state, organizerSide, actor.email, mine.responseStatus, opts.sendUpdates);
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
