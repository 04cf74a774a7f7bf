import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { tokenContext, type ConnectionRef } from '../src/modules/connections/connection.types.js';
import { startTestApp, type TestApp } from './support/harness.js';
import {
  authHeader,
  calendarAccepts,
  connectCalendar,
  emulatorAdmin,
  getStatus,
  rawConnectionRow,
} from './support/oauth-flow.js';
import { pullsIdle } from './support/sync-pull.js';

let t: TestApp;
const clock = new ManualClock();
let counter = 0;

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => {
  await t?.close();
});

async function connected(name: string): Promise<ConnectionRef & { email: string }> {
  counter += 1;
  const userId = `${name}-${counter}`;
  const email = `${userId}@example.com`;
  await connectCalendar(t, userId, email);
  const status = await getStatus(t, userId);
  return { id: status.connection_id!, tenantId: 'default', userId, email };
}

async function disconnect(ref: ConnectionRef, query = '') {
  const res = await t.app.inject({
    method: 'DELETE',
    url: `/integrations/calendar${query}`,
    headers: await authHeader(t, ref.userId),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Record<string, unknown>>();
}

/**
 * The synced copy a connection has once its initial sync is done: the primary calendar with its
 * push channel (both stored by the sync), plus one event.
 */
async function seedSyncedCopy(ref: ConnectionRef & { email: string }): Promise<{ channelId: string }> {
  await pullsIdle(t);
  const { rows } = await t.ctx.database.executeSql<{ id: string; channel_id: string | null }>(
    'SELECT id, channel_id FROM calendars WHERE connection_id = $1 AND google_calendar_id = $2',
    [ref.id, ref.email],
  );
  expect(rows[0]?.channel_id, 'the initial sync stored the primary calendar with a channel').toBeTruthy();
  await t.ctx.database.executeSql(
    `INSERT INTO events (tenant_id, user_id, calendar_id, google_event_id, title, start_at, end_at)
     VALUES ($1, $2, $3, 'evt00001', 'Demo', now(), now() + interval '1 hour')`,
    [ref.tenantId, ref.userId, rows[0]!.id],
  );
  return { channelId: rows[0]!.channel_id! };
}

async function channelAtGoogle(channelId: string) {
  const channels = await emulatorAdmin<{ id: string; stopped: boolean }[]>(t, 'GET', '/channels');
  return channels.find((c) => c.id === channelId);
}

async function countCopies(ref: ConnectionRef): Promise<{ calendars: number; events: number }> {
  const calendars = await t.ctx.database.executeSql<{ n: number }>(
    'SELECT count(*)::int AS n FROM calendars WHERE connection_id = $1',
    [ref.id],
  );
  const events = await t.ctx.database.executeSql<{ n: number }>(
    'SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND user_id = $2',
    [ref.tenantId, ref.userId],
  );
  return { calendars: calendars.rows[0]!.n, events: events.rows[0]!.n };
}

describe('disconnect', () => {
  it('stops channels, revokes at Google, deletes the tokens and keeps the synced copies', async () => {
    const ref = await connected('bye');
    const { channelId } = await seedSyncedCopy(ref);
    const row = await rawConnectionRow(t, ref.userId);
    const cipher = t.ctx.services.tokenCipher;
    const accessToken = cipher.decrypt(String(row!.access_token_enc), tokenContext(ref));
    expect(await calendarAccepts(t, accessToken)).toBe(200);

    const summary = await disconnect(ref);
    expect(summary).toMatchObject({
      disconnected: true,
      status: 'disconnected',
      channels_stopped: 1,
      channel_errors: [],
      token_revoked: true,
      revoke_error: null,
      purged: false,
    });
    expect((await channelAtGoogle(channelId))?.stopped).toBe(true);
    expect(await calendarAccepts(t, accessToken)).toBe(401);
    expect(await rawConnectionRow(t, ref.userId)).toMatchObject({
      status: 'disconnected',
      access_token_enc: null,
      refresh_token_enc: null,
      token_expires_at: null,
    });
    expect(await countCopies(ref)).toEqual({ calendars: 1, events: 1 });
    const status = await getStatus(t, ref.userId);
    expect(status).toMatchObject({ connected: false, status: 'disconnected', connection_id: ref.id });
    expect(status.calendars).toHaveLength(1);
    await expect(t.ctx.services.connections.isActive(ref)).resolves.toBe(false);

    // Reconnecting reuses the connection (and with it the synced copies): no duplicates.
    await connectCalendar(t, ref.userId, ref.email);
    expect(await getStatus(t, ref.userId)).toMatchObject({ status: 'active', connection_id: ref.id });
    expect(await countCopies(ref)).toEqual({ calendars: 1, events: 1 });
  });

  it('purge=true also deletes the synced calendars and events', async () => {
    const ref = await connected('purge');
    await seedSyncedCopy(ref);
    const summary = await disconnect(ref, '?purge=true');
    expect(summary).toMatchObject({
      purged: true,
      calendars_deleted: 1,
      events_deleted: 1,
      token_revoked: true,
    });
    expect(await countCopies(ref)).toEqual({ calendars: 0, events: 0 });
    expect((await getStatus(t, ref.userId)).calendars).toEqual([]);
  });

  it('deletes local tokens even when Google fails to revoke, and reports it', async () => {
    const ref = await connected('stuck');
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'oauth.revoke' },
      count: 10,
      action: { status: 503 },
    });
    try {
      const summary = await disconnect(ref);
      expect(summary).toMatchObject({ disconnected: true, token_revoked: false });
      expect(String(summary.revoke_error)).toMatch(/Google/);
    } finally {
      await emulatorAdmin(t, 'DELETE', '/faults');
    }
    expect(await rawConnectionRow(t, ref.userId)).toMatchObject({
      access_token_enc: null,
      refresh_token_enc: null,
    });
    expect((await getStatus(t, ref.userId)).last_error).toMatch(/Revoking access at Google failed/);
  });

  it('is harmless without a connection, and refuses bad input', async () => {
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/integrations/calendar',
      headers: await authHeader(t, 'never-connected'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ disconnected: false, token_revoked: false });
    const bad = await t.app.inject({
      method: 'DELETE',
      url: '/integrations/calendar?purge=maybe',
      headers: await authHeader(t, 'never-connected'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
  });

  it("reconnecting with another Google account keeps the connection id but drops the old account's copies", async () => {
    const ref = await connected('switch');
    const { channelId } = await seedSyncedCopy(ref);
    const other = `other-${ref.email}`;
    await connectCalendar(t, ref.userId, other);
    expect(await getStatus(t, ref.userId)).toMatchObject({
      status: 'active',
      connection_id: ref.id,
      google_email: other,
    });
    // The new account's first sync may already have stored its own calendar: only the old copies must be gone.
    const old = await t.ctx.database.executeSql<{ calendars: number; events: number }>(
      `SELECT (SELECT count(*)::int FROM calendars WHERE connection_id = $1 AND google_calendar_id = $2) AS calendars,
              (SELECT count(*)::int FROM events WHERE user_id = $3 AND google_event_id = 'evt00001') AS events`,
      [ref.id, ref.email, ref.userId],
    );
    expect(old.rows[0]).toEqual({ calendars: 0, events: 0 });
    // The old account's channel was stopped with the old account's tokens (only it may stop it).
    expect(await channelAtGoogle(channelId)).toMatchObject({ stopped: true });
  });

  it("does not touch another user's connection", async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    await disconnect(bob, '?purge=true');
    expect(await getStatus(t, alice.userId)).toMatchObject({ status: 'active', connection_id: alice.id });
    expect(await t.ctx.services.google.calendarFor(alice).calendarList.list()).toMatchObject({ status: 200 });
  });
});
