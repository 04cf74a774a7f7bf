import { setTimeout as pace } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppContext } from '../src/app/app.js';
import { startWorkers } from '../src/app/jobs/workers.js';
import type { PullEvent } from '../src/modules/pull/pull.service.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import { connectAndSync, seedEvents, storedRows } from './support/sync-pull.js';
import { googleAs } from './support/emulator-client.js';
import { countJobFetches } from './support/job-fetches.js';
import { waitFor } from './support/wait-for.js';

declare module '../src/adapters/queue/job-map.js' {
  interface JobPayloads {
    /** Test: a job that runs until the test releases its key (queue-policy semantics). */
    'test.hold-stately': { key: string };
    /** Test: the same on a `short` queue. */
    'test.hold-short': { key: string };
  }
}

describe('pg-boss 10 queue policies, as the pull relies on them', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ workers: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps at most one queued pull per calendar (singleton key on the `short` queue)', async () => {
    const data = { tenantId: 'default', userId: 'u', calendarId: 'cal-1', trigger: 'webhook' as const };
    const first = await t.ctx.queue.send('calendar.pull', data, { singletonKey: 'cal-1' });
    const second = await t.ctx.queue.send('calendar.pull', data, { singletonKey: 'cal-1' });
    const other = await t.ctx.queue.send(
      'calendar.pull',
      { ...data, calendarId: 'cal-2' },
      { singletonKey: 'cal-2' },
    );
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(other).not.toBeNull();
  });

  /**
   * Why pulls do not use `stately`: a queued job whose key is active makes pg-boss's whole fetch
   * fail (a unique violation it swallows), so one long pull would hold back every other calendar.
   */
  async function holdScenario(name: 'test.hold-stately' | 'test.hold-short', policy: 'stately' | 'short') {
    await t.ctx.queue.ensureQueue(name, { policy });
    const started: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Two pollers (a pg-boss worker waits for its whole batch before fetching again).
    for (let poller = 0; poller < 2; poller++) {
      await t.ctx.queue.work(
        name,
        async ({ key }) => {
          started.push(key);
          if (key === 'a' && started.filter((k) => k === 'a').length === 1) await released;
        },
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
      );
    }
    await t.ctx.queue.send(name, { key: 'a' }, { singletonKey: 'a' });
    await waitFor('the first job to start', async () => (started.includes('a') ? true : undefined));
    // While 'a' is held, the free poller polls on: four of its fetches (two seconds of polling)
    // settle after the next two sends, and what started by then is what the policy let through.
    const fetches = countJobFetches(t.ctx.database, name);
    let whileHeld: string[];
    try {
      await t.ctx.queue.send(name, { key: 'a' }, { singletonKey: 'a' });
      await t.ctx.queue.send(name, { key: 'b' }, { singletonKey: 'b' });
      const settledBefore = fetches.outcomes.length;
      await waitFor(
        'four polls while the first job is held',
        () => fetches.outcomes.length >= settledBefore + 4,
      );
      whileHeld = [...started];
    } finally {
      fetches.stop();
    }
    release();
    await waitFor('every job to start', async () => (started.length === 3 ? true : undefined));
    return whileHeld;
  }

  it('`stately`: a queued job whose key is active blocks other keys', async () => {
    expect(await holdScenario('test.hold-stately', 'stately')).toEqual(['a']);
  });

  it("`short`: other keys run meanwhile (one run per calendar is the pull lease's job)", async () => {
    expect((await holdScenario('test.hold-short', 'short')).sort()).toEqual(['a', 'a', 'b']);
  });
});

const pg = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '';

