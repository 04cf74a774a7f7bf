import { googleErrors } from '../errors.js';
import { newEventId } from '../ids.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { StoredEvent, UserRecord } from '../state/types.js';
import { attendeeDelete, attendeeReplace } from './attendee-writes.js';
import { propagateToCopies } from './attendees.js';
import { declineExistingConflicts, declineNewInvitation } from './auto-decline.js';
import { applyConferenceInput, type ConferenceState } from './conference.js';
import { queuePendingConference } from './conference-jobs.js';
import { buildData, organizerOf, pickConference, same } from './event-data.js';
import { checkIfMatch, commitEvent, type WriteOptions } from './event-commit.js';
import { mergePatch, parseEventInput, type EventInput } from './event-input.js';
import { checkTypedUpdate, settleEventType } from './event-type-rules.js';
import { isObject } from './event-input-parts.js';
import { requireEvent, type ResolvedEvent } from './event-lookup.js';
import { recordOrganizerMail, type SendUpdates } from './notifications.js';

export type { WriteOptions } from './event-commit.js';

export function insertEvent(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  body: unknown,
  opts: WriteOptions,
): StoredEvent {
  const organizer = organizerOf(calendar);
  const trusted = opts.trusted === true;
  const input = parseEventInput(body, calendar.meta.timeZone, organizer.email, trusted);
  settleEventType(input, {
    calendar,
    trusted,
    conferenceRequested: opts.conferenceDataVersion >= 1 && input.conferenceData !== undefined,
  });
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
  const invited = propagateToCopies(state, calendar, event, null);
  recordOrganizerMail(state, null, event, opts.sendUpdates);
  return settleAfterWrite(state, calendar, event, invited, opts.sendUpdates);
}

/**
 * What follows an organizer's write within the same operation: status events decline the
 * invitations they conflict with, and a pending conference request is queued. Returns the event
 * as stored now (an auto-decline may have recorded a guest's answer on it).
 */
function settleAfterWrite(
  state: EmulatorState,
  calendar: CalendarRecord,
  event: StoredEvent,
  invited: CalendarRecord[],
  sendUpdates: SendUpdates,
): StoredEvent {
  for (const guestCalendar of invited) declineNewInvitation(state, guestCalendar, event.id);
  declineExistingConflicts(state, calendar, event);
  queuePendingConference(state, calendar, event, sendUpdates);
  return calendar.store.get(event.id) ?? event;
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
  const input = parseEventInput(
    effectiveBody,
    calendar.meta.timeZone,
    current.data.organizer.email,
    opts.trusted === true,
  );
  if (current.organizerCalendarId !== calendar.meta.id) {
    return attendeeReplace(state, calendar, actor, resolved, input, opts, organizerReplace);
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
  settleEventType(input, {
    calendar,
    trusted: opts.trusted === true,
    conferenceRequested: opts.conferenceDataVersion >= 1 && input.conferenceData !== undefined,
    before,
  });
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
  checkTypedUpdate(before, data);
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
  const invited = propagateToCopies(state, calendar, event, before);
  recordOrganizerMail(state, before, event, opts.sendUpdates);
  return settleAfterWrite(state, calendar, event, invited, opts.sendUpdates);
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
