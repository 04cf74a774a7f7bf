import type { DbTransaction } from '../../adapters/db/database.js';
import type { JobPayloads } from '../../adapters/queue/job-map.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { CalendarRef } from '../../kernel/refs.js';

type QueuedPullTrigger = JobPayloads['calendar.pull']['trigger'];

/**
 * Queues a pull of one calendar. The `calendar.pull` queue's policy keeps at most one queued job
 * per calendar (singleton key = calendar id), so a burst of triggers collapses into one job;
 * returns false when a queued one already covers this trigger. Pull workers are not woken (pushes
 * are): the half-second poll lets a burst of notifications, most of them echoes of the CRM's own
 * writes, collapse into one pull. Waking them cut propagation from about 300 to 50 ms but cost
 * 12% more Google calls per CRM create and 15% of the outbox's throughput on PGlite
 * (bench/push-sync.ts, measured side by side).
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
  return id !== null;
}
