import type { AppContext } from '../app.js';
import type { AnyJobDefinition, JobDefinition, JobInfo } from '../../adapters/queue/definition.js';
import type { JobName, JobPayloads } from '../../adapters/queue/job-map.js';

/**
 * Registers a handler for every job in this process (the `serve` and `worker` roles). Each
 * queue runs up to `concurrency` jobs at once (default WORKER_CONCURRENCY): one poller fetching
 * batches of that size, or, for long-running kinds, that many pollers of one job each.
 */
export async function startWorkers(
  ctx: AppContext,
  definitions: readonly AnyJobDefinition[] = ctx.jobs,
): Promise<void> {
  for (const definition of definitions) await startWorker(ctx, definition);
  ctx.logger.info({ jobs: definitions.map((d) => d.name) }, 'Job workers started');
}

async function startWorker<K extends JobName>(ctx: AppContext, definition: JobDefinition<K>): Promise<void> {
  const concurrency = definition.concurrency ?? ctx.config.workerConcurrency;
  const handler = (data: JobPayloads[K], job: JobInfo) => definition.handle(data, job);
  const polling =
    definition.pollingIntervalSeconds === undefined
      ? {}
      : { pollingIntervalSeconds: definition.pollingIntervalSeconds };
  if (definition.longRunning !== true) {
    await ctx.queue.work(definition.name, handler, { batchSize: concurrency, ...polling });
    return;
  }
  for (let poller = 0; poller < concurrency; poller += 1) {
    await ctx.queue.work(definition.name, handler, { batchSize: 1, ...polling });
  }
}

/**
 * Makes the stored cron schedules match the job definitions: creates or updates each schedule and
 * removes schedules of jobs that no longer have one.
 */
export async function applySchedules(
  ctx: AppContext,
  definitions: readonly AnyJobDefinition[] = ctx.jobs,
): Promise<void> {
  for (const definition of definitions) await applySchedule(ctx, definition);
}

async function applySchedule<K extends JobName>(
  ctx: AppContext,
  definition: JobDefinition<K>,
): Promise<void> {
  const schedule = definition.schedule?.(ctx.config);
  if (schedule === undefined) {
    await ctx.queue.unschedule(definition.name);
    return;
  }
  await ctx.queue.schedule(definition.name, schedule.cron, schedule.data);
}
