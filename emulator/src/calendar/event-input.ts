import { googleErrors } from '../errors.js';
import { isValidEventId } from '../ids.js';
import type {
  EventAttendee,
  EventData,
  EventReminders,
  EventSource,
  EventStatus,
  ExtendedProperties,
} from '../state/types.js';
import {
  LIMITS,
  isObject,
  optBoolean,
  optEnum,
  optString,
  parseAttendees,
  parseEventTime,
  parseExtendedProperties,
  parseReminders,
  type Json,
  type ParsedTime,
} from './event-input-parts.js';
import { parseEventTypeFields, type EventTypeInput } from './event-types.js';
import { validateRecurrence } from './recurrence-parse.js';

/**
 * A validated event body. Only fields of the discovery `Event` schema survive; read-only ones
 * (kind, etag, htmlLink, created, updated, creator, organizer) are ignored like Google does.
 */
export interface EventInput extends EventTypeInput {
  id?: string;
  iCalUID?: string;
  status?: EventStatus;
  summary?: string;
  description?: string;
  location?: string;
  colorId?: string;
  start: ParsedTime;
  end: ParsedTime;
  endTimeUnspecified?: boolean;
  recurrence?: string[];
  transparency?: 'opaque' | 'transparent';
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  sequence?: number;
  attendees?: EventAttendee[];
  extendedProperties?: ExtendedProperties;
  /** Raw conferenceData; interpreted only with conferenceDataVersion=1. */
  conferenceData?: unknown;
  anyoneCanAddSelf?: boolean;
  guestsCanInviteOthers?: boolean;
  guestsCanModify?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  privateCopy?: boolean;
  reminders: EventReminders;
  source?: EventSource;
  /** The writer's attendee list may be partial (a guest who cannot see the others). */
  attendeesOmitted?: boolean;
}

const COLOR_IDS = new Set(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);

function requireObjectBody(body: unknown): Json {
  if (body === undefined) throw googleErrors.required('Required request body is missing.');
  if (!isObject(body)) throw googleErrors.badRequest('The request body must be a JSON object.');
  return body;
}

/**
 * Validates an event body. `trusted` writers (the admin API) may also set what clients cannot:
 * read-only birthday properties.
 */
export function parseEventInput(
  body: unknown,
  calendarZone: string,
  organizerEmail: string,
  trusted = false,
): EventInput {
  const raw = requireObjectBody(body);
  const start = parseEventTime(raw.start, 'start', calendarZone);
  const end = parseEventTime(raw.end, 'end', calendarZone);
  if (start.allDay !== end.allDay) {
    throw googleErrors.invalid('Start and end times must either both be date or both be dateTime.');
  }
  if (end.ms < start.ms || (start.allDay && end.ms === start.ms)) throw googleErrors.timeRangeEmpty('end');

  const input: EventInput = { start, end, reminders: parseReminders(raw.reminders) };
  const id = raw.id;
  if (id !== undefined && id !== null) {
    if (typeof id !== 'string' || !isValidEventId(id)) {
      throw googleErrors.invalid('Invalid resource id value.');
    }
    input.id = id;
  }
  const iCalUID = optString(raw, 'iCalUID', 1024);
  if (iCalUID) input.iCalUID = iCalUID;
  const status = optEnum<EventStatus>(raw, 'status', ['confirmed', 'tentative', 'cancelled']);
  if (status) input.status = status;
  assign(input, 'summary', optString(raw, 'summary'));
  assign(input, 'description', optString(raw, 'description', LIMITS.description));
  assign(input, 'location', optString(raw, 'location'));
  const colorId = optString(raw, 'colorId', 8);
  if (colorId !== undefined) {
    if (!COLOR_IDS.has(colorId)) throw googleErrors.invalid('Invalid color id value.');
    input.colorId = colorId;
  }
  assign(input, 'endTimeUnspecified', optBoolean(raw, 'endTimeUnspecified'));
  if (raw.recurrence !== undefined && raw.recurrence !== null) {
    const zone = start.value.timeZone;
    if (!start.allDay && !zone) throw googleErrors.required('Missing time zone definition for start time.');
    if (zone && !end.value.timeZone) end.value.timeZone = zone;
    const lines = validateRecurrence(raw.recurrence, zone ?? calendarZone);
    if (lines.length > 0) input.recurrence = lines;
  }
  assign(input, 'transparency', optEnum(raw, 'transparency', ['opaque', 'transparent'] as const));
  assign(
    input,
    'visibility',
    optEnum(raw, 'visibility', ['default', 'public', 'private', 'confidential'] as const),
  );
  const sequence = raw.sequence;
  if (sequence !== undefined && sequence !== null) {
    if (
      typeof sequence !== 'number' ||
      !Number.isInteger(sequence) ||
      sequence < 0 ||
      sequence > 2 ** 31 - 1
    ) {
      throw googleErrors.invalid('Invalid sequence value.');
    }
    input.sequence = sequence;
  }
  assign(input, 'attendees', parseAttendees(raw.attendees, organizerEmail));
  assign(input, 'extendedProperties', parseExtendedProperties(raw.extendedProperties));
  if (raw.conferenceData !== undefined && raw.conferenceData !== null)
    input.conferenceData = raw.conferenceData;
  for (const flag of [
    'anyoneCanAddSelf',
    'guestsCanInviteOthers',
    'guestsCanModify',
    'guestsCanSeeOtherGuests',
    'privateCopy',
  ] as const) {
    assign(input, flag, optBoolean(raw, flag));
  }
  if (raw.source !== undefined && raw.source !== null) {
    if (!isObject(raw.source)) throw googleErrors.invalid('Invalid value for source: expected an object.');
    const source: EventSource = {};
    assign(source, 'title', optString(raw.source, 'title', 1024));
    const url = optString(raw.source, 'url', 2048);
    if (url !== undefined) {
      if (!/^https?:\/\//i.test(url)) throw googleErrors.invalid('Invalid source URL: use http or https.');
      source.url = url;
    }
    input.source = source;
  }
  assign(input, 'attendeesOmitted', optBoolean(raw, 'attendeesOmitted'));
  return Object.assign(input, parseEventTypeFields(raw, trusted));
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** Fields that only the organizer may change, compared when an attendee writes their copy. */
export const SHARED_FIELDS: ReadonlyArray<keyof EventData> = [
  'status',
  'summary',
  'description',
  'location',
  'start',
  'end',
  'endTimeUnspecified',
  'recurrence',
  'visibility',
  'anyoneCanAddSelf',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
  'privateCopy',
  'source',
];

/**
 * Patch semantics: objects merge recursively, arrays and scalars replace, `null` clears.
 * `start` / `end` switch kind as a whole (a `dateTime` replaces a `date` and vice versa).
 */
export function mergePatch(current: Json, patch: Json): Json {
  const out: Json = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const existing = out[key];
    if ((key === 'start' || key === 'end') && isObject(value) && isObject(existing)) {
      const merged: Json = { ...existing, ...value };
      if ('dateTime' in value && value.dateTime !== null) delete merged.date;
      if ('date' in value && value.date !== null) {
        delete merged.dateTime;
      }
      for (const [k, v] of Object.entries(value)) if (v === null) delete merged[k];
      out[key] = merged;
    } else if (isObject(value) && isObject(existing)) {
      out[key] = mergePatch(existing, value);
    } else {
      out[key] = value;
    }
  }
  return out;
}
