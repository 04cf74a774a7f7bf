import { z } from 'zod';
import { eventItemJson } from '../../../modules/events/index.js';
import { DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE } from '../../../modules/events-read/index.js';
import { EVENT_TYPES, type EventType } from '../../../kernel/values.js';

/** The contract of GET /calendar/events and GET /calendar/events/{id}. */

/** `event_type`, repeated (`?event_type=a&event_type=b`) or comma-separated (`?event_type=a,b`). */
const eventTypeFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((value, ctx) => {
    const names = (Array.isArray(value) ? value : [value])
      .flatMap((item) => item.split(','))
      .map((name) => name.trim());
    const unknown = names.filter((name) => !EVENT_TYPES.some((type) => type === name));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown event type ${unknown.map((name) => `'${name}'`).join(', ')} (event types: ${EVENT_TYPES.join(', ')})`,
      });
      return z.NEVER;
    }
    return [...new Set(names)] as EventType[];
  })
  .describe(
    `Only events of these types (${EVENT_TYPES.join(', ')}); repeat the parameter or separate types with commas`,
  );

export const eventListQuery = z.strictObject({
  start_date: z
    .string()
    .max(64)
    .optional()
    .describe(
      'Events ending after this: a date (YYYY-MM-DD, from the start of that day in time_zone) or an ISO 8601 ' +
        'date-time (with an offset, or wall time in time_zone)',
    ),
  end_date: z
    .string()
    .max(64)
    .optional()
    .describe(
      'Events starting before this: a date (that whole day is included) or an ISO 8601 date-time (exclusive)',
    ),
  time_zone: z
    .string()
    .max(64)
    .optional()
    .describe('IANA zone that reads dates and wall times and orders all-day events (default UTC)'),
  entity_type: z
    .enum(['contact', 'company', 'deal'])
    .optional()
    .describe('Only events linked to this kind of record'),
  entity_id: z.guid().optional().describe('Only events linked to this record'),
  calendar_id: z.guid().optional().describe('Only this calendar (see GET /calendar/calendars)'),
  event_type: eventTypeFilter.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Text in the title, description, location or an attendee's email (case-insensitive)"),
  cursor: z.string().max(4096).optional().describe('next_cursor of the previous page'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_EVENT_PAGE)
    .default(DEFAULT_EVENT_PAGE)
    .describe(`Items per page (default ${DEFAULT_EVENT_PAGE}, at most ${MAX_EVENT_PAGE})`),
});

export const eventIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(1200)
    .describe(
      'Event id (uuid), or `<series id>:<occurrence Google id>` for an occurrence of a recurring series',
    ),
});

export const eventPageJson = z
  .object({
    items: z.array(eventItemJson),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  })
  .describe('CalendarEventPage');
