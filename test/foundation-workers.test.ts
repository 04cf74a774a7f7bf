import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../src/adapters/queue/definition.js';
import { startWorkers } from '../src/app/jobs/workers.js';
import { startTestApp, type TestApp } from './support/harness.js';
import './support/test-jobs.js';
import { waitFor } from './support/wait-for.js';

let t: TestApp;
const started: string[] = [];
const releases = new Map<string, () => void>();

beforeAll(async () => {
  t = await startTestApp({ workers: false, env: { WORKER_CONCURRENCY: '2' } });
  const longJob = defineJob({
    name: 'test.long',
    longRunning: true,
    async handle(data) {
      started.push(data.key);
      await new Promise<void>((resolve) => releases.set(data.key, resolve));
    },
  });
  await startWorkers(t.ctx, [longJob]);
});
afterAll(async () => {
  for (const release of releases.values()) release();
  await t?.close();
});

describe('long-running job workers', () => {
  it('start a job sent while another of the same kind is still running', async () => {
    await t.ctx.queue.send('test.long', { key: 'first' });
    await waitFor('the first job to start', () => started.includes('first'));
    // With one poller fetching batches, 'second' would wait until 'first' is released.
    await t.ctx.queue.send('test.long', { key: 'second' });
    await waitFor('the second job to start', () => started.includes('second'));
    expect(releases.has('first')).toBe(true);
    releases.get('first')!();
    releases.get('second')!();
  });
});
