import { defineJob } from '../../adapters/queue/definition.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { EventPusher } from '../../modules/push/index.js';
import { deferForRetryAfter } from './retry-after.js';

/** Retries after the first failure; with backoff (1 s doubling, jittered) they span 4 to 8 minutes, then the sweep takes over. */
const EVENT_PUSH_RETRY_LIMIT = 8;

/**
 * Pushes one CRM event to Google. One job per event is queued at a time (`stately` with the event
 * id as singleton key) and one runs at a time, so changes to an event reach Google in order; each
 * run pushes the row's current state. Transient Google failures throw and retry with backoff (a
 * rate limit with Retry-After waits at least that long);
 * permanent ones mark the event failed; a revoked authorization ends the job quietly (the
 * reconnect resumes it).
 */
export const eventPushJob = (deps: {
  eventPusher: Pick<EventPusher, 'push'>;
  queue: Pick<JobQueue, 'wake' | 'send'>;
}) =>
  defineJob({
    name: 'event.push',
    queue: {
      retryLimit: EVENT_PUSH_RETRY_LIMIT,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: 300,
      policy: 'stately',
    },
    // Jobs fetched per poll, pushed concurrently (each event is a different singleton key).
    concurrency: 16,
    async handle(data, job) {
      try {
        await deps.eventPusher.push(data, { lastAttempt: job.retryCount >= EVENT_PUSH_RETRY_LIMIT });
      } catch (error) {
        // Rate limited with Retry-After: the next attempt waits at least that long.
        const requeue = { singletonKey: data.eventId, retryLimit: EVENT_PUSH_RETRY_LIMIT };
        if (!(await deferForRetryAfter(deps.queue, 'event.push', data, job, error, requeue))) throw error;
      } finally {
        // More pushes may be queued: fetch again as soon as this batch is done, not at the next poll.
        deps.queue.wake('event.push');
      }
    },
  });
