import { googleErrors } from '../errors.js';
import { newEventId } from '../ids.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { EventData, StoredEvent, UserRecord } from '../state/types.js';
import { attendeeDelete, attendeeReplace } from './attendee-writes.js';
import { propagateToCopies } from './attendees.js';
import { applyConferenceInput, type ConferenceState } from './conference.js';
import { checkIfMatch, commitEvent } from './event-commit.js';
import { mergePatch, parseEventInput, type EventInput } from './event-input.js';
import { isObject } from './event-input-parts.js';
import { requireEvent, type ResolvedEvent } from './event-lookup.js';
import { recordOrganizerMail, type SendUpdates } from './notifications.js';

export interface WriteOptions {
  sendUpdates: SendUpdates;
  conferenceDataVersion: number;
  ifMatch?: string | undefined;
}

/** The organizer identity of a calendar: its owner for a primary calendar, else the calendar. */
function organizerOf(calendar: CalendarRecord): EventData['organizer'] {
  if (calendar.meta.primary) return { email: calendar.meta.id };
  return { email: calendar.meta.id, displayName: calendar.meta.summary };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Fixed {
  creator: EventData['creator'];
  organizer: EventData['organizer'];
  iCalUID: string;
  sequence: number;
  recurringEventId?: string | undefined;
  originalStartTime?: EventData['originalStartTime'];
  defaultStatus: EventData['status'];
}

export function buildData(input: EventInput, fixed: Fixed, conference: ConferenceState): EventData {
  const data: EventData = {
    status: input.status ?? fixed.defaultStatus,
    creator: fixed.creator,
    organizer: fixed.organizer,
    start: input.start.value,
    end: input.end.value,
    iCalUID: fixed.iCalUID,
    sequence: fixed.sequence,
    reminders: input.reminders,
  };
  const copy = [
    'summary',
    'description',
    'location',
    'colorId',
    'endTimeUnspecified',
    'recurrence',
    'transparency',
    'visibility',
    'attendees',
    'extendedProperties',
    'anyoneCanAddSelf',
    'guestsCanInviteOthers',
    'guestsCanModify',
    'guestsCanSeeOtherGuests',
    'privateCopy',
    'source',
  ] as const;
  for (const key of copy) {
    if (input[key] !== undefined) (data as unknown as Record<string, unknown>)[key] = input[key];
  }
  if (fixed.recurringEventId !== undefined) data.recurringEventId = fixed.recurringEventId;
  if (fixed.originalStartTime !== undefined) data.originalStartTime = fixed.originalStartTime;
  return Object.assign(data, pickConference(conference));
}

export function insertEvent(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  body: unknown,
  opts: WriteOptions,
): StoredEvent {
  const organizer = organizerOf(calendar);
  const input = parseEventInput(body, calendar.meta.timeZone, organizer.email);
  const id = input.id ?? newEventId();
  // Ids are never reused, not even after a delete: a retried insert gets 409 `duplicate`.
  if (calendar.store.get(id)) throw googleErrors.duplicate();
  const conference =
    opts.conferenceDataVersion >= 1 && input.conferenceData !== undefined
      ? applyConferenceInput({}, input.conferenceData)
      : {};
  const data = buildData(
    input,
    {
      creator: { email: actor.email },
      organizer,
      iCalUID: input.iCalUID ?? `${id}@google.com`,
      sequence: input.sequence ?? 0,
      defaultStatus: 'confirmed',
    },
    conference,
  );
  const now = state.now();
  const event = commitEvent(
    state,
    calendar,
    {
      id,
      calendarId: calendar.meta.id,
      seq: 0,
      createdMs: now,
      updatedMs: now,
      startMs: input.start.ms,
      endMs: input.end.ms,
      allDay: input.start.allDay,
      organizerCalendarId: calendar.meta.id,
      data,
    },
    now,
  );
  propagateToCopies(state, calendar, event, null);
  recordOrganizerMail(state, null, event, opts.sendUpdates);
  return event;
}

/** events.update (PUT, full replacement) and events.patch (merge), on a stored event or an occurrence. */
export function replaceEvent(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  eventId: string,
  body: unknown,
  opts: WriteOptions,
  mode: 'update' | 'patch',
): StoredEvent {
  const resolved = requireEvent(calendar, eventId);
  checkIfMatch(opts.ifMatch, resolved.event);
  if (resolved.master?.data.status === 'cancelled') throw googleErrors.deleted();
  const current = resolved.event;
  let effectiveBody = body;
  if (mode === 'patch') {
    if (body === undefined) throw googleErrors.required('Required request body is missing.');
    if (!isObject(body)) throw googleErrors.badRequest('The request body must be a JSON object.');
    const patch = { ...body };
    // Reminders replace as a whole so that `{useDefault: true}` reverts to the defaults.
    const base = JSON.parse(JSON.stringify(current.data)) as Record<string, unknown>;
    if ('reminders' in patch) delete base.reminders;
    effectiveBody = mergePatch(base, patch);
  }
  const input = parseEventInput(effectiveBody, calendar.meta.timeZone, current.data.organizer.email);
  if (current.organizerCalendarId !== calendar.meta.id) {
    return attendeeReplace(state, calendar, actor, resolved, input, opts);
  }
  return organizerReplace(state, calendar, resolved, input, opts);
}

function organizerReplace(
  state: EmulatorState,
  calendar: CalendarRecord,
  resolved: ResolvedEvent,
  input: EventInput,
  opts: WriteOptions,
): StoredEvent {
  const current = resolved.event;
  const before = current.data;
  if (before.recurringEventId !== undefined && input.recurrence) {
    throw googleErrors.invalid('An occurrence of a recurring event cannot have its own recurrence.');
  }
  if (input.sequence !== undefined && input.sequence < before.sequence) {
    throw googleErrors.invalid(
      'Invalid sequence value. The specified sequence number is below the current sequence number of the resource.',
    );
  }
  let conference: ConferenceState = { ...pickConference(before) };
  if (opts.conferenceDataVersion >= 1) {
    conference =
      input.conferenceData === undefined ? {} : applyConferenceInput(conference, input.conferenceData);
  }
  const sequenceBase = Math.max(input.sequence ?? before.sequence, before.sequence);
  const data = buildData(
    input,
    {
      creator: before.creator,
      organizer: before.organizer,
      iCalUID: before.iCalUID,
      sequence: sequenceBase,
      recurringEventId: before.recurringEventId,
      originalStartTime: before.originalStartTime,
      defaultStatus: 'confirmed',
    },
    conference,
  );
  // A change of time, recurrence or status is a new revision of the invitation (RFC 5545 SEQUENCE).
  const significant = (['start', 'end', 'recurrence', 'status'] as const).some(
    (f) => !same(before[f], data[f]),
  );
  if (significant && sequenceBase === before.sequence) data.sequence = before.sequence + 1;
  const event = commitEvent(state, calendar, {
    ...current,
    startMs: input.start.ms,
    endMs: input.end.ms,
    allDay: input.start.allDay,
    organizerCalendarId: calendar.meta.id,
    data,
  });
  propagateToCopies(state, calendar, event, before);
  recordOrganizerMail(state, before, event, opts.sendUpdates);
  return event;
}

/** The set conference fields of an event or a conference input, in Google's order. */
function pickConference(data: ConferenceState): ConferenceState {
  const out: ConferenceState = {};
  if (data.conferenceData) out.conferenceData = data.conferenceData;
  if (data.hangoutLink) out.hangoutLink = data.hangoutLink;
  return out;
}

/**
 * events.delete: leaves a `cancelled` tombstone (sync clients see it), deletes every occurrence
 * of a series, and answers 410 `deleted` when the event is already gone.
 */
export function deleteEvent(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  eventId: string,
  opts: WriteOptions,
): void {
  const resolved = requireEvent(calendar, eventId);
  const current = resolved.event;
  if (current.data.status === 'cancelled' || resolved.master?.data.status === 'cancelled') {
    throw googleErrors.deleted();
  }
  checkIfMatch(opts.ifMatch, current);
  if (current.organizerCalendarId !== calendar.meta.id) {
    attendeeDelete(state, calendar, actor, resolved, opts);
    return;
  }
  cancel(state, calendar, current, opts.sendUpdates);
  if (current.data.recurrence) {
    for (const other of [...calendar.store.values()]) {
      if (other.data.recurringEventId === current.id && other.data.status !== 'cancelled') {
        cancel(state, calendar, other, 'none');
      }
    }
  }
}

function cancel(
  state: EmulatorState,
  calendar: CalendarRecord,
  current: StoredEvent,
  sendUpdates: SendUpdates,
): void {
  const before = current.data;
  const event = commitEvent(state, calendar, { ...current, data: { ...current.data, status: 'cancelled' } });
  propagateToCopies(state, calendar, event, before);
  recordOrganizerMail(state, before, event, sendUpdates);
}