describe.skipIf(!pg)(
  'two worker processes on PostgreSQL (skipped without DATABASE_URL: runs in the PostgreSQL pass)',
  () => {
    let t: TestApp;
    let second: AppContext;
    const USER = 'pull-two-workers';
    const EMAIL = 'pull-two-workers@example.com';

    beforeAll(async () => {
      t = await startTestApp();
      // A second process on the same database: its own pool, job queue, workers and pull service.
      second = await createApp(t.config, { logger: t.ctx.logger, migrate: false });
      await startWorkers(second);
    });
    afterAll(async () => {
      await second?.close();
      await t?.close();
    });

    it('pulls a calendar in one process at a time, whatever triggers the pulls', async () => {
      const calendar = await connectAndSync(t, USER, EMAIL);
      await seedEvents(t, EMAIL, 60, 'Two');
      const google = await googleAs(t, EMAIL);
      const ref = { tenantId: 'default', userId: USER, calendarId: calendar.id };

      const intervals: { process: number; start: number; end: number }[] = [];
      const open = new Map<number, number>();
      const observer = (process: number) => (event: PullEvent) => {
        if (event.type === 'started') open.set(process, event.at);
        else intervals.push({ process, start: open.get(process) ?? event.at, end: event.at });
      };
      const stops = [t.ctx.services.pull.observe(observer(1)), second.services.pull.observe(observer(2))];
      // Slow listings make overlaps likely if the exclusion did not hold.
      await emulatorAdmin(t, 'POST', '/faults', {
        match: { method: 'calendar.events.list' },
        count: 10_000,
        action: { hangMs: 120 },
      });

      const outcomes: { process: number; status: string }[] = [];
      const manual: Promise<unknown>[] = [];
      // Both processes compete: one was turned away ('busy') while another pulled. (Which one wins
      // the lease, and whether the other ever gets it, depends on timing.)
      const competed = () => {
        const pulledBy = new Set(intervals.map((i) => i.process));
        const refusedBy = new Set(outcomes.filter((o) => o.status === 'busy').map((o) => o.process));
        return (
          intervals.length > 3 &&
          new Set([...pulledBy, ...refusedBy]).size === 2 &&
          [...refusedBy].some((p) => [...pulledBy].some((q) => q !== p))
        );
      };
      // At least 60 rounds of triggers (webhook jobs, manual pulls, Google changes), then on until
      // the processes have competed; 60 ms apart so that they spread over several pulls.
      for (let n = 1; n <= 60 || !competed(); n += 1) {
        if (n > 600)
          throw new Error(`the processes never competed: ${JSON.stringify({ intervals, outcomes })}`);
        const process = n % 2 === 0 ? 1 : 2;
        const ctx = process === 1 ? t.ctx : second;
        await ctx.queue.send(
          'calendar.pull',
          { ...ref, trigger: 'webhook' },
          { singletonKey: ref.calendarId },
        );
        manual.push(
          ctx.services.pull
            .pull(ref, { trigger: 'manual', pageSize: 25 })
            .then((o) => outcomes.push({ process, status: o.status })),
        );
        if (n % 5 === 0) {
          await google.events.insert({
            calendarId: 'primary',
            requestBody: {
              summary: `Burst ${n}`,
              start: { dateTime: '2031-08-01T10:00:00Z' },
              end: { dateTime: '2031-08-01T11:00:00Z' },
            },
          });
        }
        await pace(60);
      }
      await waitFor(
        'the pulls to settle',
        async () => {
          const { rows } = await t.ctx.database.executeSql<{ n: string }>(
            "SELECT count(*) AS n FROM pgboss.job WHERE name = 'calendar.pull' AND state IN ('created', 'active', 'retry')",
          );
          const leased = await t.ctx.database.executeSql<{ n: string }>(
            'SELECT count(*) AS n FROM calendars WHERE id = $1 AND pull_lease_owner IS NOT NULL',
            [ref.calendarId],
          );
          return Number(rows[0]!.n) === 0 && Number(leased.rows[0]!.n) === 0 ? true : undefined;
        },
        60_000,
      );
      await Promise.all(manual);
      await emulatorAdmin(t, 'DELETE', '/faults');
      for (const stop of stops) stop();

      intervals.sort((a, b) => a.start - b.start);
      expect(intervals.length).toBeGreaterThan(3);
      // Both processes competed for the calendar: one was turned away ('busy') while another pulled.
      const pulledBy = new Set(intervals.map((i) => i.process));
      const refusedBy = new Set(outcomes.filter((o) => o.status === 'busy').map((o) => o.process));
      expect(new Set([...pulledBy, ...refusedBy])).toEqual(new Set([1, 2]));
      expect([...refusedBy].some((p) => [...pulledBy].some((q) => q !== p))).toBe(true);
      for (let i = 1; i < intervals.length; i++) {
        expect(intervals[i]!.start, `pull ${i} started before pull ${i - 1} ended`).toBeGreaterThanOrEqual(
          intervals[i - 1]!.end,
        );
      }
      const stored = await storedRows(t, ref.calendarId);
      expect(stored.rows).toBe(stored.distinct);
    }, 90_000);
  },
);
