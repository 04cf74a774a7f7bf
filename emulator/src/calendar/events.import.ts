import { googleErrors } from '../errors.js';
import { newEventId } from '../ids.js';
import { isValidEmail, normalizeEmail } from '../state/directory.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { EventData, StoredEvent, UserRecord } from '../state/types.js';
import { applyConferenceInput } from './conference.js';
import { queuePendingConference } from './conference-jobs.js';
import { commitEvent, type WriteOptions } from './event-commit.js';
import { buildData, organizerOf, pickConference } from './event-data.js';
import { parseEventInput } from './event-input.js';
import { isObject } from './event-input-parts.js';
import { settleEventType } from './event-type-rules.js';
import { TYPE_PROPERTY_FIELDS } from './event-types.js';

/**
 * events.import: adds a private copy of an event that lives elsewhere (an invitation from
 * another system), keyed by its iCalUID. The body's organizer and attendees' answers are kept as
 * given; nothing reaches the guests (no copies, no email), now or on later writes. Importing an
 * iCalUID imported before updates that event (same id, even when it was deleted since); the
 * iCalUID of any other event of the calendar is 409 `duplicate`.
 * Only default events are imported: another type is imported as a default event without its
 * type's properties, as Google still does.
 * See https://developers.google.com/workspace/calendar/api/v3/reference/events/import
 */
export function importEvent(
  state: EmulatorState,
  calendar: CalendarRecord,
  actor: UserRecord,
  body: unknown,
  opts: WriteOptions,
): StoredEvent {
  const organizer = organizerFromBody(body) ?? organizerOf(calendar);
  const input = parseEventInput(body, calendar.meta.timeZone, organizer.email);
  if (input.iCalUID === undefined) throw googleErrors.required('Missing iCalUID.');
  delete input.eventType;
  for (const field of TYPE_PROPERTY_FIELDS) delete input[field];
  const conferenceRequested = opts.conferenceDataVersion >= 1 && input.conferenceData !== undefined;
  settleEventType(input, { calendar, trusted: false, conferenceRequested });

  const existing = findByICalUID(calendar, input.iCalUID);
  // Only an earlier import is updated: an iCalUID of an event made on this calendar otherwise, or
  // of another organizer's invitation, is already taken.
  if (existing && !existing.imported) throw googleErrors.duplicate();
  const id = existing?.id ?? input.id ?? newEventId();
  if (!existing && calendar.store.get(id)) throw googleErrors.duplicate();
  const conference = conferenceRequested
    ? applyConferenceInput(existing ? pickConference(existing.data) : {}, input.conferenceData)
    : existing
      ? pickConference(existing.data)
      : {};
  const data = buildData(
    input,
    {
      creator: existing?.data.creator ?? { email: actor.email },
      organizer,
      iCalUID: input.iCalUID,
      sequence: Math.max(input.sequence ?? 0, existing?.data.sequence ?? 0),
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
      createdMs: existing?.createdMs ?? now,
      updatedMs: now,
      startMs: input.start.ms,
      endMs: input.end.ms,
      allDay: input.start.allDay,
      organizerCalendarId: calendar.meta.id,
      imported: true,
      data,
    },
    now,
  );
  queuePendingConference(state, calendar, event, 'none');
  return event;
}

/** The organizer an imported body names (import, unlike insert, keeps it). */
function organizerFromBody(body: unknown): EventData['organizer'] | undefined {
  if (!isObject(body) || !isObject(body.organizer)) return undefined;
  const { email, displayName } = body.organizer;
  if (typeof email !== 'string' || !isValidEmail(normalizeEmail(email))) {
    throw googleErrors.invalid('Invalid organizer email.');
  }
  const out: EventData['organizer'] = { email: normalizeEmail(email) };
  if (typeof displayName === 'string') out.displayName = displayName.slice(0, 1024);
  return out;
}

/** The series or single event (not an exception) of the calendar with this iCalUID. */
function findByICalUID(calendar: CalendarRecord, iCalUID: string): StoredEvent | undefined {
  for (const event of calendar.store.values()) {
    if (event.data.iCalUID === iCalUID && event.data.recurringEventId === undefined) return event;
  }
  return undefined;
}
