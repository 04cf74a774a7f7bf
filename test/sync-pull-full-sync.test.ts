import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { RateLimitedError } from '../src/kernel/errors.js';
import { GoogleUnavailableError } from '../src/adapters/google/errors.js';
import { RequestBudget } from '../src/adapters/google/request-budget.js';
import { PageWriter } from '../src/modules/pull/page-writer.js';
import { PullAbortedError } from '../src/modules/pull/calendar-listing.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import {
  connectWithoutWorkers,
  listAllEvents,
  listCalendars,
  seedEvents,
  storedRows,
  syncNow,
} from './support/sync-pull.js';
import { googleAs, googleCalls, resetGoogleCalls } from './support/emulator-client.js';

let t: TestApp;
let google: calendar_v3.Calendar;
let calendarId: string;
const USER = 'pull-full';
const EMAIL = 'pull-full@example.com';
const ref = () => ({ tenantId: 'default', userId: USER, calendarId });

async function googleEventIds(): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await google.events.list({
      calendarId: 'primary',
      maxResults: 2500,
      ...(pageToken ? { pageToken } : {}),
    });
    ids.push(...(data.items ?? []).map((e) => e.id!));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return ids.sort();
}

async function crmGoogleIds(): Promise<string[]> {
  const { rows } = await t.ctx.database.executeSql<{ google_event_id: string }>(
    'SELECT google_event_id FROM events WHERE calendar_id = $1 ORDER BY google_event_id',
    [calendarId],
  );
  return rows.map((r) => r.google_event_id).sort();
}

