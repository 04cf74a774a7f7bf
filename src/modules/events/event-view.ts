import { descriptionText, sanitizeDescription } from '../../kernel/description-html.js';
import { z } from 'zod';
import type { EventRow } from '../../adapters/db/tables/events.js';
import type { Instance } from '../../kernel/recurrence/recurrence.js';
import { EVENT_TYPES, TRANSPARENCIES, VISIBILITIES } from '../../kernel/values.js';

/**
 * The API shape of a calendar event: what GET /calendar/events (list and one) answer, and what
 * the write endpoints answer with. Field names keep the original spec's (`id`, `title`,
 * `start_time`, `end_time`, `location`, `attendees` with `email`, `name`, `status`) and add the rest.
 * Timed events carry instants (`start_time`/`end_time`, ISO 8601 UTC); all-day events carry dates
 * (`start_date`/`end_date`, end exclusive as in Google) and null instants, so they never shift with
 * the reader's time zone.
 */

const ATTENDEE_STATUS = ['needsAction', 'declined', 'tentative', 'accepted'] as const;

const eventAttendeeJson = z.object({
  email: z.string(),
  name: z.string().nullable(),
  status: z.enum(ATTENDEE_STATUS).describe("The attendee's response"),
  optional: z.boolean(),
  organizer: z.boolean(),
  self: z.boolean().describe('True for the calendar owner'),
});

const eventRemindersJson = z.object({
  use_default: z.boolean().describe("The calendar's default reminders apply"),
  overrides: z.array(z.object({ method: z.enum(['email', 'popup']), minutes: z.number().int() })),
});

