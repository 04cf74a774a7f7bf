import type { CalendarRecord } from '../state/emulator-state.js';
import type { EventData } from '../state/types.js';
import type { ConferenceState } from './conference.js';
import type { EventInput } from './event-input.js';

/*
 * Building the stored data of an event from a validated body and what the write keeps fixed.
 */

/** The organizer identity of a calendar: its owner for a primary calendar, else the calendar. */
export function organizerOf(calendar: CalendarRecord): EventData['organizer'] {
  if (calendar.meta.primary) return { email: calendar.meta.id };
  return { email: calendar.meta.id, displayName: calendar.meta.summary };
}

export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What a write takes from the stored event (or the calendar) rather than from the body. */
export interface Fixed {
  creator: EventData['creator'];
  organizer: EventData['organizer'];
  iCalUID: string;
  sequence: number;
  recurringEventId?: string | undefined;
  originalStartTime?: EventData['originalStartTime'];
  defaultStatus: EventData['status'];
}

/** The stored data of an event: the body's fields, the fixed ones and the conference. */
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
    'eventType',
    'outOfOfficeProperties',
    'focusTimeProperties',
    'workingLocationProperties',
    'birthdayProperties',
  ] as const;
  for (const key of copy) {
    if (input[key] !== undefined) (data as unknown as Record<string, unknown>)[key] = input[key];
  }
  if (fixed.recurringEventId !== undefined) data.recurringEventId = fixed.recurringEventId;
  if (fixed.originalStartTime !== undefined) data.originalStartTime = fixed.originalStartTime;
  return Object.assign(data, pickConference(conference));
}

/** The set conference fields of an event or a conference input, in Google's order. */
export function pickConference(data: ConferenceState): ConferenceState {
  const out: ConferenceState = {};
  if (data.conferenceData) out.conferenceData = data.conferenceData;
  if (data.hangoutLink) out.hangoutLink = data.hangoutLink;
  return out;
}
