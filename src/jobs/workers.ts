import type { AppContext } from '../app.js';
import type { AnyJobDefinition, JobDefinition } from './definition.js';
import { jobDefinitions } from './handlers/index.js';
import type { JobName } from './job-map.js';

/**
 * Registers a handler for every job in this process (the `serve` and `worker` roles). Each
 * queue is polled by one poller that runs up to `concurrency` jobs at once (default
 * WORKER_CONCURRENCY).
 */
export async function startWorkers(
  ctx: AppContext,
  definitions: readonly AnyJobDefinition[] = jobDefinitions,
): Promise<void> {
  for (const definition of definitions) await startWorker(ctx, definition);
  ctx.logger.info({ jobs: definitions.map((d) => d.name) }, 'Job workers started');
}

async function startWorker<K extends JobName>(ctx: AppContext, definition: JobDefinition<K>): Promise<void> {
  await ctx.queue.work(definition.name, (data, job) => definition.handle(ctx, data, job), {
    batchSize: definition.concurrency ?? ctx.config.workerConcurrency,
  });
}

/**
 * Makes the stored cron schedules match the job definitions: creates or updates each schedule and
 * removes schedules of jobs that no longer have one.
 */
export async function applySchedules(
  ctx: AppContext,
  definitions: readonly AnyJobDefinition[] = jobDefinitions,
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
