import { googleErrors } from '../errors.js';
import { isValidEmail, normalizeEmail } from '../state/directory.js';
import type {
  EventAttendee,
  EventDateTime,
  EventReminder,
  EventReminders,
  ExtendedProperties,
  ResponseStatus,
} from '../state/types.js';
import { dateToMillis, isValidTimeZone, parseDate, parseDateTime } from '../time.js';

/** Field-level validators for event bodies; each throws Google's 400 envelope on bad input. */
export type Json = Record<string, unknown>;

export const LIMITS = {
  text: 8192,
  description: 65536,
  attendees: 1000,
  reminderOverrides: 5,
  reminderMinutes: 40320,
  extendedProperties: 300,
  extendedKey: 44,
  extendedValue: 1024,
  recurrenceLines: 100,
} as const;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidField(field: string, expected: string): never {
  throw googleErrors.invalid(`Invalid value for ${field}: expected ${expected}.`);
}

export function optString(body: Json, field: string, max: number = LIMITS.text): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalidField(field, 'a string');
  if (value.length > max)
    throw googleErrors.invalid(`Invalid value for ${field}: longer than ${max} characters.`);
  return value;
}

export function optBoolean(body: Json, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') invalidField(field, 'a boolean');
  return value;
}

export function optEnum<T extends string>(body: Json, field: string, values: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw googleErrors.invalid(`Invalid value for ${field}: ${JSON.stringify(value)?.slice(0, 64)}.`);
  }
  return value as T;
}

export interface ParsedTime {
  value: EventDateTime;
  ms: number;
  allDay: boolean;
}

/**
 * `start` / `end`: `{date}` for all-day or `{dateTime, timeZone?}`; a dateTime without an offset
 * needs a timeZone ("Missing time zone definition for start time.").
 */
export function parseEventTime(raw: unknown, which: 'start' | 'end', calendarZone: string): ParsedTime {
  if (raw === undefined || raw === null) throw googleErrors.required(`Missing ${which} time.`);
  if (!isObject(raw)) invalidField(which, 'an object');
  const date = raw.date ?? undefined;
  const dateTime = raw.dateTime ?? undefined;
  const timeZone = raw.timeZone ?? undefined;
  if (timeZone !== undefined && (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))) {
    throw googleErrors.invalid(`Invalid time zone definition for ${which} time.`);
  }
  if (date !== undefined && dateTime !== undefined) {
    throw googleErrors.invalid(`Invalid ${which} time: specify either date or dateTime, not both.`);
  }
  if (date !== undefined) {
    if (typeof date !== 'string' || !parseDate(date)) throw googleErrors.invalid(`Invalid ${which} time.`);
    const value: EventDateTime = { date };
    if (typeof timeZone === 'string') value.timeZone = timeZone;
    return { value, ms: dateToMillis(date, calendarZone), allDay: true };
  }
  if (dateTime === undefined) throw googleErrors.required(`Missing ${which} time.`);
  if (typeof dateTime !== 'string') throw googleErrors.invalid(`Invalid ${which} time.`);
  const ms = parseDateTime(dateTime, typeof timeZone === 'string' ? timeZone : undefined);
  if (ms === null) {
    if (timeZone === undefined && parseDateTime(dateTime, 'UTC') !== null) {
      throw googleErrors.required(`Missing time zone definition for ${which} time.`);
    }
    throw googleErrors.invalid(`Invalid ${which} time.`);
  }
  const value: EventDateTime = { dateTime: new Date(ms).toISOString().replace('.000Z', 'Z') };
  if (typeof timeZone === 'string') value.timeZone = timeZone;
  return { value, ms, allDay: false };
}

const RESPONSES: readonly ResponseStatus[] = ['needsAction', 'declined', 'tentative', 'accepted'];

