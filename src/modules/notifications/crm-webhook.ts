import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import { UpstreamError } from '../../kernel/errors.js';
import { toNotificationItem } from './notification-item.js';

const SIGNATURE_HEADER = 'X-CRM-Signature';
const TIMESTAMP_HEADER = 'X-CRM-Timestamp';
const TIMEOUT_MS = 10_000;

/**
 * `sha256=<hex>`: HMAC-SHA256 of the exact request body with CRM_WEBHOOK_SECRET. The body carries
 * `sent_at` (also in X-CRM-Timestamp), so the signature covers the time and a receiver can refuse
 * replays of old deliveries.
 */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The CRM webhook answered with an error worth retrying (5xx, 408, 429) or could not be reached. */
class WebhookDeliveryError extends UpstreamError {}

/**
 * Delivers one reminder notification to CRM_WEBHOOK_URL. Runs as a job: failures throw and the
 * queue retries with backoff; a 4xx other than 408/429 means the receiver refuses it and is not retried.
 */
export class CrmWebhookSender {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      logger: Logger;
      webhook: { url: string; secret: string } | undefined;
      fetch?: typeof fetch;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.webhook !== undefined;
  }

  async deliver(
    notificationId: string,
    owner: { tenantId: string; userId: string },
  ): Promise<'sent' | 'refused' | 'skipped'> {
    const webhook = this.deps.webhook;
    if (webhook === undefined) return 'skipped';
    const row = await this.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', notificationId)
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .executeTakeFirst();
    if (row === undefined || row.outcome !== 'delivered') return 'skipped';
    const sentAt = this.deps.clock.now().toISOString();
    const body = JSON.stringify({
      type: 'calendar.reminder',
      sent_at: sentAt,
      tenant_id: row.tenant_id,
      user_id: row.user_id,
      notification: toNotificationItem(row),
    });
    let response: Response;
    try {
      response = await (this.deps.fetch ?? fetch)(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhookBody(body, webhook.secret),
          [TIMESTAMP_HEADER]: sentAt,
          'X-CRM-Delivery': row.id,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
    } catch (error) {
      throw new WebhookDeliveryError(`CRM webhook unreachable: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
    if (response.ok) return 'sent';
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new WebhookDeliveryError(`CRM webhook answered ${response.status}`);
    }
    this.deps.logger.warn(
      { notificationId, status: response.status },
      'The CRM webhook refused a notification',
    );
    return 'refused';
  }
}
