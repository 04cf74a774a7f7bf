import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { transactionExecutor, type DbTransaction, type SqlExecutor } from '../db/database.js';
import type { Metrics } from '../observability/metrics.js';
import type { JobInfo, JobQueueOptions } from './definition.js';
import type { JobName, JobPayloads } from './job-map.js';

/** pg-boss send options, plus `trx`: insert the job inside that Kysely transaction (outbox). */
type SendOptions = Omit<PgBoss.SendOptions, 'db'> & { trx?: DbTransaction };

type JobHandler<K extends JobName> = (data: JobPayloads[K], job: JobInfo) => Promise<void>;

interface WorkOptions {
  /** Jobs fetched per poll; they run concurrently, each completed or failed on its own. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
}

export interface JobQueueSettings {
  /** Seconds between polls of an idle queue; pg-boss's minimum is 0.5. */
  pollingIntervalSeconds?: number;
  /** Run pg-boss maintenance (expire, retry, archive, purge). Worker processes do. */
  maintenance: boolean;
  /** Run the cron timekeeper that turns schedules into jobs. Worker processes do. */
  schedules: boolean;
  /** Seconds between checks of the cron schedules (pg-boss default 30). */
  cronMonitorIntervalSeconds?: number;
  /** Seconds between polls of the internal cron queue (pg-boss default 5). */
  cronWorkerIntervalSeconds?: number;
}

/** Defaults that keep job pick-up within about a second of the send. */
const DEFAULT_POLLING_INTERVAL_SECONDS = 0.5;

/**
 * How a job whose process died (a crash, `kill -9`) is noticed: while a job runs, its process
 * extends the job's expiry every HEARTBEAT_SECONDS, so the job expires SILENCE_SECONDS after the
 * last heartbeat (pg-boss 10 has no heartbeat of its own: its expiry counts from the start).
 * Maintenance runs every MAINTENANCE_INTERVAL_SECONDS and fails expired jobs, which are then
 * retried with their queue's delay: a dead worker's job runs again within about 30 s. A job's
 * `expireInSeconds` still bounds how long it may run at all, heartbeats or not.
 */
const JOB_HEARTBEAT_SECONDS = 5;
const JOB_SILENCE_SECONDS = 20;
const MAINTENANCE_INTERVAL_SECONDS = 5;
/** pg-boss's own default when a queue sets no expiry. */
const DEFAULT_EXPIRE_IN_SECONDS = 15 * 60;

