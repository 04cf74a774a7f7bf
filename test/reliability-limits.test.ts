import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { authHeader, emulatorAdmin, freshAccount } from './support/oauth-flow.js';
import { googleAs, googleCalls, resetGoogleCalls } from './support/emulator-client.js';
import {
  connectAndSync,
  connectWithoutWorkers,
  pullsIdle,
  storedEventCount,
  waitForEvents,
} from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

/**
 * Limits on every door a user or Google can knock on: a per-user limit on the API (429 with
 * Retry-After), a stricter one on "sync now", which also coalesces (many at once cost two
 * pulls), and push notifications, whose bursts for one channel collapse into one pull and one
 * follow-up round. Google calls are counted by the emulator.
 */

const insertAt = (google: calendar_v3.Calendar, summary: string, day: number) =>
  google.events.insert({
    calendarId: 'primary',
    requestBody: {
      summary,
      start: { dateTime: `2031-05-${String(day).padStart(2, '0')}T10:00:00Z` },
      end: { dateTime: `2031-05-${String(day).padStart(2, '0')}T11:00:00Z` },
    },
  });

describe('per-user request limits', () => {
  const clock = new ManualClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      workers: false,
      env: { API_RATE_LIMIT_PER_MINUTE: '5', SYNC_NOW_RATE_LIMIT_PER_MINUTE: '2' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (userId: string) =>
    t.app.inject({ method: 'GET', url: '/crm/contacts', headers: await authHeader(t, userId) });

  it('answers 429 with Retry-After past the limit, per user, and lets requests through again as time passes', async () => {
    for (let i = 0; i < 5; i += 1) expect((await get('limited')).statusCode).toBe(200);
    const refused = await get('limited');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('12');
    expect(refused.json()).toMatchObject({
      error: { code: 'rate_limited', details: { limit_per_minute: 5, retry_after_seconds: 12 } },
    });
    expect((await get('someone-else')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    clock.advance(11_000);
    expect((await get('limited')).statusCode).toBe(429);
    clock.advance(1_000);
    expect((await get('limited')).statusCode).toBe(200);
    expect((await get('limited')).statusCode).toBe(429);
  });

  it('limits "sync now" more strictly than the rest of the API', async () => {
    const sync = async () =>
      t.app.inject({
        method: 'POST',
        url: '/calendar/sync',
        headers: await authHeader(t, 'syncer'),
        payload: {},
      });
    // Not connected: 409, but each still counts.
    expect((await sync()).statusCode).toBe(409);
    expect((await sync()).statusCode).toBe(409);
    const refused = await sync();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('sync now');
    expect((await get('syncer')).statusCode).toBe(200);
  });
});

describe('"sync now" coalesces per calendar', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No workers: the only pulls are the ones these requests make.
    t = await startTestApp({ workers: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 300 concurrent "sync now" with two pulls', async () => {
    const { userId, email } = freshAccount('sync-burst');
    const calendarId = await connectWithoutWorkers(t, userId, email);
    const google = await googleAs(t, email);
    await insertAt(google, 'Made before the burst', 3);
    await resetGoogleCalls(t);

    const headers = await authHeader(t, userId);
    const answers = await Promise.all(
      Array.from({ length: 300 }, () =>
        t.app.inject({ method: 'POST', url: '/calendar/sync', headers, payload: {} }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 300 }, () => 200));
    for (const answer of answers) {
      expect(answer.json<{ calendars: { status: string }[] }>().calendars).toEqual([
        expect.objectContaining({ calendar_id: calendarId, status: 'pulled' }),
      ]);
    }
    const calls = await googleCalls(t);
    expect(calls['calendar.events.list'] ?? 0).toBeGreaterThanOrEqual(1);
    expect(calls['calendar.events.list'] ?? 0).toBeLessThanOrEqual(2);
    expect(await storedEventCount(t, calendarId)).toBe(1);
  });
});

interface WebhookRecord {
  channelId: string;
  resourceState: string;
  headers: Record<string, string>;
}

describe('push notifications per channel', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The follow-up round waits for the burst to stop however long the requests take to arrive.
    t = await startTestApp({ env: { PULL_FOLLOW_UP_MAX_WAIT_MS: '60000' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('collapses a burst of 1,000 valid notifications for one channel into one pull and one follow-up', async () => {
    const { userId, email } = freshAccount('hook-burst');
    await connectAndSync(t, userId, email);
    const google = await googleAs(t, email);
    await emulatorAdmin(t, 'DELETE', '/webhooks');
    await insertAt(google, 'First', 4);
    await waitForEvents(t, userId, 'the first event', (items) => items.some((i) => i.title === 'First'));
    const delivered = await waitFor('a delivered notification', async () => {
      const log = await emulatorAdmin<WebhookRecord[]>(t, 'GET', '/webhooks');
      return log.find((r) => r.resourceState === 'exists');
    });
    const headers = Object.fromEntries(
      Object.entries(delivered.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    await pullsIdle(t);
    await resetGoogleCalls(t);

    await insertAt(google, 'During the burst', 5);
    // As Google delivers them: one HTTP request after the other, while pulls run.
    let accepted = 0;
    for (let sent = 0; sent < 1000; sent += 1) {
      const res = await fetch(`${t.baseUrl}/webhooks/google/calendar`, { method: 'POST', headers });
      await res.arrayBuffer();
      if (res.status === 204) accepted += 1;
    }
    expect(accepted).toBe(1000);

    await waitForEvents(t, userId, 'the change of the burst', (items) =>
      items.some((i) => i.title === 'During the burst'),
    );
    await pullsIdle(t, 30_000);
    const lists = (await googleCalls(t))['calendar.events.list'] ?? 0;
    expect(lists).toBeGreaterThanOrEqual(1);
    // One pull and one follow-up when the notifications come as one burst. The follow-up waits
    // for 0.3 s without notifications, measured in real time, so on a loaded machine a burst
    // that arrives spread out takes a few more rounds; one pull per notification (46 pulls for
    // these 1,000 before the coalescing) stays far above this bound.
    expect(lists).toBeLessThanOrEqual(5);
    // A thousand real HTTP requests take a while on a busy machine; the outcome does not depend on it.
  }, 120_000);
});
