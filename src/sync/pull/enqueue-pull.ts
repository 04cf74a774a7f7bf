import type { DbTransaction } from '../../db/database.js';
import type { JobPayloads } from '../../jobs/job-map.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { CalendarRef } from './pull.types.js';

export type QueuedPullTrigger = JobPayloads['calendar.pull']['trigger'];

/**
 * Queues a pull of one calendar. The `calendar.pull` queue's policy keeps at most one queued job
 * per calendar (singleton key = calendar id), so a burst of triggers collapses into one job;
 * returns false when a queued one already covers this trigger. Sent outside a transaction, the
 * job is visible at once, so this process's pull workers (if any) are woken to fetch it now
 * rather than at their next poll; a job sent inside `trx` waits for the poll after the commit.
 */
export async function enqueuePull(
  queue: JobQueue,
  ref: CalendarRef,
  trigger: QueuedPullTrigger,
  options: { trx?: DbTransaction } = {},
): Promise<boolean> {
  const id = await queue.send(
    'calendar.pull',
    { tenantId: ref.tenantId, userId: ref.userId, calendarId: ref.calendarId, trigger },
    { singletonKey: ref.calendarId, ...(options.trx !== undefined ? { trx: options.trx } : {}) },
  );
  if (id !== null && options.trx === undefined) queue.wake('calendar.pull');
  return id !== null;
}
