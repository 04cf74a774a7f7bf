import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../src/adapters/queue/definition.js';
import type { SqlExecutor } from '../src/adapters/db/database.js';
import { JobQueue } from '../src/adapters/queue/queue.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { countJobFetches } from './support/job-fetches.js';
import './support/test-jobs.js';
import { waitFor } from './support/wait-for.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    workers: false,
    schedules: true,
    jobs: { cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1 },
  });
  await t.ctx.queue.ensureQueue('test.record');
  await t.ctx.queue.ensureQueue('test.flaky', { retryLimit: 2, retryDelay: 1, retryBackoff: true });
  await t.ctx.queue.ensureQueue('test.slow');
  await t.ctx.queue.ensureQueue('test.singleton', { policy: 'stately' });
});
afterAll(async () => {
  await t?.close();
});

async function jobRows(name: string): Promise<{ id: string; state: string; data: unknown }[]> {
  const { rows } = await t.ctx.database.executeSql<{ id: string; state: string; data: unknown }>(
    'SELECT id, state, data FROM pgboss.job WHERE name = $1 ORDER BY created_on',
    [name],
  );
  return rows;
}

const received: { value: string }[] = [];
const runsOf = (value: string) => received.filter((r) => r.value === value);

describe('pg-boss on the service database', () => {
  it('runs a sent job once and completes it', async () => {
    await t.ctx.queue.work('test.record', async (data) => {
      received.push({ value: data.value });
    });
    const id = await t.ctx.queue.send('test.record', { value: 'plain' });
    expect(id).toEqual(expect.any(String));
    const job = await waitFor('the job to complete', async () => {
      const found = await t.ctx.queue.getJob('test.record', id!);
      return found?.state === 'completed' ? found : undefined;
    });
    expect(runsOf('plain')).toHaveLength(1);
    expect(job.data).toEqual({ value: 'plain' });
    const metrics = await t.ctx.metrics.render();
    expect(metrics.body).toMatch(/jobs_total\{name="test.record",outcome="completed"\} [1-9]/);
    expect(metrics.body).toMatch(/job_duration_seconds_count\{name="test.record"\} [1-9]/);
  });

  it('drops a job sent inside a transaction that rolls back', async () => {
    const failure = new Error('the change failed');
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({ tenant_id: 'default', id: 'outbox-rollback', name: null, email: null })
          .execute();
        await t.ctx.queue.send('test.record', { value: 'rolled-back' }, { trx });
        throw failure;
      }),
    ).rejects.toBe(failure);
    // A job sent after it runs after it (the worker fetches in order of creation), so once this
    // one ran, the rolled-back one would have run too had it been written.
    await t.ctx.queue.send('test.record', { value: 'after-the-rollback' });
    await waitFor('the later job to run', () => runsOf('after-the-rollback').length === 1);
    expect(received.some((r) => r.value === 'rolled-back')).toBe(false);
    expect(
      (await jobRows('test.record')).some((row) => JSON.stringify(row.data).includes('rolled-back')),
    ).toBe(false);
    const user = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', 'outbox-rollback')
      .executeTakeFirst();
    expect(user).toBeUndefined();
  });

  it('runs a job sent inside a transaction once it commits', async () => {
    await t.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('users')
        .values({ tenant_id: 'default', id: 'outbox-commit', name: null, email: null })
        .execute();
      const id = await t.ctx.queue.send('test.record', { value: 'committed' }, { trx });
      expect(id).toEqual(expect.any(String));
    });
    await waitFor('the committed job to run', () => runsOf('committed').length === 1);
  });

  it('retries a failing job with its queue options', async () => {
    const attempts: JobInfo[] = [];
    await t.ctx.queue.work('test.flaky', async (_data, job) => {
      attempts.push(job);
      if (job.retryCount === 0) throw new Error('transient failure');
    });
    const id = await t.ctx.queue.send('test.flaky', { value: 'x' });
    await waitFor(
      'the retried job to complete',
      async () => (await t.ctx.queue.getJob('test.flaky', id!))?.state === 'completed',
    );
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1]);
    const metrics = (await t.ctx.metrics.render()).body;
    expect(metrics).toContain('jobs_total{name="test.flaky",outcome="failed"} 1');
    expect(metrics).toContain('jobs_total{name="test.flaky",outcome="completed"} 1');
  });

  it('collapses jobs with the same singleton key on a stately queue', async () => {
    const first = await t.ctx.queue.send('test.singleton', { key: 'a' }, { singletonKey: 'calendar-1' });
    const second = await t.ctx.queue.send('test.singleton', { key: 'a' }, { singletonKey: 'calendar-1' });
    const other = await t.ctx.queue.send('test.singleton', { key: 'b' }, { singletonKey: 'calendar-2' });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    expect(other).toEqual(expect.any(String));
  });

  it('turns a cron schedule into jobs', async () => {
    await t.ctx.queue.schedule('test.cron', '* * * * *', { tick: 'every-minute' });
    expect(await t.ctx.queue.schedules()).toEqual(
      expect.arrayContaining([{ name: 'test.cron', cron: '* * * * *' }]),
    );
    const rows = await waitFor(
      'a job from the schedule',
      async () => {
        const found = await jobRows('test.cron');
        return found.length > 0 ? found : undefined;
      },
      20_000,
    );
    expect(rows[0]!.data).toEqual({ tick: 'every-minute' });
    await t.ctx.queue.unschedule('test.cron');
    expect((await t.ctx.queue.schedules()).some((s) => s.name === 'test.cron')).toBe(false);
  });

  it('starts a job sent to a seldom-polled queue at once, when sent from the same process', async () => {
    const seen: { value: string }[] = [];
    await t.ctx.queue.ensureQueue('test.seldom');
    const fetches = countJobFetches(t.ctx.database, 'test.seldom');
    try {
      await t.ctx.queue.work(
        'test.seldom',
        async (data) => {
          seen.push({ value: data.value });
        },
        { pollingIntervalSeconds: 60, batchSize: 5 },
      );
      // The worker's first poll finds nothing; its next one is a minute away.
      await waitFor('the first poll', () => fetches.outcomes.length === 1);
      expect(fetches.outcomes).toEqual([0]);
      // Another process's queue on the same database: its send does not reach this worker.
      const other = new JobQueue(t.ctx.database, t.ctx.logger, t.ctx.metrics, {
        maintenance: false,
        schedules: false,
      });
      await other.start();
      try {
        await other.send('test.seldom', { value: 'from-elsewhere' });
      } finally {
        await other.stop();
      }
      expect(seen).toEqual([]);
      expect(fetches.outcomes).toEqual([0]);
      // A send from this process wakes the worker: one fetch takes both jobs, long before the
      // next poll (a minute away, past this wait's timeout).
      await t.ctx.queue.send('test.seldom', { value: 'from-here' });
      await waitFor('both jobs to run', () => seen.length === 2, 5_000);
      expect(seen.map((s) => s.value).sort()).toEqual(['from-elsewhere', 'from-here']);
      expect(fetches.outcomes).toEqual([0, 2]);
    } finally {
      fetches.stop();
    }
  });

  it('lets a running job finish on graceful shutdown', async () => {
    let started = false;
    let finished = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await t.ctx.queue.work('test.slow', async () => {
      started = true;
      await released;
      finished = true;
    });
    const slowForMs = 1_000;
    const id = await t.ctx.queue.send('test.slow', { ms: slowForMs });
    await waitFor('the slow job to start', () => started);
    expect(finished).toBe(false);
    // The job runs until released, and that happens only after stop() was called: stop must not
    // return before it, however late it comes (the delay only gives a stop that does not wait
    // the time to return early).
    const stopping = t.ctx.queue.stop({ graceful: true });
    setTimeout(release, slowForMs);
    await stopping;
    expect(finished).toBe(true);
    expect(t.ctx.queue.started).toBe(false);
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.jobs).toBe('stopped');
    const state = await waitFor(
      'the slow job to be completed',
      async () => {
        const rows = await jobRows('test.slow');
        const row = rows.find((r) => r.id === id);
        return row?.state === 'completed' ? row.state : undefined;
      },
      5_000,
    );
    expect(state).toBe('completed');
    await expect(t.ctx.queue.send('test.record', { value: 'after-stop' })).rejects.toThrow(/not started/);
  });

  it('leaves no failed promise behind when a job ends after its queue stopped and the database closed', async () => {
    // pg-boss completes or fails a job without awaiting the statement; a job that outlives a
    // non-graceful stop ends against a closed database. That must not surface as an unhandled
    // rejection (which fails a test run and, in production, is logged as a crash).
    let closed = false;
    const closable: SqlExecutor = {
      executeSql: async (text, values) => {
        if (closed) throw new Error('The database is closed');
        return t.ctx.database.executeSql(text, values);
      },
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const queue = new JobQueue(closable, t.ctx.logger, t.ctx.metrics, {
      maintenance: false,
      schedules: false,
    });
    let started = false;
    let ended = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    try {
      await queue.start([{ name: 'test.long' }]);
      await queue.work('test.long', async () => {
        started = true;
        await released;
        ended = true;
      });
      await queue.send('test.long', { key: 'outlives-stop' });
      await waitFor('the job to start', () => started);
      await queue.stop({ graceful: false });
      closed = true;
      release();
      await waitFor('the job to end', () => ended);
      // What pg-boss does when a handler returns runs in the microtasks that follow; a rejection
      // nobody handles is reported once they have run, before the next turns of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
