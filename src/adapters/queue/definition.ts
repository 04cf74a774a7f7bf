import type { Config } from '../config.js';
import type { JobName, JobPayloads } from './job-map.js';

/** What a handler learns about the job it runs, besides the payload. */
export interface JobInfo {
  id: string;
  name: string;
  /** 0 on the first attempt. */
  retryCount: number;
}

/** Queue-level options, applied when the queue is created or updated at start. */
export interface JobQueueOptions {
  /** Attempts after the first failure. */
  retryLimit?: number;
  /** Seconds before the first retry. */
  retryDelay?: number;
  /** Doubles the delay on each retry (with jitter, by pg-boss). */
  retryBackoff?: boolean;
  /**
   * A job running longer than this is failed (and retried). A job whose process died is failed
   * sooner: JOB_SILENCE_SECONDS after its last heartbeat (src/adapters/queue/queue.ts).
   */
  expireInSeconds?: number;
  /**
   * pg-boss queue policy: 'singleton' runs one active job at a time per queue, 'stately' also
   * keeps at most one queued; both honour singletonKey per key.
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
}

/** A cron schedule for a job; `cron` in UTC, at minute granularity. */
export interface JobSchedule<K extends JobName> {
  cron: string;
  data: JobPayloads[K];
}

/** One background job: its queue options, optional schedule, and handler. */
export interface JobDefinition<K extends JobName> {
  name: K;
  queue?: JobQueueOptions;
  /** Jobs of this kind one worker process runs at once. Defaults to the WORKER_CONCURRENCY setting. */
  concurrency?: number;
  /**
   * For jobs that can run long (a full sync). pg-boss 10 fetches the next batch only when the
   * whole previous batch is done, so one long job in a batch would hold back the jobs queued
   * behind it; a long-running kind is worked by `concurrency` independent pollers of one job each.
   */
  longRunning?: boolean;
  /**
   * Seconds between polls of the queue while it is idle (default: the queue's setting, 0.5 s).
   * Scheduled maintenance polls seldom (MAINTENANCE_POLLING_SECONDS): its cron jobs start up to
   * that much later, which costs nothing, while each idle poll is a query on the database.
   */
  pollingIntervalSeconds?: number;
  /** Returns the schedule, or undefined for jobs that are only sent. */
  schedule?: (config: Config) => JobSchedule<K> | undefined;
  /** Runs one job; the collaborators it uses are bound when the job list is built (src/app/jobs). */
  handle(data: JobPayloads[K], job: JobInfo): Promise<void>;
}

/** Any job definition, as listed in the registry. */
export type AnyJobDefinition = { [K in JobName]: JobDefinition<K> }[JobName];

/** Declares a job with its payload type inferred from the job map. */
export function defineJob<K extends JobName>(definition: JobDefinition<K>): JobDefinition<K> {
  return definition;
}

/** Idle polling of queues whose jobs only come from cron schedules (see `pollingIntervalSeconds`). */
export const MAINTENANCE_POLLING_SECONDS = 15;
