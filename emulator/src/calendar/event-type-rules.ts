import { googleErrors, type GoogleApiError } from '../errors.js';
import type { CalendarRecord } from '../state/emulator-state.js';
import type { EventData, EventType } from '../state/types.js';
import type { EventInput } from './event-input.js';
import { eventTypeOf, TYPE_PROPERTY, TYPE_PROPERTY_FIELDS } from './event-types.js';

/**
 * What each event type may be, as Google documents it
 * (https://developers.google.com/workspace/calendar/api/guides/event-types, .../calendar-status):
 * - the type is fixed at creation; `fromGmail` events cannot be created through the API;
 * - `outOfOffice` and `focusTime`: primary calendar only, timed (not all-day), opaque, no guests
 *   and no conference; out of office events have no description either (Google answers 400
 *   `malformedOutOfOfficeEvent` for one, though its guide does not say so);
 * - `workingLocation`: primary calendar only, public and transparent, timed or all-day of exactly
 *   one day, no guests and no conference;
 * - `birthday`: all-day of exactly one day, recurring yearly, private and transparent, with only
 *   a summary, colour and reminders besides; later writes may change only those and its dates;
 * - each type carries its own property field and no other type's.
 */
export interface TypeContext {
  calendar: CalendarRecord;
  /** The admin API may create `fromGmail` events and every kind of birthday. */
  trusted: boolean;
  /** The write asks for conference data (conferenceDataVersion=1 with a conferenceData body). */
  conferenceRequested: boolean;
  /** The stored event an update replaces. */
  before?: EventData;
}

const NAMES: Record<EventType, string> = {
  default: 'A default event',
  outOfOffice: 'An out of office event',
  focusTime: 'A focus time event',
  workingLocation: 'A working location event',
  birthday: 'A birthday event',
  fromGmail: 'An event from Gmail',
};

const REASONS: Partial<Record<EventType, string>> = {
  outOfOffice: 'malformedOutOfOfficeEvent',
  focusTime: 'malformedFocusTimeEvent',
  workingLocation: 'malformedWorkingLocationEvent',
};

function malformed(type: EventType, message: string): GoogleApiError {
  const reason = REASONS[type];
  return reason ? googleErrors.calendarError(reason, message) : googleErrors.invalid(message);
}

const DAY_MS = 86_400_000;

function lastsOneDay(input: EventInput): boolean {
  if (!input.start.allDay || !input.start.value.date || !input.end.value.date) return false;
  const days = (Date.parse(input.end.value.date) - Date.parse(input.start.value.date)) / DAY_MS;
  return days === 1;
}

/**
 * Settles the type of a write: keeps the stored type when the body names none, refuses a change
 * of type, fills the values a type implies, and enforces the type's rules. Returns the type.
 */
export function settleEventType(input: EventInput, ctx: TypeContext): EventType {
  const stored = ctx.before ? eventTypeOf(ctx.before) : undefined;
  const type = input.eventType ?? stored ?? 'default';
  if (stored !== undefined && type !== stored) {
    throw googleErrors.calendarError('invalidEventType', 'The type of an event cannot be changed.');
  }
  if (stored === undefined && type === 'fromGmail' && !ctx.trusted) {
    throw googleErrors.calendarError(
      'invalidEventType',
      'Events of type fromGmail cannot be created through the API.',
    );
  }
  input.eventType = type;
  const own = type in TYPE_PROPERTY ? TYPE_PROPERTY[type as keyof typeof TYPE_PROPERTY] : undefined;
  for (const field of TYPE_PROPERTY_FIELDS) {
    if (field !== own && input[field] !== undefined) {
      throw malformed(type, `'${type}' event type must not have ${field}.`);
    }
  }
  // Properties Google keeps when a later write leaves them out.
  if (type === 'birthday' && ctx.before) {
    if (input.birthdayProperties === undefined && ctx.before.birthdayProperties)
      input.birthdayProperties = ctx.before.birthdayProperties;
  }
  switch (type) {
    case 'outOfOffice':
    case 'focusTime':
      checkStatusEvent(input, ctx, type);
      break;
    case 'workingLocation':
      checkWorkingLocation(input, ctx);
      break;
    case 'birthday':
      checkBirthday(input, ctx);
      break;
    default:
      break;
  }
  return type;
}

function requirePrimary(ctx: TypeContext, type: EventType): void {
  if (!ctx.calendar.meta.primary) {
    throw googleErrors.calendarError(
      'eventTypeRestriction',
      `${NAMES[type]} can only be on a primary calendar.`,
    );
  }
}

function noGuests(input: EventInput, ctx: TypeContext, type: EventType): void {
  if (input.attendees && input.attendees.length > 0)
    throw malformed(type, `${NAMES[type]} cannot have attendees.`);
  if (ctx.conferenceRequested) throw malformed(type, `${NAMES[type]} cannot have conference data.`);
}

