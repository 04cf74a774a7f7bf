import { beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { connectCalendar, emulatorAdmin } from './support/oauth-flow.js';
import { pullsIdle } from './support/sync-pull.js';
import {
  api,
  connectedUser,
  eventRow,
  expectOk,
  futureHour,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { googleAs, googleCalls } from './support/emulator-client.js';
import { waitFor } from './support/wait-for.js';

type Item = Record<string, unknown> & { id: string; google_event_id: string; sync_state: string };

let t: TestApp;
let alice: PushUser;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'alice');
});
beforeEach(async () => {
  await emulatorAdmin(t, 'DELETE', '/faults');
  await emulatorAdmin(t, 'POST', '/requests/reset');
});

function body(title: string, hourOffsetDays = 3) {
  const start = futureHour(hourOffsetDays);
  return { title, start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
}

async function create(title: string): Promise<Item> {
  return expectOk(await api<Item>(t, alice, 'POST', '/calendar/events', body(title)));
}

/** Every Google event of alice's primary calendar made by CRM event `id` (the CRM stamps its id). */
async function copiesAtGoogle(id: string) {
  const { data } = await (
    await googleAs(t, alice.email)
  ).events.list({
    calendarId: 'primary',
    privateExtendedProperty: [`crm_event_id=${id}`],
    showDeleted: false,
  });
  return data.items ?? [];
}

const fault = (method: string, count: number, action: Record<string, unknown>) =>
  emulatorAdmin(t, 'POST', '/faults', { match: method === '*' ? {} : { method }, count, action });

describe('Google failing while the CRM pushes', () => {
  it('a burst of 429s is retried with backoff: one event', async () => {
    await fault('calendar.events.insert', 3, { status: 429 });
    const event = await create('Rate limited');
    const row = await settled(t, event.id, 30_000);
    expect(row.sync_state).toBe('synced');
    expect(await copiesAtGoogle(event.id)).toHaveLength(1);
    expect((await googleCalls(t))['calendar.events.insert']).toBe(4);
  });

  it('403 rateLimitExceeded and 500s are retried too', async () => {
    await fault('calendar.events.insert', 1, { status: 403 });
    await fault('calendar.events.insert', 2, { status: 500 });
    const event = await create('Flaky');
    expect((await settled(t, event.id, 30_000)).sync_state).toBe('synced');
    expect(await copiesAtGoogle(event.id)).toHaveLength(1);
  });

  it('an insert Google applies but whose answer is lost still makes exactly one event', async () => {
    await fault('calendar.events.insert', 1, { applyThenDrop: true });
    const event = await create('Dropped answer');
    const row = await settled(t, event.id, 30_000);
    expect(row.sync_state).toBe('synced');
    const copies = await copiesAtGoogle(event.id);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.id).toBe(event.google_event_id);
    expect(row.google_etag).toBe(copies[0]?.etag);
    // The retry was answered 409 duplicate and read the event instead of creating another.
    const calls = await googleCalls(t);
    expect(calls['calendar.events.insert']).toBe(2);
    expect(calls['calendar.events.get']).toBeGreaterThanOrEqual(1);
  });

  it('an edit made while the first insert was lost is not lost either', async () => {
    await fault('calendar.events.insert', 1, { applyThenDrop: true });
    await fault('calendar.events.insert', 1, { status: 503 });
    const event = await create('Version 1');
    expectOk(await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, { title: 'Version 2' }), 200);
    const row = await settled(t, event.id, 30_000);
    expect(row.title).toBe('Version 2');
    const copies = await copiesAtGoogle(event.id);
    expect(copies.map((c) => c.summary)).toEqual(['Version 2']);
  });

  it('Google down for a while, then back: nothing lost, nothing doubled', async () => {
    await fault('*', 14, { status: 503 });
    const events = await Promise.all(['Outage A', 'Outage B', 'Outage C'].map((title) => create(title)));
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${events[0]?.id}`, { location: 'Still here' }),
      200,
    );
    const rows = await Promise.all(events.map((e) => settled(t, e.id, 60_000)));
    expect(rows.map((r) => r.sync_state)).toEqual(['synced', 'synced', 'synced']);
    for (const e of events) expect(await copiesAtGoogle(e.id)).toHaveLength(1);
    expect((await copiesAtGoogle(events[0]?.id ?? ''))[0]?.location).toBe('Still here');
    // The pulls the outage failed (the echoes of these writes) are retried with backoff and finish.
    await pullsIdle(t, 60_000);
  }, 120_000);
});

/**
 * Google-side edits made after this are not pulled before the CRM pushes: their push notifications
 * are dropped, and the pulls already under way (the echo of the create) have finished.
 */
async function undisturbedByPulls() {
  await emulatorAdmin(t, 'POST', '/faults', { webhook: { drop: true }, count: 5 });
  await pullsIdle(t);
}

describe('concurrent edits: 412 and the three-way merge', () => {
  it('a title changed in the CRM and a time changed in Google both survive', async () => {
    const event = expectOk(await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', body('Original')));
    // Google-side edit the CRM has not pulled yet (its push notifications are dropped).
    await undisturbedByPulls();
    const google = await googleAs(t, alice.email);
    const moved = futureHour(4, 16);
    await google.events.patch({
      calendarId: 'primary',
      eventId: event.google_event_id,
      requestBody: {
        start: { dateTime: moved.toISOString() },
        end: { dateTime: new Date(moved.getTime() + 3_600_000).toISOString() },
      },
    });
    const before = await eventRow(t, event.id);
    expectOk(await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, { title: 'Renamed in CRM' }), 200);
    const row = await settled(t, event.id);
    expect(row.sync_state).toBe('synced');
    const { data } = await google.events.get({ calendarId: 'primary', eventId: event.google_event_id });
    expect(data.summary).toBe('Renamed in CRM');
    expect(new Date(data.start?.dateTime ?? '').getTime()).toBe(moved.getTime());
    // The CRM copy has both too, and the stale etag was noticed (412).
    expect(row.title).toBe('Renamed in CRM');
    expect(row.start_at?.getTime()).toBe(moved.getTime());
    expect(row.google_etag).toBe(data.etag);
    expect(row.google_etag).not.toBe(before?.google_etag);
    expect(row.sync_conflicts).toEqual([]);
    expect((await googleCalls(t))['calendar.events.patch']).toBeGreaterThanOrEqual(3);
  });

  it('both sides changed the same field: the later change wins and the overwrite is recorded', async () => {
    const event = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', body('Shared title')),
    );
    await undisturbedByPulls();
    const google = await googleAs(t, alice.email);
    const { data: googleEdit } = await google.events.patch({
      calendarId: 'primary',
      eventId: event.google_event_id,
      requestBody: { summary: 'Google title' },
    });
    // The CRM edit must be the later one: Google stamps `updated`, the CRM its own clock.
    const googleEditedAt = Date.parse(googleEdit.updated ?? '');
    await waitFor(
      'the CRM clock to pass the Google edit',
      () => t.ctx.clock.now().getTime() > googleEditedAt,
    );
    expectOk(await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, { title: 'CRM title' }), 200);
    const row = await settled(t, event.id);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: event.google_event_id });
    expect(data.summary).toBe('CRM title');
    expect(row.sync_conflicts).toEqual([
      expect.objectContaining({
        field: 'summary',
        local: 'CRM title',
        remote: 'Google title',
        winner: 'local',
      }),
    ]);
  });

  it('a deletion in Google wins over a pending CRM edit', async () => {
    const event = expectOk(await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', body('Doomed')));
    await undisturbedByPulls();
    await (
      await googleAs(t, alice.email)
    ).events.delete({ calendarId: 'primary', eventId: event.google_event_id });
    expectOk(await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, { title: 'Too late' }), 200);
    await waitFor('the row to go', async () => (await eventRow(t, event.id)) === undefined);
    expect(await copiesAtGoogle(event.id)).toHaveLength(0);
  });
});

describe('authorization trouble while pushing', () => {
  it('an access token that expires mid-push is refreshed and the push goes on', async () => {
    const bob = await connectedUser(t, 'bob');
    await emulatorAdmin(t, 'POST', '/clock', { advanceMs: 2 * 3_600_000 });
    try {
      const event = expectOk(await api<Item>(t, bob, 'POST', '/calendar/events', body('After expiry')));
      const row = await settled(t, event.id);
      expect(row.sync_state).toBe('synced');
      expect((await googleCalls(t))['oauth.token']).toBeGreaterThanOrEqual(1);
    } finally {
      await emulatorAdmin(t, 'POST', '/clock', { advanceMs: -2 * 3_600_000 });
    }
  });

  it('a revoked grant leaves the change pending until the user reconnects, then it is pushed', async () => {
    const carol = await connectedUser(t, 'carol');
    // The initial sync finishes first: a pull meeting the revoked grant would mark the connection
    // reauth_required before the create, which is then refused (409) instead of waiting.
    await pullsIdle(t);
    await emulatorAdmin(t, 'POST', `/users/${encodeURIComponent(carol.email)}/revoke`);
    const event = expectOk(
      await api<Item>(t, carol, 'POST', '/calendar/events', body('Waits for reconnect')),
    );
    await waitFor('the push to wait', async () =>
      (await eventRow(t, event.id))?.sync_error?.includes('reconnected'),
    );
    const waiting = await eventRow(t, event.id);
    expect(waiting?.sync_state).toBe('pending');
    const connection = await t.ctx.db
      .selectFrom('connections')
      .selectAll()
      .where('user_id', '=', carol.userId)
      .executeTakeFirstOrThrow();
    expect(connection.status).toBe('reauth_required');
    // No retries burnt meanwhile: the job ended quietly.
    const jobs = await waitFor('the push job to end', async () => {
      const { rows } = await t.ctx.database.executeSql<{ state: string; retry_count: number }>(
        "SELECT state, retry_count FROM pgboss.job WHERE name = 'event.push' AND data->>'eventId' = $1",
        [event.id],
      );
      return rows.length > 0 && rows.every((j) => j.state !== 'active' && j.state !== 'created')
        ? rows
        : undefined;
    });
    // (The reconnect hook of the first connect may have queued one more: it ends the same way.)
    expect(new Set(jobs.map((j) => `${j.state}:${j.retry_count}`))).toEqual(new Set(['completed:0']));

    await connectCalendar(t, carol.userId, carol.email);
    const row = await settled(t, event.id, 20_000);
    expect(row.sync_state).toBe('synced');
    const { data } = await (
      await googleAs(t, carol.email)
    ).events.get({ calendarId: 'primary', eventId: event.google_event_id });
    expect(data.summary).toBe('Waits for reconnect');
  });
});
