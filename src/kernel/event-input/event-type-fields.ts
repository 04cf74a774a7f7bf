import type { EventType } from '../values.js';
import { EventInputError } from './timing.js';
import type { UpdateEventInput } from './event-input.js';

/**
 * What a CRM change may touch on Google's special calendar items, by body field. They are not
 * meetings (src/kernel/event-types.ts): no guests, conference or CRM link, and each keeps what
 * Google fixes for its type (https://developers.google.com/workspace/calendar/api/guides/event-types):
 * out-of-office and focus time stay timed and busy, a working location stays public and free,
 * a birthday keeps its yearly date, an event from Gmail keeps what Gmail wrote.
 * `send_updates` and `scope` are options of the request, allowed on every type.
 */
export const EDITABLE_FIELDS: Readonly<Record<Exclude<EventType, 'default'>, readonly string[]>> = {
  outOfOffice: ['title', 'start', 'end', 'time_zone', 'visibility', 'reminders'],
  focusTime: ['title', 'description', 'start', 'end', 'time_zone', 'visibility', 'reminders'],
  workingLocation: ['title', 'start', 'end', 'all_day', 'time_zone'],
  birthday: ['title', 'reminders'],
  fromGmail: ['visibility', 'transparency', 'reminders'],
};

/** The body fields a change sets, by their API names. */
const CHANGE_FIELDS: Record<keyof UpdateEventInput['changes'], string> = {
  title: 'title',
  description: 'description',
  location: 'location',
  attendees: 'attendees',
  reminders: 'reminders',
  recurrence: 'recurrence',
  conference: 'conference',
  entity: 'entity_type',
  visibility: 'visibility',
  transparency: 'transparency',
  guestsCanModify: 'guests_can_modify',
  guestsCanInviteOthers: 'guests_can_invite_others',
  guestsCanSeeOtherGuests: 'guests_can_see_other_guests',
};

const TIMING_FIELDS = { start: 'start', end: 'end', allDay: 'all_day', timeZone: 'time_zone' } as const;

function fieldsOf(input: UpdateEventInput): string[] {
  const changed = (Object.keys(input.changes) as (keyof UpdateEventInput['changes'])[])
    .filter((key) => input.changes[key] !== undefined)
    .map((key) => CHANGE_FIELDS[key]);
  const timing = input.timing ?? {};
  const times = (Object.keys(TIMING_FIELDS) as (keyof typeof TIMING_FIELDS)[])
    .filter((key) => timing[key] !== undefined)
    .map((key) => TIMING_FIELDS[key]);
  return [...changed, ...times];
}

/**
 * Checks an update against the stored event's type: its type cannot change, and a special item
 * takes only the fields of EDITABLE_FIELDS. Throws EventInputError (400) naming the field.
 */
export function checkChangeForEventType(type: EventType, input: UpdateEventInput): void {
  if (input.eventType !== undefined && input.eventType !== type) {
    throw new EventInputError(
      'invalid_event_type',
      'event_type',
      `event_type cannot be changed: this event is ${type} (Google fixes the type when the event is made)`,
    );
  }
  if (type === 'default') return;
  const allowed = EDITABLE_FIELDS[type];
  const refused = fieldsOf(input).find((field) => !allowed.includes(field));
  if (refused === undefined) return;
  throw new EventInputError(
    'unsupported_for_event_type',
    refused,
    `${refused} cannot be changed on ${type} items: they are not meetings ` +
      `(what can change: ${allowed.join(', ')})`,
  );
}