function checkStatusEvent(input: EventInput, ctx: TypeContext, type: 'outOfOffice' | 'focusTime'): void {
  requirePrimary(ctx, type);
  const field = TYPE_PROPERTY[type];
  if (input[field] === undefined) throw malformed(type, `${NAMES[type]} must have ${field}.`);
  if (input.start.allDay) throw malformed(type, `${NAMES[type]} cannot be an all-day event.`);
  if (input.transparency === 'transparent') throw malformed(type, `${NAMES[type]} must be opaque.`);
  noGuests(input, ctx, type);
  if (type === 'outOfOffice' && input.description !== undefined && input.description !== '') {
    throw malformed(type, 'An out of office event cannot have a description.');
  }
}

function checkWorkingLocation(input: EventInput, ctx: TypeContext): void {
  const type = 'workingLocation';
  requirePrimary(ctx, type);
  if (!input.workingLocationProperties) {
    throw malformed(type, 'A working location event must have workingLocationProperties.');
  }
  input.visibility ??= 'public';
  input.transparency ??= 'transparent';
  if (input.visibility !== 'public') throw malformed(type, 'A working location event must be public.');
  if (input.transparency !== 'transparent')
    throw malformed(type, 'A working location event must be transparent.');
  if (input.start.allDay && !lastsOneDay(input)) {
    throw malformed(type, 'An all-day working location event must be exactly one day long.');
  }
  noGuests(input, ctx, type);
}

/** Fields a birthday may have besides its dates, recurrence, visibility and transparency. */
const BIRTHDAY_FORBIDDEN = [
  'description',
  'location',
  'attendees',
  'extendedProperties',
  'source',
  'endTimeUnspecified',
  'anyoneCanAddSelf',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
  'privateCopy',
] as const satisfies ReadonlyArray<keyof EventInput>;

const FIELD_WORDS: Partial<Record<string, string>> = {
  extendedProperties: 'extended properties',
  conferenceData: 'conference data',
};

function checkBirthday(input: EventInput, ctx: TypeContext): void {
  const fail = (message: string): never => {
    throw googleErrors.invalid(message);
  };
  for (const field of BIRTHDAY_FORBIDDEN) {
    const value = input[field];
    const empty = value === undefined || (Array.isArray(value) && value.length === 0);
    if (!empty) fail(`'birthday' event type must not have ${FIELD_WORDS[field] ?? field}.`);
  }
  if (ctx.conferenceRequested) fail(`'birthday' event type must not have conference data.`);
  if (!lastsOneDay(input)) fail('A birthday event must be an all-day event of exactly one day.');
  const leapDay = input.start.value.date?.endsWith('-02-29') === true;
  const rule = leapDay ? 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1' : 'RRULE:FREQ=YEARLY';
  const lines = (input.recurrence ?? []).map((l) => l.toUpperCase());
  const occurrence = ctx.before?.recurringEventId !== undefined;
  if (!occurrence && (lines.length !== 1 || lines[0] !== rule)) {
    fail(`A birthday event must recur every year: recurrence ["${rule}"].`);
  }
  input.visibility ??= 'private';
  input.transparency ??= 'transparent';
  if (input.visibility !== 'private') fail('A birthday event must be private.');
  if (input.transparency !== 'transparent') fail('A birthday event must be transparent.');
  input.birthdayProperties ??= { type: 'birthday' };
}

/** Fields of a stored event that no update compares (computed or kept by the emulator). */
const UNCOMPARED = new Set<string>([
  'creator',
  'organizer',
  'iCalUID',
  'sequence',
  'recurringEventId',
  'originalStartTime',
  'locked',
  'eventType',
]);

/** What a later write may change on birthdays and events from Gmail; other types are free. */
const CHANGEABLE: Partial<Record<EventType, { fields: ReadonlySet<string>; message: string }>> = {
  birthday: {
    fields: new Set(['summary', 'colorId', 'reminders', 'start', 'end']),
    message: 'Only the summary, colour, reminders and dates of a birthday event can be changed.',
  },
  fromGmail: {
    fields: new Set(['colorId', 'reminders', 'visibility', 'transparency', 'status', 'extendedProperties']),
    message:
      'Only the colour, reminders, visibility, transparency, status and extended properties of an event from Gmail can be changed.',
  },
};

/** Refuses an update that changes what its type keeps fixed. */
export function checkTypedUpdate(before: EventData, after: EventData): void {
  const type = eventTypeOf(before);
  const rule = CHANGEABLE[type];
  if (!rule) return;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (UNCOMPARED.has(key) || rule.fields.has(key)) continue;
    const a = JSON.stringify((before as unknown as Record<string, unknown>)[key] ?? null);
    const b = JSON.stringify((after as unknown as Record<string, unknown>)[key] ?? null);
    if (a !== b) throw googleErrors.invalid(rule.message);
  }
  // A birthday linked to a contact follows the contact: its dates and title come from there.
  if (type === 'birthday' && before.birthdayProperties?.contact !== undefined) {
    for (const key of ['summary', 'start', 'end'] as const) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
        throw googleErrors.invalid(
          'The summary and dates of a birthday linked to a contact are changed through the contact.',
        );
      }
    }
  }
}
