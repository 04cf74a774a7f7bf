import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Owner } from '../../kernel/refs.js';
import type { Db } from '../../adapters/db/database.js';
import type { NotificationRow } from '../../adapters/db/tables/notifications.js';
import { toNotificationItem, type NotificationItem } from './notification-item.js';

type StreamListener = (item: NotificationItem) => void;

interface NotificationStreamOptions {
  /** How often the database is polled while someone listens (default 1 s). */
  pollIntervalMs?: number;
  /** Window each poll reads (default 30 s): covers clock skew between the processes that fire reminders. */
  overlapMs?: number;
}

const key = (owner: Owner) => `${owner.tenantId}\u0000${owner.userId}`;

/**
 * Fan-out of delivered notifications to the Server-Sent Events streams open in this process.
 *
 * Reminders may fire in any worker process, so this process learns about them by polling: one
 * query per second for all users with an open stream (not one per stream), reading notifications
 * fired since the last poll (with an overlap for clock skew) and de-duplicating by id. This works
 * the same on PGlite and on PostgreSQL, with any split of api and worker processes, and needs no
 * extra connection per process as LISTEN/NOTIFY would. Notifications fired in this very process
 * are also published directly, so a single-process install delivers them without waiting for the poll.
 */
export class NotificationStreamHub {
  readonly #listeners = new Map<string, Set<StreamListener>>();
  /** Ids already sent to listeners, with their fired_at (ms): kept while inside the poll window. */
  readonly #sent = new Map<string, number>();
  readonly #pollIntervalMs: number;
  readonly #overlapMs: number;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(
    private readonly deps: { db: Db; clock: Clock; logger: Logger },
    options: NotificationStreamOptions = {},
  ) {
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#overlapMs = options.overlapMs ?? 30_000;
  }

  /** Streams `owner`'s delivered notifications to `listener` until the returned function is called. */
  subscribe(owner: Owner, listener: StreamListener): () => void {
    const k = key(owner);
    let set = this.#listeners.get(k);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(k, set);
    }
    set.add(listener);
    this.#ensurePolling();
    return () => {
      const current = this.#listeners.get(k);
      current?.delete(listener);
      if (current?.size === 0) this.#listeners.delete(k);
      if (this.#listeners.size === 0) this.#stopPolling();
    };
  }

  /** Delivers notifications fired in this process right away. */
  publish(rows: readonly NotificationRow[]): void {
    for (const row of rows) this.#deliver(row);
  }

  get listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  close(): void {
    this.#listeners.clear();
    this.#stopPolling();
  }

  #deliver(row: NotificationRow): void {
    if (row.outcome !== 'delivered' || this.#sent.has(row.id)) return;
    const listeners = this.#listeners.get(key({ tenantId: row.tenant_id, userId: row.user_id }));
    if (listeners === undefined) return;
    this.#sent.set(row.id, row.fired_at?.getTime() ?? this.deps.clock.now().getTime());
    const item = toNotificationItem(row);
    for (const listener of listeners) {
      try {
        listener(item);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'A notification stream listener failed');
      }
    }
  }

  #ensurePolling(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.#poll(), this.#pollIntervalMs);
    this.#timer.unref();
  }

  #stopPolling(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#listeners.size === 0) return;
    this.#polling = true;
    try {
      const owners = [...this.#listeners.keys()].map((k) => k.split('\u0000') as [string, string]);
      // A sliding window rather than a cursor: a row fired by a process whose clock runs a little
      // behind is still seen, and the ids sent within the window are never sent twice.
      const since = new Date(this.deps.clock.now().getTime() - this.#overlapMs);
      const rows = await this.deps.db
        .selectFrom('notifications')
        .selectAll()
        .where('outcome', '=', 'delivered')
        .where('fired_at', '>', since)
        .where((eb) =>
          eb(
            eb.refTuple('tenant_id', 'user_id'),
            'in',
            owners.map(([tenantId, userId]) => eb.tuple(tenantId, userId)),
          ),
        )
        .orderBy('fired_at')
        .limit(500)
        .execute();
      for (const row of rows) this.#deliver(row);
      for (const [id, firedAt] of this.#sent) if (firedAt <= since.getTime()) this.#sent.delete(id);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'Polling notifications for streams failed');
    } finally {
      this.#polling = false;
    }
  }
}
