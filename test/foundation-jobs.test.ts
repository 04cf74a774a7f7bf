import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../src/jobs/definition.js';
import { JobQueue } from '../src/jobs/queue.js';
import { startTestApp, type TestApp } from './support/harness.js';
import './support/test-jobs.js';

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

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function jobRows(name: string): Promise<{ id: string; state: string; data: unknown }[]> {
  const { rows } = await t.ctx.database.executeSql<{ id: string; state: string; data: unknown }>(
    'SELECT id, state, data FROM pgboss.job WHERE name = $1 ORDER BY created_on',
    [name],
  );
  return rows;
}

const received: { value: string; at: number }[] = [];

describe('pg-boss on the service database', () => {
  it('runs a sent job within about a second', async () => {
    await t.ctx.queue.work('test.record', async (data) => {
      received.push({ value: data.value, at: Date.now() });
    });
    const sentAt = Date.now();
    const id = await t.ctx.queue.send('test.record', { value: 'plain' });
    expect(id).toEqual(expect.any(String));
    const run = await waitFor(() => received.find((r) => r.value === 'plain'));
    expect(run.at - sentAt).toBeLessThan(2_000);
    const job = await waitFor(async () => {
      const found = await t.ctx.queue.getJob('test.record', id!);
      return found?.state === 'completed' ? found : undefined;
    });
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
    await new Promise((resolve) => setTimeout(resolve, 1_500));
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
    await waitFor(() => received.find((r) => r.value === 'committed'));
  });

  it('retries a failing job with its queue options', async () => {
    const attempts: JobInfo[] = [];
    await t.ctx.queue.work('test.flaky', async (_data, job) => {
      attempts.push(job);
      if (job.retryCount === 0) throw new Error('transient failure');
    });
    const id = await t.ctx.queue.send('test.flaky', { value: 'x' });
    await waitFor(async () =>
      (await t.ctx.queue.getJob('test.flaky', id!))?.state === 'completed' ? true : undefined,
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
    const rows = await waitFor(async () => {
      const found = await jobRows('test.cron');
      return found.length > 0 ? found : undefined;
    }, 20_000);
    expect(rows[0]!.data).toEqual({ tick: 'every-minute' });
    await t.ctx.queue.unschedule('test.cron');
    expect((await t.ctx.queue.schedules()).some((s) => s.name === 'test.cron')).toBe(false);
  });

  it('starts a job sent to a seldom-polled queue at once, when sent from the same process', async () => {
    const seen: { value: string; at: number }[] = [];
    await t.ctx.queue.ensureQueue('test.seldom');
    await t.ctx.queue.work(
      'test.seldom',
      async (data) => {
        seen.push({ value: data.value, at: Date.now() });
      },
      { pollingIntervalSeconds: 60, batchSize: 5 },
    );
    // The worker's first poll finds nothing; its next one is a minute away.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Another process's queue on the same database: its send does not reach this worker.
    const other = new JobQueue(t.ctx.database, t.ctx.logger, t.ctx.metrics, {
      maintenance: false,
      schedules: false,
    });
    await other.start();
    try {
      await other.send('test.seldom', { value: 'from-elsewhere' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(seen).toEqual([]);
    } finally {
      await other.stop();
    }
    const sentAt = Date.now();
    await t.ctx.queue.send('test.seldom', { value: 'from-here' });
    await waitFor(() => (seen.length === 2 ? true : undefined), 5_000);
    expect(seen.map((s) => s.value).sort()).toEqual(['from-elsewhere', 'from-here']);
    expect(Math.max(...seen.map((s) => s.at)) - sentAt).toBeLessThan(2_000);
  });

  it('lets a running job finish on graceful shutdown', async () => {
    let started = false;
    let finished = false;
    await t.ctx.queue.work('test.slow', async (data) => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, data.ms));
      finished = true;
    });
    const id = await t.ctx.queue.send('test.slow', { ms: 1_500 });
    await waitFor(() => (started ? true : undefined));
    expect(finished).toBe(false);
    await t.ctx.queue.stop({ graceful: true });
    expect(finished).toBe(true);
    expect(t.ctx.queue.started).toBe(false);
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.jobs).toBe('stopped');
    const state = await waitFor(async () => {
      const rows = await jobRows('test.slow');
      const row = rows.find((r) => r.id === id);
      return row?.state === 'completed' ? row.state : undefined;
    }, 5_000);
    expect(state).toBe('completed');
    await expect(t.ctx.queue.send('test.record', { value: 'after-stop' })).rejects.toThrow(/not started/);
  });
});
