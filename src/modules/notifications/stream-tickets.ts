import type { Clock } from '../../adapters/clock.js';
import type { Owner } from '../../kernel/refs.js';
import type { Db } from '../../adapters/db/database.js';
import { randomToken, sha256Base64url } from '../../adapters/security/hashing.js';

/** How long a ticket may wait before it is used. */
export const STREAM_TICKET_TTL_MS = 60_000;

/**
 * Tickets that let a browser open the notification stream: EventSource cannot send an
 * Authorization header, and a long-lived bearer token in a URL would end up in logs and history.
 * A ticket is 256 random bits, stored only as its SHA-256, valid for 60 seconds and for one
 * connection; it is redeemed by one conditional UPDATE, so it works across api processes.
 */
export class StreamTicketService {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async issue(owner: Owner): Promise<{ ticket: string; expiresAt: Date }> {
    const now = this.deps.clock.now();
    const ticket = randomToken(32);
    const expiresAt = new Date(now.getTime() + STREAM_TICKET_TTL_MS);
    await this.deps.db
      .insertInto('notification_stream_tickets')
      .values({
        ticket_hash: sha256Base64url(ticket),
        tenant_id: owner.tenantId,
        user_id: owner.userId,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    return { ticket, expiresAt };
  }

  /** The owner of an unused, unexpired ticket, spending it; undefined otherwise. */
  async redeem(ticket: string): Promise<Owner | undefined> {
    if (ticket === '' || ticket.length > 200) return undefined;
    const now = this.deps.clock.now();
    const row = await this.deps.db
      .updateTable('notification_stream_tickets')
      .set({ used_at: now })
      .where('ticket_hash', '=', sha256Base64url(ticket))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['tenant_id', 'user_id'])
      .executeTakeFirst();
    return row === undefined ? undefined : { tenantId: row.tenant_id, userId: row.user_id };
  }

  /** Deletes tickets that expired before `before`. */
  async purge(before: Date): Promise<number> {
    const result = await this.deps.db
      .deleteFrom('notification_stream_tickets')
      .where('expires_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
