import { defineJob } from '../definition.js';

/** Retries after the first failure; with backoff they span about a quarter of an hour, then the sweep takes over. */
export const EVENT_PUSH_RETRY_LIMIT = 8;

/**
 * Pushes one CRM event to Google. One job per event is queued at a time (`stately` with the event
 * id as singleton key) and one runs at a time, so changes to an event reach Google in order; each
 * run pushes the row's current state. Transient Google failures throw and retry with backoff;
 * permanent ones mark the event failed; a revoked authorization ends the job quietly (the
 * reconnect resumes it).
 */
export const eventPushJob = defineJob({
  name: 'event.push',
  queue: {
    retryLimit: EVENT_PUSH_RETRY_LIMIT,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: 300,
    policy: 'stately',
  },
  // Jobs fetched per poll, pushed concurrently (each event is a different singleton key).
  concurrency: 16,
  async handle(ctx, data, job) {
    try {
      await ctx.services.eventPusher.push(data, { lastAttempt: job.retryCount >= EVENT_PUSH_RETRY_LIMIT });
    } finally {
      // More pushes may be queued: fetch again as soon as this batch is done, not at the next poll.
      ctx.queue.wake('event.push');
    }
  },
});
