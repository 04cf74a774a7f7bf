import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client } from 'google-auth-library';
import { expect } from 'vitest';
import type { EventRow } from '../src/db/schema.js';
import type { TestApp } from './support/harness.js';
import { authHeader, connectCalendar, emulatorAdmin } from './support/oauth-flow.js';

/** Helpers of the CRM -> Google push tests (test/sync-push-*.test.ts). */

export interface PushUser {
  userId: string;
  email: string;
  tenant: string;
}

let counter = 0;

/** A fresh CRM user whose Google account (in `timeZone`) is connected and whose calendars are listed. */
export async function connectedUser(
  t: TestApp,
  name: string,
  options: { timeZone?: string; tenant?: string } = {},
): Promise<PushUser> {
  counter += 1;
  const userId = `${name}-${counter}-${Date.now().toString(36)}`;
  const email = `${userId}@example.com`;
  const tenant = options.tenant ?? 'default';
  await emulatorAdmin(t, 'POST', '/users', { email, timeZone: options.timeZone ?? 'UTC' });
  await connectCalendar(t, userId, email, tenant === 'default' ? {} : { tenant });
  await waitFor(async () => {
    const { rows } = await t.ctx.database.executeSql<{ n: string }>(
      'SELECT count(*) AS n FROM calendars WHERE tenant_id = $1 AND user_id = $2 AND is_primary',
      [tenant, userId],
    );
    return Number(rows[0]?.n) > 0;
  }, 'the primary calendar to be listed');
  return { userId, email, tenant };
}

/** An emulated Google user that is not a CRM user (a guest). */
export async function googleUser(t: TestApp, name: string, timeZone = 'UTC'): Promise<string> {
  counter += 1;
  const email = `${name}-${counter}-${Date.now().toString(36)}@example.org`;
  await emulatorAdmin(t, 'POST', '/users', { email, timeZone });
  return email;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** Calls the service as `user`. */
export async function api<T = Record<string, unknown>>(
  t: TestApp,
  user: PushUser,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const res = await t.app.inject({
    method,
    url,
    headers: await authHeader(t, user.userId, user.tenant === 'default' ? undefined : user.tenant),
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: res.statusCode, body: (res.body === '' ? undefined : res.json()) as T };
}

/** The official Calendar client acting as `email` (a token minted by the emulator). */
export async function googleAs(t: TestApp, email: string): Promise<calendar_v3.Calendar> {
  const token = await emulatorAdmin<{ access_token: string }>(t, 'POST', '/tokens', {
    email,
    scopes: ['https://www.googleapis.com/auth/calendar'],
  });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token.access_token });
  return calendar({ version: 'v3', auth: auth as never, rootUrl: `${t.emulator.url}/`, retry: false });
}

export interface MailboxMessage {
  kind: 'invitation' | 'update' | 'cancellation' | 'reply';
  to: string;
  from: string;
  eventId: string;
  summary: string;
  responseStatus?: string;
}

export async function mailbox(t: TestApp, email: string): Promise<MailboxMessage[]> {
  return emulatorAdmin<MailboxMessage[]>(t, 'GET', `/mailbox?email=${encodeURIComponent(email)}`);
}

/** Google-surface requests the emulator answered, by method id, since the last reset. */
export async function googleRequests(t: TestApp): Promise<Record<string, number>> {
  return (await emulatorAdmin<{ byMethod: Record<string, number> }>(t, 'GET', '/requests')).byMethod;
}

export async function eventRow(t: TestApp, id: string): Promise<EventRow | undefined> {
  return t.ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Polls `check` until it returns true (or a truthy value), failing after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the event's push settled (synced or failed) and returns the row. */
export async function settled(t: TestApp, id: string, timeoutMs = 15_000): Promise<EventRow> {
  return waitFor(
    async () => {
      const row = await eventRow(t, id);
      return row !== undefined && row.sync_state !== 'pending' ? row : undefined;
    },
    `event ${id} to be pushed`,
    timeoutMs,
  );
}

/** Waits until the row is gone (a delete pushed to Google removes it). */
export async function removed(t: TestApp, id: string): Promise<void> {
  await waitFor(async () => (await eventRow(t, id)) === undefined, `event ${id} to be removed`);
}

/** Jobs of a queue (pg-boss table), any state. */
export async function jobsOf(
  t: TestApp,
  name: string,
): Promise<{ data: Record<string, unknown>; state: string }[]> {
  const { rows } = await t.ctx.database.executeSql<{ data: Record<string, unknown>; state: string }>(
    'SELECT data, state FROM pgboss.job WHERE name = $1',
    [name],
  );
  return rows;
}

/** A future instant on a whole hour, `days` from now (UTC). */
export function futureHour(days: number, hour = 10): Date {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

export function expectOk<T>(res: ApiResponse<T>, status = 201): T {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}
