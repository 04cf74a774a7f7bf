import { z } from 'zod';
import {
  EVENT_TYPES,
  TRANSPARENCIES,
  VISIBILITIES,
  type EntityType,
  type EventType,
  type SendUpdates,
  type StoredReminders,
  type Transparency,
  type Visibility,
} from '../values.js';
import { EventInputError } from './timing.js';
import { validateRecurrence, validateRecurrenceInput } from '../recurrence/rules.js';
import { normalizeUntil, type UntilSeries } from '../recurrence/until.js';

/** Checks and normalization of the non-time fields of event bodies (used by event-input.ts). */

/**
 * Most attendees per event. Google documents 500 invitees for a one-time event (groups count as
 * one; https://support.google.com/a/answer/172013); the CRM refuses more before writing anything.
 */
export const MAX_ATTENDEES = 500;
/** Google allows at most 5 reminder overrides, each 0..40320 minutes (4 weeks) before the start. */
const MAX_REMINDER_OVERRIDES = 5;
const MAX_REMINDER_MINUTES = 40_320;
/** The original spec's reminders: an email one day before and a popup 10 minutes before. */
export const DEFAULT_REMINDER_OVERRIDES: StoredReminders['overrides'] = [
  { method: 'email', minutes: 1440 },
  { method: 'popup', minutes: 10 },
];

const ENTITY_TYPES = ['contact', 'company', 'deal'] as const satisfies readonly EntityType[];
const SEND_UPDATES: readonly SendUpdates[] = ['all', 'externalOnly', 'none'];
export const SCOPES = ['this', 'following', 'all'] as const;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type { SendUpdates };
export type UpdateScope = (typeof SCOPES)[number];

export const attendeeBody = z.union([
  z.string(),
  z.strictObject({ email: z.string(), name: z.string().nullish(), optional: z.boolean().optional() }),
]);
const reminderBody = z.strictObject({ method: z.string(), minutes: z.number() });
export const remindersBody = z.union([
  z.array(reminderBody),
  z.strictObject({ use_default: z.boolean().optional(), overrides: z.array(reminderBody).optional() }),
]);

export interface EventAttendeeInput {
  email: string;
  name: string | null;
  optional: boolean;
}

export type EntityLink = { type: EntityType; id: string };

export function optionalText(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export function title(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new EventInputError('missing_field', 'title', 'title must not be empty');
  return trimmed;
}

export function attendees(list: z.infer<typeof attendeeBody>[], max: number): EventAttendeeInput[] {
  const seen = new Map<string, EventAttendeeInput>();
  list.forEach((item, index) => {
    const entry = typeof item === 'string' ? { email: item } : item;
    const email = entry.email.trim();
    if (!z.email().safeParse(email).success) {
      throw new EventInputError(
        'invalid_email',
        `attendees.${index}`,
        `'${entry.email}' is not a valid email address`,
      );
    }
    const key = email.toLowerCase();
    if (!seen.has(key)) {
      seen.set(key, {
        email,
        name: optionalText('name' in entry ? entry.name : null),
        optional: 'optional' in entry && entry.optional === true,
      });
    }
  });
  if (seen.size > max) {
    throw new EventInputError(
      'too_many_attendees',
      'attendees',
      `At most ${max} attendees per event (got ${seen.size})`,
    );
  }
  return [...seen.values()];
}

export function reminders(body: z.infer<typeof remindersBody>): StoredReminders {
  const useDefault = !Array.isArray(body) && body.use_default === true;
  const list = Array.isArray(body) ? body : (body.overrides ?? []);
  if (useDefault && list.length > 0) {
    throw new EventInputError(
      'invalid_reminder',
      'reminders',
      'overrides cannot be combined with use_default: true',
    );
  }
  const overrides: StoredReminders['overrides'] = [];
  list.forEach(({ method, minutes }, index) => {
    if (method !== 'email' && method !== 'popup') {
      throw new EventInputError(
        'invalid_reminder',
        `reminders.${index}.method`,
        `Reminder method must be email or popup, not '${method}'`,
      );
    }
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_REMINDER_MINUTES) {
      throw new EventInputError(
        'invalid_reminder',
        `reminders.${index}.minutes`,
        `Reminder minutes must be an integer from 0 to ${MAX_REMINDER_MINUTES}`,
      );
    }
    if (!overrides.some((o) => o.method === method && o.minutes === minutes))
      overrides.push({ method, minutes });
  });
  if (overrides.length > MAX_REMINDER_OVERRIDES) {
    throw new EventInputError(
      'too_many_reminders',
      'reminders',
      `At most ${MAX_REMINDER_OVERRIDES} reminders per event (got ${overrides.length})`,
    );
  }
  return { use_default: useDefault, overrides };
}

