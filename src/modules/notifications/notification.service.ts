import type { Clock } from '../../adapters/clock.js';
import type { Owner } from '../../kernel/refs.js';
import type { Db } from '../../adapters/db/database.js';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import { toNotificationItem, type NotificationItem } from './notification-item.js';

interface ListNotificationsOptions {
  unreadOnly?: boolean;
  limit?: number;
  /** Cursor from the previous page's `next_cursor`. */
  cursor?: string | undefined;
}

const MAX_LIMIT = 100;

interface Cursor {
  firedAt: string;
  id: string;
}

function readCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof parsed.firedAt === 'string' &&
      typeof parsed.id === 'string' &&
      !Number.isNaN(Date.parse(parsed.firedAt))
    ) {
      return { firedAt: parsed.firedAt, id: parsed.id };
    }
  } catch {
    // Reported below.
  }
  throw new ValidationError('cursor is not a cursor returned by this endpoint', { field: 'cursor' });
}

/** A user's delivered notifications, newest first, and marking them read. */
export class NotificationService {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async list(
    owner: Owner,
    options: ListNotificationsOptions = {},
  ): Promise<{ items: NotificationItem[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), MAX_LIMIT);
    let query = this.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('outcome', '=', 'delivered')
      .orderBy('fired_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (options.unreadOnly === true) query = query.where('read_at', 'is', null);
    if (options.cursor !== undefined) {
      const cursor = readCursor(options.cursor);
      const firedAt = new Date(cursor.firedAt);
      query = query.where((eb) =>
        eb.or([
          eb('fired_at', '<', firedAt),
          eb.and([eb('fired_at', '=', firedAt), eb('id', '<', cursor.id)]),
        ]),
      );
    }
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > limit && last?.fired_at != null
        ? Buffer.from(JSON.stringify({ firedAt: last.fired_at.toISOString(), id: last.id })).toString(
            'base64url',
          )
        : null;
    return { items: page.map(toNotificationItem), nextCursor };
  }

  /** Marks one notification read (idempotent); NotFoundError when it is not the caller's. */
  async markRead(owner: Owner, id: string): Promise<NotificationItem> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError(`No notification ${id}`);
    const now = this.deps.clock.now();
    const row = await this.deps.db
      .updateTable('notifications')
      .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
      .where('id', '=', id)
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('outcome', '=', 'delivered')
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`No notification ${id}`);
    return toNotificationItem(row);
  }
}
