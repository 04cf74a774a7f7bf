import { z } from 'zod';
import type { ConnectionStatusView, DisconnectSummary } from '../../../modules/connections/index.js';
import { calendarJson } from './calendars.schema.js';

/**
 * The contract of the /integrations/calendar endpoints: validation, response shapes and the
 * OpenAPI document. JSON is snake_case; the services speak camelCase domain types.
 */

const timestamp = z.string().describe('ISO 8601 instant');
const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export const connectQuery = z.strictObject({
  login_hint: z
    .email()
    .max(320)
    .optional()
    .describe("Google account to preselect; defaults to the connected account's or the CRM user's email"),
});

export const connectJson = z
  .object({
    auth_url: z.url().describe("Google's consent page; send the user's browser there"),
    browser_binding: z
      .object({
        cookie: z.string().describe('Name of the cookie'),
        value: z.string().describe('Its value: a one-time secret of this consent'),
        path: z.string().describe('Its path: the OAuth callback'),
        expires_at: timestamp.describe('When the consent link and the cookie expire'),
      })
      .describe(
        'The cookie this answer also sets (HttpOnly, SameSite=Lax): the callback connects only a browser ' +
          'that sends it. A CRM that asks for the consent URL from its server sets it on the browser itself.',
      ),
  })
  .describe('ConnectUrl');

/**
 * What Google appends to the redirect URI (RFC 6749 section 4.1.2). Anything else is let through
 * and ignored: the client must ignore unrecognized response parameters, and Google adds some
 * (`authuser`, `prompt`, `hd`, `iss`).
 */
export const callbackQuery = z.looseObject({
  code: z.string().max(4096).optional().describe('Authorization code'),
  state: z.string().max(512).optional().describe('The state value of the consent link'),
  error: z
    .string()
    .max(200)
    .optional()
    .describe('Set instead of code when consent failed, e.g. access_denied'),
  error_description: z.string().max(2000).optional(),
  scope: z.string().max(4096).optional().describe('Granted scopes, space-separated'),
});

/** A synced calendar as the status shows it: the calendar list's fields that say how sync goes. */
const statusCalendarJson = calendarJson
  .pick({
    id: true,
    google_calendar_id: true,
    summary: true,
    primary: true,
    selected: true,
    time_zone: true,
    sync_status: true,
    last_sync_at: true,
    last_error: true,
    skipped_events: true,
    last_skip_reason: true,
    last_skipped_at: true,
  })
  .describe('SyncedCalendar');

export const statusJson = z
  .object({
    connected: z.boolean().describe('True when the connection is active'),
    status: z.enum(['active', 'reauth_required', 'disconnected']),
    connection_id: z.guid().nullable(),
    google_email: z.string().nullable(),
    connected_at: timestamp.nullable(),
    scopes: z.array(z.string()),
    last_sync_at: timestamp.nullable(),
    last_error: z.string().nullable().describe('Why the last connect, refresh or sync failed'),
    calendars: z.array(statusCalendarJson),
  })
  .describe('CalendarConnectionStatus');

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

export const disconnectQuery = z.strictObject({
  purge: booleanFlag.optional().describe('Also delete the synced calendars and events (default false)'),
});

export const disconnectJson = z
  .object({
    disconnected: z.boolean().describe('False when there was no connection'),
    status: z.literal('disconnected'),
    channels_stopped: z.number().int(),
    channel_errors: z.array(z.string()),
    token_revoked: z.boolean(),
    revoke_error: z
      .string()
      .nullable()
      .describe('Why revocation at Google failed; local tokens are deleted anyway'),
    purged: z.boolean(),
    calendars_deleted: z.number().int(),
    events_deleted: z.number().int(),
  })
  .describe('DisconnectSummary');

export function toStatusJson(view: ConnectionStatusView): z.output<typeof statusJson> {
  return {
    connected: view.connected,
    status: view.status,
    connection_id: view.connectionId,
    google_email: view.googleEmail,
    connected_at: iso(view.connectedAt),
    scopes: view.scopes,
    last_sync_at: iso(view.lastSyncAt),
    last_error: view.lastError,
    calendars: view.calendars.map((c) => ({
      id: c.id,
      google_calendar_id: c.googleCalendarId,
      summary: c.summary,
      primary: c.primary,
      selected: c.selected,
      time_zone: c.timeZone,
      sync_status: c.syncStatus,
      last_sync_at: iso(c.lastSyncAt),
      last_error: c.lastError,
      skipped_events: c.skippedEvents,
      last_skip_reason: c.lastSkipReason,
      last_skipped_at: iso(c.lastSkippedAt),
    })),
  };
}

export function toDisconnectJson(summary: DisconnectSummary): z.output<typeof disconnectJson> {
  return {
    disconnected: summary.disconnected,
    status: 'disconnected',
    channels_stopped: summary.channelsStopped,
    channel_errors: summary.channelErrors,
    token_revoked: summary.tokenRevoked,
    revoke_error: summary.revokeError,
    purged: summary.purged,
    calendars_deleted: summary.calendarsDeleted,
    events_deleted: summary.eventsDeleted,
  };
}