export const eventItemJson = z
  .object({
    id: z
      .string()
      .describe(
        'CRM event id (uuid); an occurrence of a recurring series is `<series id>:<occurrence Google id>`',
      ),
    title: z.string().nullable(),
    start_time: z.string().nullable().describe('ISO 8601 instant; null for all-day events'),
    end_time: z.string().nullable().describe('ISO 8601 instant; null for all-day events'),
    all_day: z.boolean(),
    start_date: z.string().nullable().describe('YYYY-MM-DD, all-day events only'),
    end_date: z.string().nullable().describe('YYYY-MM-DD, exclusive, all-day events only'),
    time_zone: z.string().nullable().describe("The event's IANA time zone"),
    description: z
      .string()
      .nullable()
      .describe(
        'HTML as Google keeps it, cleaned: bold, italic, underline, http/https/mailto links, breaks, paragraphs, lists and headings; plain text stays as it is',
      ),
    description_text: z.string().nullable().describe('The description as plain text'),
    location: z.string().nullable(),
    attendees: z.array(eventAttendeeJson),
    organizer_email: z.string().nullable(),
    reminders: eventRemindersJson.nullable(),
    meet_link: z.string().nullable(),
    html_link: z.string().nullable().describe('The event in Google Calendar'),
    recurrence: z.array(z.string()).nullable().describe('RRULE/EXDATE/RDATE lines of a series'),
    recurring_event_id: z.string().nullable().describe('Google id of the series an occurrence belongs to'),
    google_event_id: z.string().nullable(),
    calendar_id: z.string().describe('CRM calendar id (see GET /calendar/calendars)'),
    entity_type: z.enum(['contact', 'company', 'deal']).nullable().describe('Linked CRM record type'),
    entity_id: z.string().nullable().describe('Linked CRM record id'),
    entity_source: z
      .enum(['crm', 'attendee', 'none'])
      .nullable()
      .describe(
        "Where the link comes from: 'crm' (set in the CRM, kept on Google's copy) or 'attendee' (a CRM contact among the attendees: it goes when they do); 'none' with no link when a CRM user unlinked the event (no link is derived from its attendees until it is linked again)",
      ),
    status: z.enum(['confirmed', 'tentative', 'cancelled']),
    event_type: z
      .enum(EVENT_TYPES)
      .describe(
        "Google's kind of item: 'default' (a meeting or any ordinary event), or outOfOffice, focusTime, workingLocation, birthday, fromGmail (never meetings: no activity, no CRM link, no CRM reminders)",
      ),
    visibility: z
      .enum(VISIBILITIES)
      .describe("Who sees the details: 'default' (the calendar's setting), public, private, confidential"),
    transparency: z.enum(TRANSPARENCIES).describe("'opaque': the time shows as busy; 'transparent': as free"),
    guests_can_modify: z.boolean().describe('Guests may change the event'),
    guests_can_invite_others: z.boolean().describe('Guests may invite others'),
    guests_can_see_other_guests: z.boolean().describe('Guests see the guest list'),
    sync_state: z.enum(['synced', 'pending', 'failed']).describe('Whether Google has the CRM copy'),
    sync_error: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('CalendarEvent');

export type EventItem = z.output<typeof eventItemJson>;

/** The columns the view reads (an `events` row fits). */
type EventViewRow = Pick<
  EventRow,
  | 'id'
  | 'calendar_id'
  | 'google_event_id'
  | 'status'
  | 'title'
  | 'description'
  | 'location'
  | 'all_day'
  | 'start_at'
  | 'end_at'
  | 'start_date'
  | 'end_date'
  | 'time_zone'
  | 'recurrence'
  | 'recurring_event_id'
  | 'organizer_email'
  | 'attendees'
  | 'reminders'
  | 'meet_link'
  | 'html_link'
  | 'entity_type'
  | 'entity_id'
  | 'entity_source'
  | 'event_type'
  | 'visibility'
  | 'transparency'
  | 'guests_can_modify'
  | 'guests_can_invite_others'
  | 'guests_can_see_other_guests'
  | 'sync_state'
  | 'sync_error'
  | 'created_at'
  | 'updated_at'
>;

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** One stored event (a single event, a series master, or a modified occurrence) as the API shows it. */
export function toEventItem(row: EventViewRow): EventItem {
  return {
    id: row.id,
    title: row.title,
    start_time: row.all_day ? null : iso(row.start_at),
    end_time: row.all_day ? null : iso(row.end_at),
    all_day: row.all_day,
    start_date: row.all_day ? row.start_date : null,
    end_date: row.all_day ? row.end_date : null,
    time_zone: row.time_zone,
    // Cleaned again on the way out: rows stored before the rule keep what Google sent then.
    description: sanitizeDescription(row.description),
    description_text: descriptionText(row.description),
    location: row.location,
    attendees: (row.attendees ?? []).map((a) => ({
      email: a.email,
      name: a.name ?? null,
      status: a.status,
      optional: a.optional === true,
      organizer: a.organizer === true,
      self: a.self === true,
    })),
    organizer_email: row.organizer_email,
    reminders:
      row.reminders === null
        ? null
        : {
            use_default: row.reminders.use_default,
            overrides: row.reminders.overrides.map((o) => ({ method: o.method, minutes: o.minutes })),
          },
    meet_link: row.meet_link,
    html_link: row.html_link,
    recurrence: row.recurrence,
    recurring_event_id: row.recurring_event_id,
    google_event_id: row.google_event_id,
    calendar_id: row.calendar_id,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    entity_source:
      row.entity_id === null ? (row.entity_source === 'none' ? 'none' : null) : row.entity_source,
    status: row.status,
    event_type: row.event_type,
    visibility: row.visibility,
    transparency: row.transparency,
    guests_can_modify: row.guests_can_modify,
    guests_can_invite_others: row.guests_can_invite_others,
    guests_can_see_other_guests: row.guests_can_see_other_guests,
    sync_state: row.sync_state,
    sync_error: row.sync_error,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The API id of an occurrence of a series: stable whether or not the occurrence was modified. */
export function instanceItemId(masterRowId: string, instanceGoogleId: string): string {
  return `${masterRowId}:${instanceGoogleId}`;
}

/** What an event id of the API names: a stored row, or an occurrence of a stored series. */
type ParsedEventItemId =
  { kind: 'row'; rowId: string } | { kind: 'instance'; masterRowId: string; instanceGoogleId: string };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Occurrence ids: `<series Google id>_<YYYYMMDD>` or `_<YYYYMMDDTHHMMSSZ>` (Google's format). */
const INSTANCE_RE = /^[a-zA-Z0-9_-]{1,1100}$/;

/** Reads an API event id; null when it cannot name anything (the caller answers 404). */
export function parseEventItemId(id: string): ParsedEventItemId | null {
  if (UUID_RE.test(id)) return { kind: 'row', rowId: id.toLowerCase() };
  const colon = id.indexOf(':');
  if (colon !== 36) return null;
  const masterRowId = id.slice(0, colon);
  const instanceGoogleId = id.slice(colon + 1);
  if (!UUID_RE.test(masterRowId) || !INSTANCE_RE.test(instanceGoogleId)) return null;
  return { kind: 'instance', masterRowId: masterRowId.toLowerCase(), instanceGoogleId };
}

/**
 * An occurrence of a series as the API shows it: a modified occurrence shows its own stored row,
 * a plain one the series' fields at the occurrence's times. Both carry the occurrence id.
 */
export function toInstanceItem(
  master: EventViewRow,
  instance: Instance<EventViewRow & OriginalStart>,
): EventItem {
  const id = instanceItemId(master.id, instance.id);
  const source = instance.exception ?? master;
  return {
    ...toEventItem(source),
    id,
    start_time: instance.allDay ? null : iso(instance.startAt),
    end_time: instance.allDay ? null : iso(instance.endAt),
    all_day: instance.allDay,
    start_date: instance.allDay ? instance.startDate : null,
    end_date: instance.allDay ? instance.endDate : null,
    recurrence: null,
    recurring_event_id: instance.recurringEventId,
    google_event_id: instance.id,
  };
}

/** The columns expansion needs from an exception row, besides the view's. */
type OriginalStart = Pick<EventRow, 'original_start_at' | 'original_start_date'>;
