import { expect } from 'vitest';
import { tokenContext } from '../../src/modules/connections/connection.types.js';
import type { EventRow } from '../../src/adapters/db/tables/events.js';
import { parseEncryptionKeys, TokenCipher } from '../../src/adapters/security/token-cipher.js';
import type { TestApp } from './harness.js';
import { authHeader, connectCalendar, emulatorAdmin } from './oauth-flow.js';
import { waitFor } from './wait-for.js';

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
  await waitFor('the primary calendar to be listed', async () => {
    const { rows } = await t.ctx.database.executeSql<{ n: string }>(
      'SELECT count(*) AS n FROM calendars WHERE tenant_id = $1 AND user_id = $2 AND is_primary',
      [tenant, userId],
    );
    return Number(rows[0]?.n) > 0;
  });
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

export async function eventRow(t: TestApp, id: string): Promise<EventRow | undefined> {
  return t.ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Waits until the event's push settled (synced or failed) and returns the row. */
export async function settled(t: TestApp, id: string, timeoutMs = 15_000): Promise<EventRow> {
  return waitFor(
    `event ${id} to be pushed`,
    async () => {
      const row = await eventRow(t, id);
      return row !== undefined && row.sync_state !== 'pending' ? row : undefined;
    },
    timeoutMs,
  );
}

/** Waits until the row is gone (a delete pushed to Google removes it). */
export async function removed(t: TestApp, id: string): Promise<void> {
  await waitFor(`event ${id} to be removed`, async () => (await eventRow(t, id)) === undefined);
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

/**
 * Waits until no `event.push` job is queued, retrying or running: every push the CRM asked for
 * has reached Google (or given up), so Google's request counts include all of them.
 */
export async function pushesIdle(t: TestApp, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    'no pending or running pushes',
    async () => {
      const { rows } = await t.ctx.database.executeSql<{ n: number }>(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'event.push' AND state IN ('created', 'retry', 'active')",
      );
      return rows[0]!.n === 0;
    },
    timeoutMs,
  );
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

/**
 * Puts a read-only access token on the user's connection, as if the grant no longer allowed
 * writes: Google answers every write 403 insufficientPermissions (a refusal no retry can change).
 * Returns a function that puts the original token back.
 */
export async function withReadOnlyGrant(t: TestApp, user: PushUser): Promise<() => Promise<void>> {
  const owner = { tenantId: user.tenant, userId: user.userId };
  const before = await t.ctx.db
    .selectFrom('connections')
    .select(['access_token_enc', 'token_expires_at'])
    .where('tenant_id', '=', owner.tenantId)
    .where('user_id', '=', owner.userId)
    .executeTakeFirstOrThrow();
  const minted = await emulatorAdmin<{ access_token: string }>(t, 'POST', '/tokens', {
    email: user.email,
    scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
  });
  const cipher = new TokenCipher(parseEncryptionKeys(t.config.tokenEncryptionKey ?? ''));
  const setToken = async (values: { access_token_enc: string | null; token_expires_at: Date | null }) => {
    await t.ctx.db
      .updateTable('connections')
      .set(values)
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .execute();
  };
  await setToken({
    access_token_enc: cipher.encrypt(minted.access_token, tokenContext(owner)),
    token_expires_at: new Date(Date.now() + 3_600_000),
  });
  return () => setToken(before);
}
