import { RateLimitedError } from '../../kernel/errors.js';
import type { JobInfo } from '../../adapters/queue/definition.js';
import type { JobName, JobPayloads } from '../../adapters/queue/job-map.js';
import type { JobQueue } from '../../adapters/queue/queue.js';

/** How the job is queued again: its queue's singleton key and the retries its definition allows. */
interface Requeue {
  singletonKey: string;
  retryLimit: number;
}

/**
 * Honours Google's `Retry-After` on a rate-limited job (429, or a 403 rate limit, with the
 * header): pg-boss's own retry would come back after its backoff of a few seconds, so instead the
 * job is queued again to start no sooner than Google asked (pg-boss `startAfter`), with the retries
 * it had left, and this run ends. True when it was queued again (or a job of the same key already
 * waits, which covers it); false without a Retry-After or retries left: the job fails as usual.
 */
export async function deferForRetryAfter<K extends JobName>(
  queue: Pick<JobQueue, 'send'>,
  name: K,
  data: JobPayloads[K],
  job: JobInfo,
  error: unknown,
  requeue: Requeue,
): Promise<boolean> {
  if (!(error instanceof RateLimitedError)) return false;
  const seconds = error.retryAfterSeconds;
  if (seconds === undefined || seconds <= 0 || job.retryCount >= requeue.retryLimit) return false;
  await queue.send(name, data, {
    singletonKey: requeue.singletonKey,
    startAfter: Math.ceil(seconds),
    retryLimit: requeue.retryLimit - job.retryCount - 1,
  });
  return true;
}
