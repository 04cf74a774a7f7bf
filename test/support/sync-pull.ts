import type { calendar_v3 } from '@googleapis/calendar';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { calendarJson } from '../../src/app/http/routes/calendars.schema.js';
import type { TestApp } from './harness.js';
import { authHeader, connectCalendar, emulatorAdmin } from './oauth-flow.js';
import { waitFor } from './wait-for.js';

/** Helpers of the pull-sync tests: acting in Google as the user, and reading the CRM's view. */

export interface EventItemJson {
  id: string;
  title: string | null;
  start_time: string | null;
  end_time: string | null;
  all_day: boolean;
  start_date: string | null;
  end_date: string | null;
  time_zone: string | null;
  description: string | null;
  location: string | null;
  attendees: {
    email: string;
    name: string | null;
    status: string;
    optional: boolean;
    organizer: boolean;
    self: boolean;
  }[];
  organizer_email: string | null;
  reminders: { use_default: boolean; overrides: { method: string; minutes: number }[] } | null;
  meet_link: string | null;
  html_link: string | null;
  recurrence: string[] | null;
  recurring_event_id: string | null;
  google_event_id: string | null;
  calendar_id: string;
  entity_type: string | null;
  entity_id: string | null;
  /** Where the link comes from; 'none' (with no link) when a CRM user unlinked the event. */
  entity_source: 'crm' | 'attendee' | 'none' | null;
  status: string;
  sync_state: string;
  sync_error: string | null;
  created_at: string;
  updated_at: string;
}

/** A calendar as `GET /calendar/calendars` answers it. */
export type CalendarJson = z.output<typeof calendarJson>;

/**
 * Waits until no pull is queued, retrying or running and no calendar is leased by a pull round,
 * so that what a test does next in Google is not picked up by a pull still under way.
 */
export async function pullsIdle(t: TestApp, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    'no pending or running pulls',
    async () => {
      const jobs = await t.ctx.database.executeSql<{ n: number }>(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('calendar.pull', 'calendar.initial-sync') AND state IN ('created', 'retry', 'active')",
      );
      const leases = await t.ctx.database.executeSql<{ n: number }>(
        'SELECT count(*)::int AS n FROM calendars WHERE pull_lease_owner IS NOT NULL OR pull_requested_at IS NOT NULL',
      );
      return jobs.rows[0]!.n === 0 && leases.rows[0]!.n === 0 ? true : undefined;
    },
    timeoutMs,
  );
}

