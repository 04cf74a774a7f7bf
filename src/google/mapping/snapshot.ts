import type { calendar_v3 } from '@googleapis/calendar';
import { z } from 'zod';
import { parseDateTime, isValidDateString, isValidTimeZone } from '../../sync/time.js';

/**
 * The fields of an event that the three-way merge compares, in a normalized, JSON-safe form. The
 * same shape is stored as `events.synced_snapshot` (the base of later merges) and built from the
 * CRM's side (through `snapshotOf(crmEventToGoogle(...))`), so both sides normalize alike.
 * Only fields the CRM can edit take part: a field the CRM never writes could only ever show a
 * spurious "local change".
 */

const responseStatusSchema = z.enum(['needsAction', 'declined', 'tentative', 'accepted']);

/** A start or end: a date for all-day events, or an instant (UTC ISO string) with its zone. */
export const eventTimeSchema = z.union([
  z.object({ date: z.string() }),
  z.object({ dateTime: z.string(), timeZone: z.string().nullable() }),
]);

export const snapshotAttendeeSchema = z.object({
  email: z.string(),
  name: z.string().nullable(),
  optional: z.boolean(),
  responseStatus: responseStatusSchema,
  /** Google's marker of the calendar owner's own entry; not compared. */
  self: z.boolean(),
});

export const snapshotRemindersSchema = z.object({
  useDefault: z.boolean(),
  overrides: z.array(z.object({ method: z.enum(['email', 'popup']), minutes: z.number() })),
});

export const mergeFieldsSchema = z.object({
  summary: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  start: eventTimeSchema.nullable(),
  end: eventTimeSchema.nullable(),
  attendees: z.array(snapshotAttendeeSchema),
  reminders: snapshotRemindersSchema.nullable(),
  recurrence: z.array(z.string()).nullable(),
  /** Whether the event has (or asks for) a Meet conference. */
  conference: z.boolean(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']),
});

export type EventTime = z.infer<typeof eventTimeSchema>;
export type SnapshotAttendee = z.infer<typeof snapshotAttendeeSchema>;
export type SnapshotReminders = z.infer<typeof snapshotRemindersSchema>;
export type MergeFields = z.infer<typeof mergeFieldsSchema>;
export type ResponseStatus = z.infer<typeof responseStatusSchema>;

/** Google omits empty strings; the CRM may send them. Both mean "no value". */
function text(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

export function responseStatusOf(value: string | null | undefined): ResponseStatus {
  const parsed = responseStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : 'needsAction';
}

/**
 * Normalizes one EventDateTime; null when it is absent or unreadable. A `dateTime` without an
 * offset is read in its own `timeZone`, else in `fallbackZone`.
 */
export function eventTimeOf(
  value: calendar_v3.Schema$EventDateTime | null | undefined,
  fallbackZone: string | null,
): EventTime | null {
  if (value === undefined || value === null) return null;
  if (typeof value.date === 'string') return isValidDateString(value.date) ? { date: value.date } : null;
  if (typeof value.dateTime !== 'string') return null;
  const zone = typeof value.timeZone === 'string' && isValidTimeZone(value.timeZone) ? value.timeZone : null;
  const instant = parseDateTime(value.dateTime, zone ?? fallbackZone);
  return instant === null ? null : { dateTime: instant.toISOString(), timeZone: zone };
}

/** The Meet link: Google's `hangoutLink`, else the video entry point of the conference. */
export function meetLinkOf(event: calendar_v3.Schema$Event): string | null {
  if (typeof event.hangoutLink === 'string' && event.hangoutLink !== '') return event.hangoutLink;
  const video = event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === 'video');
  return typeof video?.uri === 'string' && video.uri !== '' ? video.uri : null;
}

export function remindersOf(event: calendar_v3.Schema$Event): SnapshotReminders | null {
  const reminders = event.reminders;
  if (reminders === undefined || reminders === null) return null;
  const useDefault = reminders.useDefault === true;
  // With useDefault the calendar's reminders apply and overrides are meaningless.
  const overrides = useDefault
    ? []
    : (reminders.overrides ?? []).flatMap((r): SnapshotReminders['overrides'] => {
        const method = r.method;
        if ((method !== 'email' && method !== 'popup') || typeof r.minutes !== 'number') return [];
        return [{ method, minutes: r.minutes }];
      });
  return { useDefault, overrides };
}

/**
 * The merge view of a Google event. `calendarTimeZone` reads offset-less date-times that carry no
 * zone of their own (Google itself always sends offsets or a zone).
 */
export function snapshotOf(
  event: calendar_v3.Schema$Event,
  options: { calendarTimeZone?: string | null } = {},
): MergeFields {
  const calendarZone = options.calendarTimeZone ?? 'UTC';
  const startZone = event.start?.timeZone ?? null;
  const status = event.status === 'tentative' || event.status === 'cancelled' ? event.status : 'confirmed';
  return {
    summary: text(event.summary),
    description: text(event.description),
    location: text(event.location),
    start: eventTimeOf(event.start, startZone ?? calendarZone),
    end: eventTimeOf(event.end, startZone ?? calendarZone),
    attendees: (event.attendees ?? []).flatMap((a) =>
      typeof a.email === 'string' && a.email !== ''
        ? [
            {
              email: a.email,
              name: text(a.displayName),
              optional: a.optional === true,
              responseStatus: responseStatusOf(a.responseStatus),
              self: a.self === true,
            },
          ]
        : [],
    ),
    reminders: remindersOf(event),
    recurrence:
      event.recurrence !== undefined && event.recurrence !== null && event.recurrence.length > 0
        ? [...event.recurrence]
        : null,
    conference:
      meetLinkOf(event) !== null ||
      (event.conferenceData?.entryPoints?.length ?? 0) > 0 ||
      event.conferenceData?.createRequest != null,
    status,
  };
}

/** Reads a stored `synced_snapshot`; null when absent or not in the current shape (no base: see mergeEvent). */
export function parseSnapshot(value: unknown): MergeFields | null {
  const parsed = mergeFieldsSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
