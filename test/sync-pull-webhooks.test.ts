import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { startWorkers } from '../src/app/jobs/workers.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { connectCalendar, emulatorAdmin } from './support/oauth-flow.js';
import { createGoogleUser, listCalendars, waitForEvents } from './support/sync-pull.js';
import { googleAs, googleCalls, resetGoogleCalls } from './support/emulator-client.js';
import { waitFor } from './support/wait-for.js';

const DAY_MS = 86_400_000;
const USER = 'pull-hooks';
const EMAIL = 'pull-hooks@example.com';
const clock = new ManualClock();
let t: TestApp;
let google: calendar_v3.Calendar;
let calendarId: string;

interface WebhookRecord {
  channelId: string;
  resourceState: string;
  messageNumber: number;
  status: number | null;
}

async function queuedPulls(): Promise<number> {
  const { rows } = await t.ctx.database.executeSql<{ n: string }>(
    "SELECT count(*) AS n FROM pgboss.job WHERE name = 'calendar.pull' AND singleton_key = $1 AND state = 'created'",
    [calendarId],
  );
  return Number(rows[0]?.n ?? 0);
}

async function pullJobs(): Promise<number> {
  const { rows } = await t.ctx.database.executeSql<{ n: string }>(
    "SELECT count(*) AS n FROM pgboss.job WHERE name = 'calendar.pull'",
  );
  return Number(rows[0]?.n ?? 0);
}

async function storedChannel() {
  const { rows } = await t.ctx.database.executeSql<{ channel_id: string; channel_expires_at: Date }>(
    'SELECT channel_id, channel_expires_at FROM calendars WHERE id = $1',
    [calendarId],
  );
  return rows[0]!;
}

beforeAll(async () => {
  // Workers start later: until then queued pulls stay visible, so collapsing can be counted.
  t = await startTestApp({ clock, workers: false });
  await createGoogleUser(t, EMAIL);
  await connectCalendar(t, USER, EMAIL);
  const connection = (await t.ctx.services.connections.find({ tenantId: 'default', userId: USER }))!;
  await t.ctx.services.calendars.initialSync(connection);
  calendarId = (await listCalendars(t, USER)).find((c) => c.primary)!.id;
  await t.ctx.services.pull.pull({ tenantId: 'default', userId: USER, calendarId }, { trigger: 'initial' });
  // The jobs the connect and the initial sync queued would run as soon as workers start: drop them.
  await t.ctx.database.executeSql(
    "DELETE FROM pgboss.job WHERE name IN ('calendar.pull', 'calendar.initial-sync')",
  );
  google = await googleAs(t, EMAIL);
});
afterAll(async () => {
  await t?.close();
});

