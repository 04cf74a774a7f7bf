import { z } from 'zod';
import { EventMappingError } from './mapping-error.js';

/**
 * The shape of the Event resource fields the mapping reads (Google's reference: calendar-v3
 * discovery, "Event"), checked before mapping so that an event of another shape is skipped with
 * the reason instead of failing its whole page. Unknown fields pass; every field may be absent
 * or null. Limits are the columns' own: ids within Google's 1024 characters (they are indexed),
 * `sequence` a non-negative 32-bit integer.
 */
const text = z.string().nullish();
const flag = z.boolean().nullish();
const id = z.string().max(1024).nullish();
const eventDateTime = z.looseObject({ date: text, dateTime: text, timeZone: text }).nullish();

const eventShape = z.looseObject({
  id,
  recurringEventId: id,
  status: text,
  summary: text,
  description: text,
  location: text,
  iCalUID: text,
  etag: text,
  updated: text,
  htmlLink: text,
  hangoutLink: text,
  eventType: text,
  visibility: text,
  transparency: text,
  sequence: z.number().int().min(0).max(2_147_483_647).nullish(),
  guestsCanModify: flag,
  guestsCanInviteOthers: flag,
  guestsCanSeeOtherGuests: flag,
  start: eventDateTime,
  end: eventDateTime,
  originalStartTime: eventDateTime,
  recurrence: z.array(z.string()).nullish(),
  organizer: z.looseObject({ email: text, self: flag }).nullish(),
  attendees: z
    .array(
      z.looseObject({
        email: text,
        displayName: text,
        optional: flag,
        organizer: flag,
        self: flag,
        responseStatus: text,
      }),
    )
    .nullish(),
  reminders: z
    .looseObject({
      useDefault: flag,
      overrides: z.array(z.looseObject({ method: text, minutes: z.number().nullish() })).nullish(),
    })
    .nullish(),
  conferenceData: z
    .looseObject({
      entryPoints: z.array(z.looseObject({ entryPointType: text, uri: text })).nullish(),
    })
    .nullish(),
  extendedProperties: z
    .looseObject({
      private: z.record(z.string(), z.string()).nullish(),
      shared: z.record(z.string(), z.string()).nullish(),
    })
    .nullish(),
});

/** Throws EventMappingError naming the first field whose shape the mapping cannot read. */
export function checkEventShape(event: unknown): void {
  const result = eventShape.safeParse(event);
  if (result.success) return;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'the event' : issue.path.join('.');
  const rawId = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  const eventId = typeof rawId === 'string' ? rawId.slice(0, 1024) : null;
  throw new EventMappingError(eventId, `unexpected shape of ${where}: ${issue?.message ?? 'invalid'}`);
}