export function parseAttendees(raw: unknown, organizerEmail: string): EventAttendee[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) invalidField('attendees', 'an array');
  if (raw.length > LIMITS.attendees) {
    throw googleErrors.calendarError(
      'tooManyAttendees',
      `An event can have at most ${LIMITS.attendees} attendees.`,
    );
  }
  const seen = new Set<string>();
  const out: EventAttendee[] = [];
  for (const item of raw) {
    if (!isObject(item)) invalidField('attendees[]', 'an object');
    const rawEmail = item.email;
    if (rawEmail === undefined || rawEmail === null || rawEmail === '') {
      throw googleErrors.required('Missing attendee email.');
    }
    if (typeof rawEmail !== 'string' || !isValidEmail(normalizeEmail(rawEmail))) {
      throw googleErrors.invalid('Invalid attendee email.');
    }
    const email = normalizeEmail(rawEmail);
    if (seen.has(email)) continue;
    seen.add(email);
    const attendee: EventAttendee = {
      email,
      responseStatus:
        optEnum(item, 'responseStatus', RESPONSES) ?? (email === organizerEmail ? 'accepted' : 'needsAction'),
    };
    const displayName = optString(item, 'displayName', 1024);
    if (displayName !== undefined) attendee.displayName = displayName;
    const optional = optBoolean(item, 'optional');
    if (optional) attendee.optional = true;
    const resource = optBoolean(item, 'resource');
    if (resource) attendee.resource = true;
    const comment = optString(item, 'comment', LIMITS.text);
    if (comment !== undefined) attendee.comment = comment;
    const guests = item.additionalGuests;
    if (guests !== undefined && guests !== null) {
      if (typeof guests !== 'number' || !Number.isInteger(guests) || guests < 0 || guests > 1000) {
        invalidField('attendees[].additionalGuests', 'a non-negative integer');
      }
      if (guests > 0) attendee.additionalGuests = guests;
    }
    out.push(attendee);
  }
  return out;
}

/** Reminder rules and reasons as Google answers them. */
export function parseReminders(raw: unknown): EventReminders {
  if (raw === undefined || raw === null) return { useDefault: true };
  if (!isObject(raw)) invalidField('reminders', 'an object');
  const useDefaultRaw = optBoolean(raw, 'useDefault');
  const overridesRaw = raw.overrides;
  let overrides: EventReminder[] = [];
  if (overridesRaw !== undefined && overridesRaw !== null) {
    if (!Array.isArray(overridesRaw)) invalidField('reminders.overrides', 'an array');
    overrides = overridesRaw.map(parseReminder);
  }
  const useDefault = useDefaultRaw ?? overrides.length === 0;
  if (useDefault && overrides.length > 0) {
    throw googleErrors.calendarError(
      'cannotUseDefaultRemindersAndSpecifyOverride',
      'Cannot specify both default reminders and overrides at the same time.',
    );
  }
  if (overrides.length > LIMITS.reminderOverrides) {
    throw googleErrors.calendarError('tooManyReminders', 'Event being modified contains too many reminders.');
  }
  return useDefault
    ? { useDefault: true }
    : overrides.length
      ? { useDefault: false, overrides }
      : { useDefault: false };
}

function parseReminder(raw: unknown): EventReminder {
  if (!isObject(raw)) invalidField('reminders.overrides[]', 'an object');
  const method = raw.method;
  if (method === undefined || method === null) throw googleErrors.required('Missing reminder method.');
  if (method !== 'email' && method !== 'popup') {
    throw googleErrors.calendarError('invalidReminderMethod', 'Invalid reminder method.');
  }
  const minutes = raw.minutes;
  if (minutes === undefined || minutes === null) throw googleErrors.required('Missing reminder minutes.');
  if (
    typeof minutes !== 'number' ||
    !Number.isInteger(minutes) ||
    minutes < 0 ||
    minutes > LIMITS.reminderMinutes
  ) {
    throw googleErrors.calendarError(
      'invalidReminderMinutes',
      `Invalid reminder minutes value: must be an integer between 0 and ${LIMITS.reminderMinutes}.`,
    );
  }
  return { method, minutes };
}

export function parseExtendedProperties(raw: unknown): ExtendedProperties | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) invalidField('extendedProperties', 'an object');
  const out: ExtendedProperties = {};
  let count = 0;
  for (const scope of ['private', 'shared'] as const) {
    const map = raw[scope];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) invalidField(`extendedProperties.${scope}`, 'an object of strings');
    const clean: Record<string, string> = {};
    for (const [key, value] of Object.entries(map)) {
      if (value === null) continue;
      if (typeof value !== 'string') invalidField(`extendedProperties.${scope}.${key}`, 'a string');
      if (key.length === 0 || key.length > LIMITS.extendedKey || value.length > LIMITS.extendedValue) {
        throw googleErrors.invalid(
          `Invalid extended property ${key.slice(0, 64)}: keys hold 1-${LIMITS.extendedKey} characters, values at most ${LIMITS.extendedValue}.`,
        );
      }
      clean[key] = value;
      count++;
    }
    out[scope] = clean;
  }
  if (count > LIMITS.extendedProperties) {
    throw googleErrors.invalid(`Too many extended properties (at most ${LIMITS.extendedProperties}).`);
  }
  return out;
}
