import { sanitizeDescription } from '../description-html.js';
import { z } from 'zod';
import type { EventType, StoredReminders, Transparency, Visibility } from '../values.js';
import {
  DEFAULT_REMINDER_OVERRIDES,
  MAX_ATTENDEES,
  SCOPES,
  attendeeBody,
  attendees,
  entity,
  eventType,
  optionalText,
  recurrence,
  reminders,
  remindersBody,
  sendUpdates,
  seriesRecurrence,
  title,
  transparency,
  visibility,
  type EntityLink,
  type EventAttendeeInput,
  type SendUpdates,
  type UpdateScope,
} from './fields.js';
import { EventInputError, parseBounds, resolveTiming, type EventTiming, type TimingPatch } from './timing.js';
import { isValidTimeZone } from '../time.js';
import { untilAsDates } from '../recurrence/until.js';

export { EventInputError, type EventTiming } from './timing.js';
export {
  MAX_ATTENDEES,
  type EntityLink,
  type EventAttendeeInput,
  type SendUpdates,
  type UpdateScope,
} from './fields.js';

/**
 * Bodies of `POST /calendar/events` and `PATCH /calendar/events/{id}`: the zod schemas check the
 * shape (and feed the OpenAPI page); parseCreateEventInput / parseUpdateEventInput check meaning and
 * normalize, throwing EventInputError with a stable code the HTTP layer maps to 400.
 */

const fieldsShape = {
  title: z.string().optional(),
  /** ISO 8601: with an offset or Z an instant; without, wall-clock time in `time_zone`; a date for all-day. */
  start: z.string().optional(),
  end: z.string().optional(),
  /** The original spec's names for `start` and `end`. */
  start_time: z.string().optional(),
  end_time: z.string().optional(),
  all_day: z.boolean().optional(),
  time_zone: z.string().optional(),
  description: z.string().nullish(),
  location: z.string().nullish(),
  attendees: z.array(attendeeBody).optional(),
  reminders: remindersBody.optional(),
  recurrence: z.array(z.string()).nullish(),
  conference: z.boolean().optional(),
  send_updates: z.string().optional(),
  entity_type: z.string().nullish(),
  entity_id: z.string().nullish(),
  visibility: z
    .string()
    .optional()
    .describe("default (the calendar's setting), public, private or confidential"),
  transparency: z.string().optional().describe('opaque (busy, the default) or transparent (free)'),
  guests_can_modify: z.boolean().optional().describe('Guests may change the event (default false)'),
  guests_can_invite_others: z.boolean().optional().describe('Guests may invite others (default true)'),
  guests_can_see_other_guests: z.boolean().optional().describe('Guests see the guest list (default true)'),
  event_type: z
    .string()
    .optional()
    .describe("Only 'default': the CRM schedules meetings; other kinds are made in Google Calendar"),
};

export const createEventBodySchema = z.strictObject({ ...fieldsShape, calendar_id: z.string().optional() });
export const updateEventBodySchema = z.strictObject({ ...fieldsShape, scope: z.string().optional() });
type CreateEventBody = z.infer<typeof createEventBodySchema>;
type UpdateEventBody = z.infer<typeof updateEventBodySchema>;

/** An event as the CRM writes it, normalized. */
export interface EventFields extends EventTiming {
  title: string;
  description: string | null;
  location: string | null;
  attendees: EventAttendeeInput[];
  reminders: StoredReminders;
  recurrence: string[] | null;
  conference: boolean;
  entity: EntityLink | null;
  visibility: Visibility;
  transparency: Transparency;
  guestsCanModify: boolean;
  guestsCanInviteOthers: boolean;
  guestsCanSeeOtherGuests: boolean;
}

interface CreateEventInput extends EventFields {
  /** 'primary' unless the caller named a calendar. */
  calendarId: string;
  sendUpdates: SendUpdates;
}

