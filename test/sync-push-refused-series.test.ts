import { beforeEach, describe, expect, it } from 'vitest';
import { formatUtcCompact } from '../src/kernel/time.js';
import { googleCalls } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import {
  api,
  connectedUser,
  eventRow,
  expectOk,
  futureHour,
  jobsOf,
  pushesIdle,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';

/** Recurrences Google refuses, and events Google refused to create. */

interface Item {
  id: string;
  google_event_id: string;
  sync_state: string;
  sync_error: string | null;
  recurrence: string[] | null;
  start_time: string;
}

interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string } };
}

let t: TestApp;
let alice: PushUser;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'refused-alice');
});
beforeEach(async () => {
  await emulatorAdmin(t, 'DELETE', '/faults');
});

function body(title: string, extra: Record<string, unknown> = {}) {
  const start = futureHour(2);
  return {
    title,
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    send_updates: 'none',
    ...extra,
  };
}

/** Google writes (insert, patch, update, delete) the emulator counted since the last reset. */
async function googleWrites(): Promise<Record<string, number>> {
  const calls = await googleCalls(t);
  return Object.fromEntries(
    Object.entries(calls).filter(([method]) => /insert|patch|update|delete/.test(method)),
  );
}

/** The next event insert is refused for good, as Google refuses an event it cannot take. */
async function refuseNextInsert(): Promise<void> {
  await emulatorAdmin(t, 'POST', '/faults', {
    match: { method: 'calendar.events.insert' },
    count: 1,
    action: { status: 400, reason: 'invalid', message: 'Invalid recurrence rule.' },
  });
}

/** Alice's events as GET /calendar/events lists them over the next days. */
async function listed(): Promise<Item[]> {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const res = await api<{ items: Item[] }>(
    t,
    alice,
    'GET',
    `/calendar/events?start_date=${from}&end_date=${to}&limit=250`,
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('a recurrence Google refuses', () => {
  it.each([['RRULE:FREQ=HOURLY'], ['RRULE:FREQ=MINUTELY;COUNT=5'], ['FREQ=SECONDLY']])(
    '%s is 400 invalid_recurrence, and nothing is written on either side',
    async (rule) => {
      await pushesIdle(t);
      await emulatorAdmin(t, 'POST', '/requests/reset');
      const pushJobs = (await jobsOf(t, 'event.push')).length;
      const res = await api<ErrorBody>(
        t,
        alice,
        'POST',
        '/calendar/events',
        body('Hourly', { recurrence: [rule] }),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_recurrence');
      expect(res.body.error.details?.field).toBe('recurrence');
      expect(res.body.error.message).toMatch(/is not supported by Google Calendar/);
      expect((await jobsOf(t, 'event.push')).length).toBe(pushJobs);
      expect(await listed()).not.toContainEqual(expect.objectContaining({ title: 'Hourly' }));
      await pushesIdle(t);
      expect(await googleWrites()).toEqual({});
    },
  );
});

describe('an event Google refused to create', () => {
  it('a refused series shows as one failed event, whose occurrences are not made on their own', async () => {
    await refuseNextInsert();
    const created = expectOk(
      await api<Item>(
        t,
        alice,
        'POST',
        '/calendar/events',
        body('Refused series', { recurrence: ['RRULE:FREQ=DAILY;COUNT=5'] }),
      ),
    );
    expect((await settled(t, created.id)).sync_state).toBe('failed');

    const items = (await listed()).filter((item) => item.id.startsWith(created.id));
    expect(items).toEqual([
      expect.objectContaining({
        id: created.id,
        sync_state: 'failed',
        sync_error: expect.stringMatching(/Google refused/),
        recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
      }),
    ]);
    // Its occurrences do not exist yet: they cannot be read, changed or deleted on their own.
    const secondStart = new Date(Date.parse(created.start_time) + 86_400_000);
    const second = `${created.id}:${created.google_event_id}_${formatUtcCompact(secondStart)}`;
    expect((await api(t, alice, 'GET', `/calendar/events/${second}`)).status).toBe(404);
    const patch = await api<ErrorBody>(t, alice, 'PATCH', `/calendar/events/${second}`, {
      title: 'Only this one',
    });
    expect(patch.status).toBe(404);
    expect(patch.body.error.message).toMatch(/not in Google Calendar yet/);
    expect((await api(t, alice, 'DELETE', `/calendar/events/${second}`)).status).toBe(404);
    const rows = await t.ctx.db
      .selectFrom('events')
      .select('id')
      .where('recurring_event_id', '=', created.google_event_id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('a refused series is deleted from the CRM at once, and nothing is sent to Google', async () => {
    const dealId = expectOk(
      await api<{ id: string }>(t, alice, 'POST', '/crm/deals', { name: 'Refused deal' }),
    ).id;
    await refuseNextInsert();
    const created = expectOk(
      await api<Item>(
        t,
        alice,
        'POST',
        '/calendar/events',
        body('Refused weekly', {
          recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
          entity_type: 'deal',
          entity_id: dealId,
        }),
      ),
    );
    expect((await settled(t, created.id)).sync_state).toBe('failed');
    await pushesIdle(t);
    await emulatorAdmin(t, 'POST', '/requests/reset');

    expect((await api(t, alice, 'DELETE', `/calendar/events/${created.id}`)).status).toBe(204);
    expect(await eventRow(t, created.id)).toBeUndefined();
    expect((await api(t, alice, 'GET', `/calendar/events/${created.id}`)).status).toBe(404);
    const activities = await api<{ items: { status: string }[] }>(
      t,
      alice,
      'GET',
      `/crm/deals/${dealId}/activities`,
    );
    expect(activities.body.items.map((a) => a.status)).toEqual(['cancelled']);
    await pushesIdle(t);
    expect(await googleWrites()).toEqual({});
  });

  it('a refused single event is deleted the same way', async () => {
    await refuseNextInsert();
    const created = expectOk(await api<Item>(t, alice, 'POST', '/calendar/events', body('Refused single')));
    expect((await settled(t, created.id)).sync_state).toBe('failed');
    await pushesIdle(t);
    await emulatorAdmin(t, 'POST', '/requests/reset');

    expect((await api(t, alice, 'DELETE', `/calendar/events/${created.id}`)).status).toBe(204);
    expect(await eventRow(t, created.id)).toBeUndefined();
    await pushesIdle(t);
    expect(await googleWrites()).toEqual({});
  });

  it('an accepted series is expanded into its occurrences, as before', async () => {
    const created = expectOk(
      await api<Item>(
        t,
        alice,
        'POST',
        '/calendar/events?wait=true',
        body('Accepted series', { recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }),
      ),
    );
    expect(created.sync_state).toBe('synced');
    const items = (await listed()).filter((item) => item.id.startsWith(created.id));
    expect(items.map((item) => item.id)).toEqual([
      expect.stringMatching(new RegExp(`^${created.id}:${created.google_event_id}_`)),
      expect.stringMatching(new RegExp(`^${created.id}:${created.google_event_id}_`)),
      expect.stringMatching(new RegExp(`^${created.id}:${created.google_event_id}_`)),
    ]);
  });
});