/**
 * The service's job queue: pg-boss 10 on the service's own database (through the same SQL path as
 * everything else, so on PGlite it shares the one serialized session). Typed by the job map.
 */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #executor: SqlExecutor;
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #settings: JobQueueSettings;
  readonly #queues = new Set<string>();
  /** The longest a job of each queue may run (its `expireInSeconds`), which heartbeats never pass. */
  readonly #maxRunSeconds = new Map<string, number>();
  /** Ids of the workers this process runs, per queue (for wake()). */
  readonly #workers = new Map<string, string[]>();
  /** Queues polled less often than this process's others: a job sent here wakes their workers. */
  readonly #slowQueues = new Set<string>();
  #started = false;
  #stopping = false;
  /** Set once stop() has returned: the database may be closed from then on. */
  #stopped = false;

  constructor(executor: SqlExecutor, logger: Logger, metrics: Metrics, settings: JobQueueSettings) {
    this.#executor = executor;
    this.#logger = logger.child({ component: 'jobs' });
    this.#metrics = metrics;
    this.#settings = settings;
    this.#boss = new PgBoss({
      db: { executeSql: (text, values) => this.#execute(text, values) },
      supervise: settings.maintenance,
      maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS,
      schedule: settings.schedules,
      pollingIntervalSeconds: settings.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
      ...(settings.cronMonitorIntervalSeconds !== undefined
        ? { cronMonitorIntervalSeconds: settings.cronMonitorIntervalSeconds }
        : {}),
      ...(settings.cronWorkerIntervalSeconds !== undefined
        ? { cronWorkerIntervalSeconds: settings.cronWorkerIntervalSeconds }
        : {}),
    });
    // pg-boss reports background failures (polling, maintenance) as events; an unhandled 'error'
    // event would crash the process.
    this.#boss.on('error', (error) => this.#logger.error({ err: error }, 'Job queue error'));
  }

  get started(): boolean {
    return this.#started && !this.#stopping;
  }

  /** Installs or migrates pg-boss's schema and creates the given queues. */
  async start(queues: readonly { name: JobName; queue?: JobQueueOptions }[] = []): Promise<void> {
    this.#stopped = false;
    await this.#boss.start();
    this.#started = true;
    for (const { name, queue } of queues) await this.ensureQueue(name, queue);
  }

  /**
   * Creates the queue if missing and applies the options (pg-boss 10 requires a queue before
   * send or work). Idempotent and safe when several processes start at once.
   */
  async ensureQueue(name: string, options: JobQueueOptions = {}): Promise<void> {
    const maxRunSeconds = options.expireInSeconds ?? DEFAULT_EXPIRE_IN_SECONDS;
    // Jobs start with the silence limit as their expiry; heartbeats extend it (see #run).
    const queue = {
      ...options,
      name,
      policy: options.policy ?? 'standard',
      expireInSeconds: Math.min(maxRunSeconds, JOB_SILENCE_SECONDS),
    };
    await this.#boss.createQueue(name, queue);
    await this.#boss.updateQueue(name, queue);
    this.#queues.add(name);
    this.#maxRunSeconds.set(name, maxRunSeconds);
  }

  /**
   * Enqueues a job; returns its id, or null when a singleton rule dropped it. With `trx` the job
   * row is written inside that transaction: it exists only if the transaction commits.
   */
  async send<K extends JobName>(
    name: K,
    data: JobPayloads[K],
    options: SendOptions = {},
  ): Promise<string | null> {
    this.#assertStarted();
    const { trx, ...sendOptions } = options;
    if (trx !== undefined) {
      return this.#boss.send(name, data, { ...sendOptions, db: transactionExecutor(trx) });
    }
    const id = await this.#boss.send(name, data, sendOptions);
    // Committed already: a seldom-polled queue's own workers need not wait for their next poll.
    if (id !== null && this.#slowQueues.has(name)) this.wake(name);
    return id;
  }

  /** Runs `handler` for jobs of `name` in this process until stop(). */
  async work<K extends JobName>(name: K, handler: JobHandler<K>, options: WorkOptions = {}): Promise<string> {
    this.#assertStarted();
    if (!this.#queues.has(name)) await this.ensureQueue(name);
    const processPolling = this.#settings.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS;
    const workOptions = {
      batchSize: options.batchSize ?? 1,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? processPolling,
      includeMetadata: true as const,
    };
    const workerId = await this.#boss.work<JobPayloads[K]>(name, workOptions, async (jobs) => {
      const failures: { id: string; error: unknown }[] = [];
      await Promise.all(
        jobs.map(async (job) => {
          const outcome = await this.#run(name, handler, job);
          if (outcome !== undefined) failures.push({ id: job.id, error: outcome });
        }),
      );
      // Fail each failed job on its own (retry or dead); pg-boss completes the rest on return.
      for (const { id, error } of failures) {
        await this.#boss.fail(name, id, serializeJobError(error));
      }
    });
    this.#workers.set(name, [...(this.#workers.get(name) ?? []), workerId]);
    if (workOptions.pollingIntervalSeconds > processPolling) this.#slowQueues.add(name);
    return workerId;
  }

  /**
   * Wakes this process's workers of `name` so that a job just committed is fetched now instead of
   * at the next poll (pg-boss polls every half second at best). A no-op where no worker runs.
   */
  wake(name: JobName): void {
    if (!this.started) return;
    for (const id of this.#workers.get(name) ?? []) this.#boss.notifyWorker(id);
  }

  /** Creates or replaces the cron schedule of `name` (UTC, minute granularity). */
  async schedule<K extends JobName>(name: K, cron: string, data: JobPayloads[K]): Promise<void> {
    this.#assertStarted();
    if (!this.#queues.has(name)) await this.ensureQueue(name);
    await this.#boss.schedule(name, cron, data, { tz: 'UTC' });
  }

  async unschedule(name: JobName): Promise<void> {
    await this.#boss.unschedule(name);
  }

  async schedules(): Promise<{ name: string; cron: string }[]> {
    const rows = await this.#boss.getSchedules();
    return rows.map((row) => ({ name: row.name, cron: row.cron }));
  }

  /** A job's state, for diagnostics and tests. */
  async getJob(name: JobName, id: string): Promise<PgBoss.JobWithMetadata<unknown> | null> {
    return this.#boss.getJobById(name, id, { includeArchive: true });
  }

  /**
   * Stops polling and scheduling. Graceful: running jobs finish first (up to `timeoutMs`), then
   * anything still running is failed so another worker retries it.
   */
  async stop(options: { graceful?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (!this.#started || this.#stopping) return;
    this.#stopping = true;
    await this.#boss.stop({
      graceful: options.graceful ?? true,
      wait: true,
      timeout: options.timeoutMs ?? 30_000,
      close: false,
    });
    this.#started = false;
    this.#stopping = false;
    this.#stopped = true;
  }

  /**
   * pg-boss's statements. pg-boss completes or fails a job without awaiting the statement, so a
   * job that ends after stop() returned (a non-graceful stop, or one that outlived the graceful
   * wait; the stop has already failed it, so it is retried) meets a database that may be closed:
   * that statement's failure is logged instead of left as a rejection nobody handles. It answers
   * with no `rows`, which pg-boss counts as "no job affected".
   */
  async #execute(text: string, values?: readonly unknown[]): Promise<{ rows: unknown[] }> {
    try {
      return await this.#executor.executeSql(text, values);
    } catch (error) {
      if (!this.#stopped) throw error;
      this.#logger.debug({ err: error }, 'A job queue statement after stop did not run');
      return { rows: undefined } as unknown as { rows: unknown[] };
    }
  }

  async #run<K extends JobName>(
    name: K,
    handler: JobHandler<K>,
    job: PgBoss.JobWithMetadata<JobPayloads[K]>,
  ): Promise<unknown> {
    const started = performance.now();
    const info: JobInfo = { id: job.id, name: job.name, retryCount: job.retryCount };
    const heartbeat = setInterval(() => void this.#heartbeat(name, job.id), JOB_HEARTBEAT_SECONDS * 1000);
    try {
      await handler(job.data, info);
      this.#metrics.recordJob(name, 'completed', (performance.now() - started) / 1000);
      return undefined;
    } catch (error) {
      this.#metrics.recordJob(name, 'failed', (performance.now() - started) / 1000);
      const willRetry = job.retryCount < job.retryLimit;
      this.#logger.warn(
        { err: error, job: { id: job.id, name, retryCount: job.retryCount }, willRetry },
        willRetry ? 'Job failed; it will be retried' : 'Job failed; no retries left',
      );
      return error ?? new Error('Job failed');
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Tells pg-boss this running job is alive: its expiry becomes SILENCE_SECONDS from now, never
   * past the queue's longest run. A missed heartbeat (the database busy or away) only brings the
   * expiry closer.
   */
  async #heartbeat(name: string, id: string): Promise<void> {
    const maxRunSeconds = this.#maxRunSeconds.get(name) ?? DEFAULT_EXPIRE_IN_SECONDS;
    try {
      await this.#executor.executeSql(
        `UPDATE pgboss.job
            SET expire_in = LEAST(now() - started_on + $3::int * interval '1 second', $4::int * interval '1 second')
          WHERE name = $1 AND id = $2 AND state = 'active'`,
        [name, id, JOB_SILENCE_SECONDS, maxRunSeconds],
      );
    } catch (error) {
      this.#logger.warn({ err: error, job: { id, name } }, 'Job heartbeat failed');
    }
  }

  #assertStarted(): void {
    if (!this.#started) throw new Error('The job queue is not started');
  }
}

/** What a failed job keeps as its output: the message and name, never a stack with secrets. */
function serializeJobError(error: unknown): object {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(error) };
}
