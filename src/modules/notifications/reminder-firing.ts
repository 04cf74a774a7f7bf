import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import type { NotificationRow } from '../../adapters/db/tables/notifications.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { NotificationStreamHub } from './notification-stream.js';

/** Notifications claimed per statement. */
const CLAIM_BATCH = 200;

interface FireResult {
  delivered: number;
  skipped: number;
}

/**
 * Fires due reminders. Each batch is claimed by one UPDATE over a `FOR UPDATE SKIP LOCKED`
 * selection, so concurrent workers never claim the same row and each reminder fires once. A row
 * that came due while no worker ran is claimed late rather than never; one whose event has
 * already ended is marked `skipped` instead of being delivered. In the same transaction as the
 * claim, a webhook delivery job is enqueued for each delivered one (outbox).
 */
export class ReminderFiring {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      logger: Logger;
      queue: JobQueue;
      hub: NotificationStreamHub;
      webhookEnabled: boolean;
    },
  ) {}

  /** Claims and delivers every due reminder; returns how many were delivered and skipped. */
  async fireDue(): Promise<FireResult> {
    const total: FireResult = { delivered: 0, skipped: 0 };
    for (;;) {
      const claimed = await this.claimBatch();
      const delivered = claimed.filter((row) => row.outcome === 'delivered');
      total.delivered += delivered.length;
      total.skipped += claimed.length - delivered.length;
      this.deps.hub.publish(delivered);
      if (claimed.length < CLAIM_BATCH) break;
    }
    if (total.delivered + total.skipped > 0) this.deps.logger.info(total, 'Fired due reminders');
    return total;
  }

  private async claimBatch(): Promise<NotificationRow[]> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const { rows } = await sql<NotificationRow>`
        UPDATE notifications
        SET fired_at = ${now},
            outcome = CASE
              WHEN (payload->>'ends_at') IS NOT NULL AND (payload->>'ends_at')::timestamptz <= ${now}::timestamptz
                THEN 'skipped' ELSE 'delivered' END
        WHERE id IN (
          SELECT id FROM notifications
          WHERE fired_at IS NULL AND fire_at <= ${now}::timestamptz
          ORDER BY fire_at
          LIMIT ${CLAIM_BATCH}
          FOR UPDATE SKIP LOCKED
        )
        RETURNING *`.execute(trx);
      if (this.deps.webhookEnabled) {
        for (const row of rows) {
          if (row.outcome !== 'delivered') continue;
          await this.deps.queue.send(
            'notifications.webhook',
            { notificationId: row.id, tenantId: row.tenant_id, userId: row.user_id },
            { trx },
          );
        }
      }
      return rows;
    });
  }
}