export interface UpdateEventInput {
  /** Only the fields the body set (description: null clears it, entity: null unlinks). */
  changes: Partial<Omit<EventFields, keyof EventTiming>>;
  /** Time changes, resolved against the stored event by applyEventPatch; null when none. */
  timing: TimingPatch | null;
  sendUpdates: SendUpdates;
  /** For recurring events: which instances the change applies to; null when not given. */
  scope: UpdateScope | null;
  /** The `event_type` the body names, if any (it must be the event's own: see checkEditableAs). */
  eventType?: EventType;
}

export interface InputOptions {
  /** Zone for wall-clock times when the body names none: the user's calendar zone (or the event's on update). */
  defaultTimeZone: string;
  /** The user's default reminders (else DEFAULT_REMINDER_OVERRIDES). */
  defaultReminders?: StoredReminders['overrides'];
  /** Overrides MAX_ATTENDEES. */
  maxAttendees?: number;
}

function shape<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EventInputError('invalid_request', null, 'The body must be a JSON object');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  if (issue?.code === 'unrecognized_keys') {
    throw new EventInputError(
      'invalid_request',
      issue.keys[0] ?? null,
      `Unknown field(s): ${issue.keys.join(', ')}`,
    );
  }
  throw new EventInputError(
    'invalid_request',
    path || null,
    `${path || 'body'}: ${issue?.message ?? 'invalid'}`,
  );
}

function timingPatch(body: CreateEventBody | UpdateEventBody, options: InputOptions): TimingPatch | null {
  for (const [name, alias] of [
    ['start', 'start_time'],
    ['end', 'end_time'],
  ] as const) {
    if (body[name] !== undefined && body[alias] !== undefined) {
      throw new EventInputError('invalid_request', alias, `Give either ${name} or ${alias}, not both`);
    }
  }
  if (body.time_zone !== undefined && !isValidTimeZone(body.time_zone)) {
    throw new EventInputError(
      'invalid_time_zone',
      'time_zone',
      `Unknown time zone '${body.time_zone}' (expected an IANA name such as Europe/Berlin)`,
    );
  }
  const zone = body.time_zone ?? options.defaultTimeZone;
  const start = body.start ?? body.start_time;
  const end = body.end ?? body.end_time;
  if (start === undefined && end === undefined && body.all_day === undefined && body.time_zone === undefined)
    return null;
  const patch: TimingPatch = {};
  Object.assign(patch, parseBounds(start, end, zone));
  if (body.all_day !== undefined) patch.allDay = body.all_day;
  if (body.time_zone !== undefined) patch.timeZone = body.time_zone;
  return patch;
}

function checkDefaultZone(options: InputOptions): void {
  if (!isValidTimeZone(options.defaultTimeZone))
    throw new TypeError(`Unknown default time zone '${options.defaultTimeZone}'`);
}

/** Validates and normalizes a create body. Throws EventInputError (code + field) on bad input. */
export function parseCreateEventInput(body: unknown, options: InputOptions): CreateEventInput {
  checkDefaultZone(options);
  const input = shape(createEventBodySchema, body);
  if (input.title === undefined) throw new EventInputError('missing_field', 'title', 'title is required');
  const patch = timingPatch(input, options) ?? {};
  const timing = resolveTiming(null, { ...patch, timeZone: patch.timeZone ?? options.defaultTimeZone });
  const calendarId = input.calendar_id?.trim() ?? 'primary';
  if (calendarId === '')
    throw new EventInputError('invalid_request', 'calendar_id', 'calendar_id must not be empty');
  if (input.event_type !== undefined && eventType(input.event_type) !== 'default') {
    throw new EventInputError(
      'invalid_event_type',
      'event_type',
      `The CRM schedules meetings (event_type 'default'); ${input.event_type} items are made in Google Calendar`,
    );
  }
  return {
    title: title(input.title),
    ...timing,
    description: sanitizeDescription(optionalText(input.description)),
    location: optionalText(input.location),
    attendees: attendees(input.attendees ?? [], options.maxAttendees ?? MAX_ATTENDEES),
    reminders:
      input.reminders === undefined
        ? { use_default: false, overrides: [...(options.defaultReminders ?? DEFAULT_REMINDER_OVERRIDES)] }
        : reminders(input.reminders),
    recurrence: seriesRecurrence(recurrence(input.recurrence ?? null), timing),
    conference: input.conference ?? false,
    entity: entity(input.entity_type, input.entity_id),
    visibility: input.visibility === undefined ? 'default' : visibility(input.visibility),
    transparency: input.transparency === undefined ? 'opaque' : transparency(input.transparency),
    guestsCanModify: input.guests_can_modify ?? false,
    guestsCanInviteOthers: input.guests_can_invite_others ?? true,
    guestsCanSeeOtherGuests: input.guests_can_see_other_guests ?? true,
    calendarId,
    sendUpdates: sendUpdates(input.send_updates),
  };
}

