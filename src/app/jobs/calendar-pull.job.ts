import { PreconditionFailedError } from '../../kernel/errors.js';
import { GoogleApiError, TokenRevokedError } from '../../adapters/google/errors.js';
import type { Logger } from 'pino';
import { defineJob } from '../../adapters/queue/definition.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { PullService } from '../../modules/pull/index.js';
import { deferForRetryAfter } from './retry-after.js';

const CALENDAR_PULL_RETRY_LIMIT = 6;

/**
 * How long a retried pull waits for the calendar's lease. A job retried because its worker died
 * finds that worker's lease still live for up to the lease's 15 s; a retry that gave up at once
 * would leave the calendar to the next trigger.
 */
const RETRY_LEASE_WAIT_MS = 20_000;

/**
 * Pulls one calendar's changes from Google. The queue keeps at most one queued job per calendar
 * (policy `short`, singleton key = calendar id), so bursts of webhooks collapse into one job; the
 * pull itself runs under a per-calendar lease, so two workers never pull the same calendar at once
 * (a job that finds a pull running hands its trigger to it and ends; a retry waits for the lease,
 * which may be a dead worker's, to lapse). A job whose worker died is retried within about 30 s
 * (its heartbeats stop: src/adapters/queue/queue.ts), and a full sync resumes at its last
 * committed page. pg-boss's `stately` policy is not used: in pg-boss 10 a queued job whose key is
 * active makes the whole fetch fail, which would stall every other calendar's pulls behind one
 * long sync (test/sync-pull-exclusive.test.ts).
 */
export const calendarPullJob = (deps: {
  pull: Pick<PullService, 'pull'>;
  queue: Pick<JobQueue, 'send'>;
  logger: Logger;
}) =>
  defineJob({
    name: 'calendar.pull',
    queue: {
      retryLimit: CALENDAR_PULL_RETRY_LIMIT,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 3600,
      policy: 'short',
    },
    // A full sync of a large calendar takes minutes: it must not hold back other calendars' pulls.
    longRunning: true,
    async handle(data, job) {
      const { tenantId, userId, calendarId, trigger } = data;
      try {
        await deps.pull.pull(
          { tenantId, userId, calendarId },
          { trigger, ...(job.retryCount > 0 ? { waitForRunningMs: RETRY_LEASE_WAIT_MS } : {}) },
        );
      } catch (error) {
        // The connection needs the user (reconnect) or is gone: retrying cannot help.
        if (error instanceof TokenRevokedError || error instanceof PreconditionFailedError) {
          deps.logger.warn(
            { calendarId, error: error.message },
            'Pull skipped: the connection is not usable',
          );
          return;
        }
        // Google refused for good: the calendar's status shows why; the next trigger tries again. (A
        // calendar deleted in Google, or no longer shared, does not get here: the pull removes it.)
        if (error instanceof GoogleApiError && error.status >= 400 && error.status < 500) {
          deps.logger.warn(
            { calendarId, status: error.status, reason: error.reason },
            'Pull refused by Google',
          );
          return;
        }
        // Rate limited with Retry-After: the next attempt waits at least that long.
        const requeue = { singletonKey: calendarId, retryLimit: CALENDAR_PULL_RETRY_LIMIT };
        if (await deferForRetryAfter(deps.queue, 'calendar.pull', data, job, error, requeue)) {
          deps.logger.warn(
            { calendarId, retryCount: job.retryCount },
            'Pull rate limited; retried after Retry-After',
          );
          return;
        }
        throw error;
      }
    },
  });