export async function createGoogleUser(t: TestApp, email: string, timeZone = 'UTC'): Promise<void> {
  const res = await fetch(`${t.emulator.url}/__admin/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, timeZone }),
  });
  if (!res.ok && res.status !== 409)
    throw new Error(`create user ${email}: ${res.status} ${await res.text()}`);
}

export async function listCalendars(t: TestApp, userId: string, tenant?: string): Promise<CalendarJson[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/calendar/calendars',
    headers: await authHeader(t, userId, tenant),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: CalendarJson[] }>().items;
}

/** The service reads the user's calendar list from Google again (`?refresh=true`); returns what it answers. */
export async function refreshCalendars(t: TestApp, userId: string): Promise<CalendarJson[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/calendar/calendars?refresh=true',
    headers: await authHeader(t, userId),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: CalendarJson[] }>().items;
}

/** The owner of `calendarId` shares it with `email` as `role` (a second share replaces the first). */
export async function shareCalendar(
  owner: calendar_v3.Calendar,
  calendarId: string,
  email: string,
  role: 'reader' | 'writer' | 'freeBusyReader',
): Promise<void> {
  await owner.acl.insert({ calendarId, requestBody: { role, scope: { type: 'user', value: email } } });
}

/** How many event rows the CRM stores for one of its calendars. */
export async function storedEventCount(t: TestApp, calendarId: string): Promise<number> {
  const { rows } = await t.ctx.database.executeSql<{ n: number }>(
    'SELECT count(*)::int AS n FROM events WHERE calendar_id = $1',
    [calendarId],
  );
  return rows[0]!.n;
}

/** Connects `userId` to the Google account `email` and waits for the initial pull of the primary calendar. */
export async function connectAndSync(
  t: TestApp,
  userId: string,
  email: string,
  options: { tenant?: string; timeZone?: string } = {},
): Promise<CalendarJson> {
  await createGoogleUser(t, email, options.timeZone);
  await connectCalendar(t, userId, email, options.tenant === undefined ? {} : { tenant: options.tenant });
  return waitFor(`the initial sync of ${userId}`, async () => {
    const primary = (await listCalendars(t, userId, options.tenant)).find((c) => c.primary);
    return primary?.last_sync_at != null && primary.push_channel_expires_at !== null ? primary : undefined;
  });
}

export async function listEvents(
  t: TestApp,
  userId: string,
  query: Record<string, string> = {},
  tenant?: string,
): Promise<{ items: EventItemJson[]; next_cursor: string | null }> {
  const search = new URLSearchParams(query).toString();
  const res = await t.app.inject({
    method: 'GET',
    url: `/calendar/events${search === '' ? '' : `?${search}`}`,
    headers: await authHeader(t, userId, tenant),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Every page of a listing. */
export async function listAllEvents(
  t: TestApp,
  userId: string,
  query: Record<string, string> = {},
  tenant?: string,
): Promise<EventItemJson[]> {
  const items: EventItemJson[] = [];
  let cursor: string | null = null;
  do {
    const page = await listEvents(t, userId, { ...query, ...(cursor !== null ? { cursor } : {}) }, tenant);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return items;
}

/** Waits until the CRM's listing satisfies `check`. */
export async function waitForEvents(
  t: TestApp,
  userId: string,
  what: string,
  check: (items: EventItemJson[]) => boolean,
  query: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<EventItemJson[]> {
  return waitFor(
    what,
    async () => {
      const items = await listAllEvents(t, userId, query);
      return check(items) ? items : undefined;
    },
    timeoutMs,
  );
}

/** POST /calendar/sync as the user. */
export async function syncNow(
  t: TestApp,
  userId: string,
  body: Record<string, unknown> = {},
  tenant?: string,
) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/calendar/sync',
    headers: await authHeader(t, userId, tenant),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{
    calendars: {
      calendar_id: string;
      status: string;
      created: number;
      updated: number;
      deleted: number;
      full_sync: boolean;
      fetched: number;
      skipped: number;
    }[];
    created: number;
    updated: number;
    deleted: number;
  }>();
}

/**
 * Connects without job workers: the initial sync and the first pull run in the test, and the
 * jobs they queued are dropped, so nothing pulls behind the test's back.
 */
export async function connectWithoutWorkers(
  t: TestApp,
  userId: string,
  email: string,
  tenant = 'default',
): Promise<string> {
  await createGoogleUser(t, email);
  await connectCalendar(t, userId, email, tenant === 'default' ? {} : { tenant });
  const connection = await t.ctx.services.connections.find({ tenantId: tenant, userId });
  if (connection === undefined) throw new Error(`no connection for ${userId}`);
  await t.ctx.services.calendars.initialSync(connection);
  const calendarId = (await listCalendars(t, userId, tenant)).find((c) => c.primary)!.id;
  await t.ctx.services.pull.pull({ tenantId: tenant, userId, calendarId }, { trigger: 'initial' });
  await t.ctx.database.executeSql(
    "DELETE FROM pgboss.job WHERE name IN ('calendar.pull', 'calendar.initial-sync')",
  );
  return calendarId;
}

/** Seeds events in the user's primary calendar through the emulator's bulk route (no HTTP per event). */
export async function seedEvents(t: TestApp, email: string, count: number, prefix = 'Seeded'): Promise<void> {
  const base = Date.UTC(2032, 0, 1);
  for (let offset = 0; offset < count; offset += 2000) {
    const events = Array.from({ length: Math.min(2000, count - offset) }, (_, i) => {
      const start = base + (offset + i) * 3_600_000;
      return {
        summary: `${prefix} ${offset + i}`,
        start: { dateTime: new Date(start).toISOString() },
        end: { dateTime: new Date(start + 1_800_000).toISOString() },
      };
    });
    await emulatorAdmin(t, 'POST', `/users/${encodeURIComponent(email)}/events/bulk`, {
      calendarId: 'primary',
      events,
    });
  }
}

/** How many rows the CRM holds for a calendar, and how many distinct Google ids among them. */
export async function storedRows(
  t: TestApp,
  calendarId: string,
): Promise<{ rows: number; distinct: number }> {
  const { rows } = await t.ctx.database.executeSql<{ rows: string; distinct: string }>(
    'SELECT count(*) AS rows, count(DISTINCT google_event_id) AS distinct FROM events WHERE calendar_id = $1',
    [calendarId],
  );
  return { rows: Number(rows[0]!.rows), distinct: Number(rows[0]!.distinct) };
}