/**
 * Validates and normalizes an update body; `defaultTimeZone` should be the event's own zone.
 * Apply the result to the stored event with applyEventPatch.
 */
export function parseUpdateEventInput(body: unknown, options: InputOptions): UpdateEventInput {
  checkDefaultZone(options);
  const input = shape(updateEventBodySchema, body);
  const changes: UpdateEventInput['changes'] = {};
  if (input.title !== undefined) changes.title = title(input.title);
  if (input.description !== undefined)
    changes.description = sanitizeDescription(optionalText(input.description));
  if (input.location !== undefined) changes.location = optionalText(input.location);
  if (input.attendees !== undefined)
    changes.attendees = attendees(input.attendees, options.maxAttendees ?? MAX_ATTENDEES);
  if (input.reminders !== undefined) changes.reminders = reminders(input.reminders);
  if (input.recurrence !== undefined) changes.recurrence = recurrence(input.recurrence);
  if (input.conference !== undefined) changes.conference = input.conference;
  if (input.entity_type !== undefined || input.entity_id !== undefined) {
    changes.entity = entity(input.entity_type, input.entity_id);
  }
  if (input.visibility !== undefined) changes.visibility = visibility(input.visibility);
  if (input.transparency !== undefined) changes.transparency = transparency(input.transparency);
  if (input.guests_can_modify !== undefined) changes.guestsCanModify = input.guests_can_modify;
  if (input.guests_can_invite_others !== undefined)
    changes.guestsCanInviteOthers = input.guests_can_invite_others;
  if (input.guests_can_see_other_guests !== undefined)
    changes.guestsCanSeeOtherGuests = input.guests_can_see_other_guests;
  const scope = input.scope === undefined ? null : (SCOPES.find((s) => s === input.scope) ?? null);
  if (input.scope !== undefined && scope === null) {
    throw new EventInputError('invalid_scope', 'scope', `scope must be one of ${SCOPES.join(', ')}`);
  }
  return {
    changes,
    timing: timingPatch(input, options),
    sendUpdates: sendUpdates(input.send_updates),
    scope,
    ...(input.event_type === undefined ? {} : { eventType: eventType(input.event_type) }),
  };
}

/** The event after an update: changed fields replaced, times resolved (moving the start keeps the duration). */
export function applyEventPatch(current: EventFields, patch: UpdateEventInput): EventFields {
  const timing = patch.timing === null ? {} : resolveTiming(current, patch.timing);
  const next = withSeriesRecurrence({ ...current, ...patch.changes, ...timing }, patch);
  // A timed series made all-day keeps its days: its UTC UNTIL becomes the last date it allowed.
  if (
    patch.changes.recurrence === undefined &&
    next.recurrence !== null &&
    next.allDay &&
    !current.allDay &&
    current.startAt !== null
  ) {
    return {
      ...next,
      recurrence: untilAsDates(next.recurrence, { startAt: current.startAt, timeZone: current.timeZone }),
    };
  }
  return next;
}

/**
 * The event with the recurrence lines a change gave written as the series stores them (its UNTIL
 * in UTC, read in the event's zone: see seriesRecurrence); lines the change did not give stay.
 */
export function withSeriesRecurrence(
  next: EventFields,
  patch: Pick<UpdateEventInput, 'changes'>,
): EventFields {
  if (patch.changes.recurrence === undefined) return next;
  return { ...next, recurrence: seriesRecurrence(next.recurrence, next) };
}