export function recurrence(lines: string[] | null): string[] | null {
  if (lines === null || lines.length === 0) return null;
  // A bare rule ('FREQ=WEEKLY;...') is taken as an RRULE line.
  const normalized = lines.map((line) =>
    /^FREQ=/i.test(line.trim()) ? `RRULE:${line.trim()}` : line.trim(),
  );
  const error = validateRecurrenceInput(normalized);
  if (error !== null) throw new EventInputError('invalid_recurrence', 'recurrence', error);
  return normalized;
}

/**
 * Recurrence lines (checked by `recurrence`) as the series `series` stores and pushes them: every
 * UNTIL in the form RFC 5545 requires for it (src/kernel/recurrence/until.ts), which Google takes.
 */
export function seriesRecurrence(lines: string[] | null, series: UntilSeries): string[] | null {
  if (lines === null) return null;
  const written = normalizeUntil(lines, series);
  const error = validateRecurrence(written);
  if (error !== null) throw new EventInputError('invalid_recurrence', 'recurrence', error);
  return written;
}

export function entity(type: string | null | undefined, id: string | null | undefined): EntityLink | null {
  if ((type ?? null) === null && (id ?? null) === null) return null;
  if (type == null || id == null) {
    throw new EventInputError(
      'invalid_entity',
      type == null ? 'entity_type' : 'entity_id',
      'entity_type and entity_id go together',
    );
  }
  const known = ENTITY_TYPES.find((t) => t === type);
  if (known === undefined) {
    throw new EventInputError(
      'invalid_entity',
      'entity_type',
      `entity_type must be one of ${ENTITY_TYPES.join(', ')}`,
    );
  }
  if (!UUID_RE.test(id)) throw new EventInputError('invalid_entity', 'entity_id', 'entity_id must be a uuid');
  return { type: known, id: id.toLowerCase() };
}

export function sendUpdates(value: string | undefined): SendUpdates {
  if (value === undefined) return 'all';
  const known = SEND_UPDATES.find((v) => v === value);
  if (known === undefined) {
    throw new EventInputError(
      'invalid_send_updates',
      'send_updates',
      `send_updates must be one of ${SEND_UPDATES.join(', ')}`,
    );
  }
  return known;
}

export function visibility(value: string): Visibility {
  const known = VISIBILITIES.find((v) => v === value);
  if (known === undefined) {
    throw new EventInputError(
      'invalid_visibility',
      'visibility',
      `visibility must be one of ${VISIBILITIES.join(', ')}`,
    );
  }
  return known;
}

export function transparency(value: string): Transparency {
  const known = TRANSPARENCIES.find((t) => t === value);
  if (known === undefined) {
    throw new EventInputError(
      'invalid_transparency',
      'transparency',
      `transparency must be opaque (busy) or transparent (free), not '${value}'`,
    );
  }
  return known;
}

/** A known event type named in a body (`event_type`). */
export function eventType(value: string): EventType {
  const known = EVENT_TYPES.find((t) => t === value);
  if (known === undefined) {
    throw new EventInputError(
      'invalid_event_type',
      'event_type',
      `event_type must be one of ${EVENT_TYPES.join(', ')}`,
    );
  }
  return known;
}