beforeAll(async () => {
  // No workers: only the pulls this file runs touch the calendar.
  t = await startTestApp({ workers: false });
  calendarId = await connectWithoutWorkers(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
});
afterEach(async () => {
  await emulatorAdmin(t, 'DELETE', '/faults');
});
afterAll(async () => {
  await t?.close();
});

describe('full sync', () => {
  it('recovers from 410 with a full listing that reconciles deletions', async () => {
    const made = [];
    for (const summary of ['Keep A', 'Drop B', 'Keep C']) {
      const { data } = await google.events.insert({
        calendarId: 'primary',
        requestBody: {
          summary,
          start: { dateTime: '2031-06-01T10:00:00Z' },
          end: { dateTime: '2031-06-01T11:00:00Z' },
        },
      });
      made.push(data);
    }
    expect((await syncNow(t, USER)).created).toBe(3);

    // Deleted in Google, and the sync token expires before any pull sees the deletion.
    await google.events.delete({ calendarId: 'primary', eventId: made[1]!.id! });
    await emulatorAdmin(t, 'POST', '/sync-tokens/expire');
    await resetGoogleCalls(t);
    const result = await syncNow(t, USER);
    expect(result.calendars[0]).toMatchObject({ status: 'pulled', full_sync: true, deleted: 1, created: 0 });
    // The refused incremental list, then the full listing (one page).
    expect(await googleCalls(t)).toEqual({ 'calendar.events.list': 2 });
    const titles = (await listAllEvents(t, USER)).map((i) => i.title).sort();
    expect(titles).toEqual(['Keep A', 'Keep C']);
    expect(await crmGoogleIds()).toEqual(await googleEventIds());
  });

  it('resumes a full sync cut short after two pages, without duplicates', async () => {
    await seedEvents(t, EMAIL, 45, 'Resume');
    const total = (await googleEventIds()).length;
    const pages = Math.ceil(total / 10);
    expect(pages).toBeGreaterThanOrEqual(4);

    const abort = new AbortController();
    await expect(
      t.ctx.services.pull.pull(ref(), {
        trigger: 'cli',
        full: true,
        pageSize: 10,
        signal: abort.signal,
        onPage: ({ pages: done }) => {
          if (done === 2) abort.abort();
        },
      }),
    ).rejects.toBeInstanceOf(PullAbortedError);
    const [calendar] = await listCalendars(t, USER);
    expect(calendar).toMatchObject({ sync_status: 'error' });

    // Meanwhile an event of the first page is deleted in Google.
    const firstPage = (await google.events.list({ calendarId: 'primary', maxResults: 10 })).data.items!;
    await google.events.delete({ calendarId: 'primary', eventId: firstPage[0]!.id! });

    await resetGoogleCalls(t);
    const resumed = await t.ctx.services.pull.pull(ref(), { trigger: 'retry', pageSize: 10 });
    expect(resumed).toMatchObject({ status: 'pulled', fullSync: true, pages: pages - 2 });
    // Only the pages not stored yet are listed again.
    expect(await googleCalls(t)).toEqual({ 'calendar.events.list': pages - 2 });
    const stored = await storedRows(t, calendarId);
    expect(stored.rows).toBe(stored.distinct);

    // The next incremental pull (from the listing's snapshot) brings the deletion.
    const next = await t.ctx.services.pull.pull(ref(), { trigger: 'retry', pageSize: 10 });
    expect(next).toMatchObject({ fullSync: false, deleted: 1 });
    expect(await crmGoogleIds()).toEqual(await googleEventIds());
    expect((await listCalendars(t, USER))[0]).toMatchObject({ sync_status: 'idle', last_error: null });
  });

  it('survives a page that keeps failing: the pull fails, the next run completes', async () => {
    await seedEvents(t, EMAIL, 20, 'Fault');
    await expect(
      t.ctx.services.pull.pull(ref(), {
        trigger: 'cli',
        full: true,
        pageSize: 25,
        onPage: async ({ pages }) => {
          // From the third page on, Google answers 503 whatever the retries.
          if (pages === 2) {
            await emulatorAdmin(t, 'POST', '/faults', {
              match: { method: 'calendar.events.list' },
              count: 100,
              action: { status: 503 },
            });
          }
        },
      }),
    ).rejects.toBeInstanceOf(GoogleUnavailableError);
    expect((await listCalendars(t, USER))[0]).toMatchObject({ sync_status: 'error' });
    expect((await listCalendars(t, USER))[0]!.last_error).toMatch(/503/);

    await emulatorAdmin(t, 'DELETE', '/faults');
    const done = await t.ctx.services.pull.pull(ref(), { trigger: 'retry', pageSize: 25 });
    expect(done).toMatchObject({ status: 'pulled', fullSync: true });
    const stored = await storedRows(t, calendarId);
    expect(stored.rows).toBe(stored.distinct);
    expect(await crmGoogleIds()).toEqual(await googleEventIds());
  }, 60_000);

  it('retries rate limits with backoff', async () => {
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'calendar.events.list' },
      count: 2,
      action: { status: 429 },
    });
    await resetGoogleCalls(t);
    const result = await syncNow(t, USER);
    expect(result.calendars[0]).toMatchObject({ status: 'pulled' });
    expect(await googleCalls(t)).toEqual({ 'calendar.events.list': 3 });
  });

  it('skips and counts an event it cannot read; the rest of the page lands', async () => {
    const writer = new PageWriter({
      db: t.ctx.db,
      clock: t.ctx.clock,
      logger: t.ctx.logger,
      activities: t.ctx.services.activities,
      metrics: t.ctx.services.pullMetrics,
    });
    const counts = await writer.write(
      { ref: ref(), calendarTimeZone: 'UTC', generation: null, finish: async () => undefined },
      [
        {
          id: 'readable0001',
          status: 'confirmed',
          etag: '"1"',
          summary: 'Fine',
          start: { dateTime: '2031-09-01T10:00:00Z' },
          end: { dateTime: '2031-09-01T11:00:00Z' },
        },
        {
          id: 'unreadable01',
          status: 'confirmed',
          etag: '"2"',
          summary: 'Broken',
          start: { dateTime: 'not a time' },
          end: { dateTime: '2031-09-01T11:00:00Z' },
        },
        {
          id: 'unreadable02',
          status: 'confirmed',
          etag: '"3"',
          summary: 'No zone',
          start: { dateTime: '2031-09-01T10:00:00', timeZone: 'Mars/Olympus' },
          end: { dateTime: '2031-09-01T11:00:00Z' },
        },
      ],
    );
    expect(counts).toMatchObject({ fetched: 3, created: 1, skipped: 2 });
    expect((await listAllEvents(t, USER, { q: 'fine' })).map((i) => i.title)).toEqual(['Fine']);
    const metrics = await t.ctx.metrics.render();
    expect(metrics.body).toMatch(/sync_pull_events_total\{outcome="skipped"\} 2/);
  });

  it('keeps each connection under its per-minute request budget, shared through the database', async () => {
    const connection = (await t.ctx.services.connections.find({ tenantId: 'default', userId: USER }))!;
    const clock = new ManualClock(new Date('2031-01-01T10:00:30Z'));
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock.advance(ms);
    };
    const budget = new RequestBudget(t.ctx.db, clock, { perMinute: 3 }, sleep);
    const other = new RequestBudget(t.ctx.db, clock, { perMinute: 3 }, sleep); // another process
    await budget.take(connection.id);
    await other.take(connection.id);
    await budget.take(connection.id);
    expect(sleeps).toEqual([]);
    await other.take(connection.id); // the fourth in this minute waits for the next window
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(30_000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2031-01-01T10:01:00Z'));
    const { rows } = await t.ctx.database.executeSql<{ requests: number }>(
      "SELECT requests FROM google_request_budget WHERE connection_id = $1 AND window_start >= '2031-01-01' ORDER BY window_start",
      [connection.id],
    );
    expect(rows.map((r) => Number(r.requests))).toEqual([4, 1]);

    const stuck = new RequestBudget(
      t.ctx.db,
      clock,
      { perMinute: 1, maxWaitMs: 10_000 },
      async () => undefined,
    );
    await expect(stuck.take(connection.id)).rejects.toBeInstanceOf(RateLimitedError);
    expect(await budget.purge(new Date('2031-01-02T00:00:00Z'))).toBeGreaterThanOrEqual(2);
  });
});