describe('push notifications', () => {
  it('collapses duplicate and reordered notifications into one pull', async () => {
    await emulatorAdmin(t, 'DELETE', '/webhooks');
    await emulatorAdmin(t, 'POST', '/faults', { webhook: { reorder: true }, count: 1 });
    const { data: first } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'First',
        start: { dateTime: '2031-01-10T10:00:00Z' },
        end: { dateTime: '2031-01-10T11:00:00Z' },
      },
    });
    const { data: second } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Second',
        start: { dateTime: '2031-01-11T10:00:00Z' },
        end: { dateTime: '2031-01-11T11:00:00Z' },
      },
    });
    await emulatorAdmin(t, 'POST', '/faults', { webhook: { duplicate: true }, count: 1 });
    await google.events.patch({
      calendarId: 'primary',
      eventId: first.id!,
      requestBody: { summary: 'First (edited)' },
    });

    const deliveries = await waitFor('four deliveries', async () => {
      const log = await emulatorAdmin<WebhookRecord[]>(t, 'GET', '/webhooks');
      const exists = log.filter((r) => r.resourceState === 'exists');
      return exists.length >= 4 ? exists : undefined;
    });
    // Reordered: message numbers out of order; duplicated: one number twice. All accepted.
    const numbers = deliveries.map((d) => d.messageNumber);
    expect(numbers).not.toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(3);
    expect(deliveries.every((d) => d.status === 204)).toBe(true);
    expect(await queuedPulls()).toBe(1);

    await resetGoogleCalls(t);
    await startWorkers(t.ctx);
    const items = await waitForEvents(
      t,
      USER,
      'both events',
      (list) =>
        list.some((i) => i.title === 'First (edited)') && list.some((i) => i.google_event_id === second.id),
    );
    expect(items.filter((i) => i.title?.startsWith('First'))).toHaveLength(1);
    expect(await googleCalls(t)).toEqual({ 'calendar.events.list': 1 });
  });

  it('refuses forged notifications quickly, with nothing queued', async () => {
    const jobsBefore = await pullJobs();
    const { channel_id: channelId } = await storedChannel();
    const post = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/webhooks/google/calendar', headers });
    const forged = await post({
      'x-goog-channel-id': channelId,
      'x-goog-channel-token': 'guess',
      'x-goog-resource-state': 'exists',
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('unauthorized');
    const noToken = await post({ 'x-goog-channel-id': channelId, 'x-goog-resource-state': 'exists' });
    expect(noToken.statusCode).toBe(401);
    const unknown = await post({
      'x-goog-channel-id': 'no-such-channel',
      'x-goog-channel-token': 'x',
      'x-goog-resource-state': 'exists',
    });
    expect(unknown.statusCode).toBe(404);
    const bare = await post({});
    expect(bare.statusCode).toBe(404);
    const withBody = await t.app.inject({
      method: 'POST',
      url: '/webhooks/google/calendar',
      headers: { 'content-type': 'application/json', 'x-goog-channel-id': 'nope' },
      payload: '',
    });
    expect(withBody.statusCode).toBe(404);
    expect(await pullJobs()).toBe(jobsBefore);
  });

  it('renews the channel before it expires: the new one first, then the old one stopped', async () => {
    const before = await storedChannel();
    const lifetime = before.channel_expires_at.getTime() - clock.now().getTime();
    expect(lifetime).toBeGreaterThan(6 * DAY_MS);

    // Nothing to renew yet.
    expect(await t.ctx.services.channels.renewExpiring()).toEqual({ opened: 0, renewed: 0, failed: 0 });

    const advanceMs = Math.round(6.5 * DAY_MS);
    await emulatorAdmin(t, 'POST', '/clock', { advanceMs });
    clock.advance(advanceMs);
    await t.ctx.queue.send('calendar.renew-channels', { reason: 'schedule' });
    const after = await waitFor('the renewed channel', async () => {
      const row = await storedChannel();
      return row.channel_id !== before.channel_id ? row : undefined;
    });
    expect(after.channel_expires_at.getTime()).toBeGreaterThan(before.channel_expires_at.getTime());

    // The new channel is stored before the old one is stopped: wait for the job to get that far.
    const channels = await waitFor('the old channel to be stopped', async () => {
      const list = await emulatorAdmin<{ id: string; stopped: boolean; expired: boolean }[]>(
        t,
        'GET',
        '/channels',
      );
      return list.find((c) => c.id === before.channel_id)?.stopped === true ? list : undefined;
    });
    expect(channels.find((c) => c.id === before.channel_id)).toMatchObject({ stopped: true });
    expect(channels.find((c) => c.id === after.channel_id)).toMatchObject({ stopped: false, expired: false });

    // Changes now arrive through the new channel.
    await emulatorAdmin(t, 'DELETE', '/webhooks');
    google = await googleAs(t, EMAIL); // the old access token expired with the emulator's clock
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'After renewal',
        start: { dateTime: '2031-02-10T10:00:00Z' },
        end: { dateTime: '2031-02-10T11:00:00Z' },
      },
    });
    await waitForEvents(t, USER, 'the event after renewal', (list) =>
      list.some((i) => i.google_event_id === data.id),
    );
    const log = await emulatorAdmin<WebhookRecord[]>(t, 'GET', '/webhooks');
    expect(
      log.filter((r) => r.resourceState === 'exists').every((r) => r.channelId === after.channel_id),
    ).toBe(true);
  });
});
