import type { Logger } from 'pino';
import { systemClock, type Clock } from '../adapters/clock.js';
import type { Config } from '../adapters/config.js';
import { openDatabase } from '../adapters/db/database.js';
import { migrateToLatest } from '../adapters/db/migrate.js';
import type { AnyJobDefinition } from '../adapters/queue/definition.js';
import { buildJobs } from './jobs/index.js';
import { JobQueue, type JobQueueSettings } from '../adapters/queue/queue.js';
import { createLogger } from '../adapters/observability/logger.js';
import { Metrics } from '../adapters/observability/metrics.js';
import { loadTokenCipher } from '../adapters/security/token-keys.js';
import { createServices, type AppAdapters, type Services } from './services.js';

/** Everything a running process shares: adapters, services and their configuration. */
export interface AppContext extends AppAdapters {
  services: Services;
  /** Every job, bound to the collaborators it uses; the queues exist in every process. */
  jobs: readonly AnyJobDefinition[];
  /** URL of the emulator `serve` started in-process (the embedded default), if any. */
  embeddedEmulatorUrl: string | undefined;
  /** Stops the job queue (letting running jobs finish), then closes the database. */
  close(): Promise<void>;
}

interface CreateAppOptions {
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Job queue behaviour; API-only processes turn maintenance and schedules off. */
  jobs?: Partial<JobQueueSettings>;
  /** Run migrations before anything else (default true). */
  migrate?: boolean;
  embeddedEmulatorUrl?: string;
}

/**
 * Builds the application: opens the database, migrates it, starts the job queue (so every role
 * can send jobs) and composes the services. Workers and the HTTP server are started by the roles
 * that need them (src/app/main.ts).
 */
export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new Metrics();
  const tokenCipher = await loadTokenCipher(config, logger);
  const database = await openDatabase(config, logger);
  let queue: JobQueue | undefined;
  let services: Services;
  let jobs: readonly AnyJobDefinition[];
  try {
    if (options.migrate ?? true) await migrateToLatest(database.db, logger);
    queue = new JobQueue(database, logger, metrics, {
      maintenance: options.jobs?.maintenance ?? true,
      schedules: options.jobs?.schedules ?? true,
      ...(options.jobs?.pollingIntervalSeconds !== undefined
        ? { pollingIntervalSeconds: options.jobs.pollingIntervalSeconds }
        : {}),
      ...(options.jobs?.cronMonitorIntervalSeconds !== undefined
        ? { cronMonitorIntervalSeconds: options.jobs.cronMonitorIntervalSeconds }
        : {}),
      ...(options.jobs?.cronWorkerIntervalSeconds !== undefined
        ? { cronWorkerIntervalSeconds: options.jobs.cronWorkerIntervalSeconds }
        : {}),
    });
    const db = database.db;
    services = createServices({ config, logger, clock, database, db, queue, metrics, tokenCipher });
    jobs = buildJobs({ services, queue, clock, logger });
    await queue.start(jobs);
  } catch (error) {
    await queue?.stop({ graceful: false }).catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }

  const db = database.db;
  const startedQueue = queue;
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    clock,
    database,
    db,
    queue: startedQueue,
    metrics,
    services,
    jobs,
    embeddedEmulatorUrl: options.embeddedEmulatorUrl,
    close: () => {
      closing ??= (async () => {
        try {
          await startedQueue.stop({ graceful: true });
        } finally {
          await database.close();
        }
      })();
      return closing;
    },
  };
}
