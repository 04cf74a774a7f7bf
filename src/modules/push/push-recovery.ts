import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { EventKey, PushRepository } from '../events/index.js';

/** Most pushes one resume or sweep enqueues (the next run takes the rest). */
const BATCH = 5000;

/**
 * Makes sure no pending CRM change is left behind: after a reconnect every change that waited for
 * it is pushed, and a periodic sweep re-enqueues pending events whose job was lost (a crash
 * between retries) or gave up during a long Google outage. Enqueueing an event that already has a
 * queued push is a no-op (one queued job per event).
 */
export class PushRecovery {
  constructor(
    private readonly deps: { repo: PushRepository; queue: JobQueue; clock: Clock; logger: Logger },
  ) {}

  async resumeConnection(connectionId: string): Promise<number> {
    const keys = await this.deps.repo.pendingOfConnection(connectionId, BATCH);
    await this.enqueue(keys);
    if (keys.length > 0)
      this.deps.logger.info({ connectionId, events: keys.length }, 'Resumed pushes after reconnect');
    return keys.length;
  }

  async sweep(olderThanSeconds: number): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - olderThanSeconds * 1000);
    const keys = await this.deps.repo.stalePending(before, BATCH);
    await this.enqueue(keys);
    if (keys.length > 0) this.deps.logger.info({ events: keys.length }, 'Re-enqueued pending pushes');
    return keys.length;
  }

  private async enqueue(keys: EventKey[]): Promise<void> {
    for (const key of keys) await this.deps.queue.send('event.push', key, { singletonKey: key.eventId });
    if (keys.length > 0) this.deps.queue.wake('event.push');
  }
}
