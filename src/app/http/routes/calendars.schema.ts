import { z } from 'zod';
import type { CalendarRow } from '../../../modules/calendars/index.js';
import type { CalendarSyncResult } from '../../../modules/pull/index.js';

/** The contract of /calendar/calendars and POST /calendar/sync. JSON is snake_case. */

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export const calendarListQuery = z.strictObject({
  refresh: z
    .enum(['true', 'false'])
    .optional()
    .describe('Read the calendar list from Google again (default false)'),
});

export const calendarIdParams = z.object({ id: z.guid().describe('CRM calendar id') });

export const calendarJson = z
  .object({
    id: z.guid(),
    google_calendar_id: z.string(),
    summary: z.string().nullable(),
    primary: z.boolean(),
    selected: z.boolean().describe('Whether the calendar syncs into the CRM'),
    time_zone: z.string().nullable(),
    background_color: z
      .string()
      .nullable()
      .describe("Google's colour of the calendar (`#rrggbb`), as the user chose it in Google; null: none"),
    foreground_color: z.string().nullable().describe('The text colour Google pairs with it'),
    access_role: z.string().nullable().describe("The user's access in Google (owner, writer, reader...)"),
    sync_status: z.enum(['idle', 'syncing', 'error']),
    last_sync_at: z.string().nullable(),
    last_full_sync_at: z.string().nullable(),
    last_error: z.string().nullable(),
    push_channel_expires_at: z
      .string()
      .nullable()
      .describe('When the push channel lapses (it is renewed a day before)'),
    push_off_reason: z
      .string()
      .nullable()
      .describe(
        'Set when push notifications are off for the service (real Google and a PUBLIC_URL that is not https): why, and that the scheduled pull syncs the calendar instead',
      ),
    skipped_events: z
      .number()
      .int()
      .describe(
        'Events Google sent that the CRM cannot store: set aside, while the rest of the calendar syncs',
      ),
    last_skip_reason: z.string().nullable().describe('Why the most recently skipped of them was skipped'),
    last_skipped_at: z.string().nullable(),
  })
  .describe('Calendar');

export const calendarListJson = z.object({ items: z.array(calendarJson) }).describe('CalendarList');

export const selectBody = z.strictObject({
  selected: z
    .boolean()
    .describe('true: sync this calendar; false: stop syncing it and remove its events from the CRM'),
});

export const selectionJson = calendarJson
  .extend({
    events_deleted: z.number().int().describe('Events removed from the CRM (deselect)'),
    pull_queued: z.boolean().describe('A pull of the calendar was queued (select)'),
  })
  .describe('CalendarSelection');

/** The calendar's JSON; `pushOffReason` is PushChannelService.status.reason (null while push is on). */
export function toCalendarJson(
  row: CalendarRow,
  pushOffReason: string | null = null,
): z.output<typeof calendarJson> {
  return {
    id: row.id,
    google_calendar_id: row.google_calendar_id,
    summary: row.summary,
    primary: row.is_primary,
    selected: row.selected,
    time_zone: row.time_zone,
    background_color: row.background_color,
    foreground_color: row.foreground_color,
    access_role: row.access_role,
    sync_status: row.sync_status,
    last_sync_at: iso(row.last_sync_at),
    last_full_sync_at: iso(row.last_full_sync_at),
    last_error: row.last_error,
    push_channel_expires_at: iso(row.channel_expires_at),
    push_off_reason: pushOffReason,
    skipped_events: row.skipped_events,
    last_skip_reason: row.last_skip_reason,
    last_skipped_at: iso(row.last_skipped_at),
  };
}

export const syncBody = z
  .strictObject({
    calendar_id: z.guid().optional().describe('Pull only this calendar (default: every selected calendar)'),
    full: z
      .boolean()
      .optional()
      .describe(
        'List the calendars in full and reconcile deletions, instead of fetching changes since the last pull',
      ),
  })
  .optional();

export const syncResultJson = z
  .object({
    calendars: z.array(
      z.object({
        calendar_id: z.guid(),
        status: z
          .enum(['pulled', 'running', 'skipped', 'failed'])
          .describe('running: another pull of this calendar was still running; it will pick the changes up'),
        created: z.number().int(),
        updated: z.number().int(),
        deleted: z.number().int(),
        skipped: z.number().int().describe('Events that could not be read (logged)'),
        fetched: z.number().int().describe('Events Google returned'),
        full_sync: z.boolean(),
        error: z.string().nullable(),
      }),
    ),
    created: z.number().int(),
    updated: z.number().int(),
    deleted: z.number().int(),
  })
  .describe('SyncResult');

type CalendarSyncJson = z.output<typeof syncResultJson>['calendars'][number];

export function toCalendarSyncJson(outcome: CalendarSyncResult): CalendarSyncJson {
  return {
    calendar_id: outcome.calendarId,
    status: outcome.status === 'busy' ? 'running' : outcome.status,
    created: outcome.created,
    updated: outcome.updated,
    deleted: outcome.deleted,
    skipped: outcome.skipped,
    fetched: outcome.fetched,
    full_sync: outcome.fullSync,
    error: outcome.reason,
  };
}
