import { sql } from 'kysely';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';

/** How often one user's `last_seen_at` is written, at most. */
const TOUCH_INTERVAL_MS = 60_000;

interface UserProfile {
  name?: string | undefined;
  email?: string | undefined;
}

/**
 * CRM users as this service has seen them: created on first authenticated request, `last_seen_at`
 * kept fresh (at most one write per user per minute from each process).
 */
export class UsersRepository {
  readonly #recentlyTouched = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Records that the user made a request; creates the row the first time. */
  async touch(tenantId: string, userId: string, profile: UserProfile = {}): Promise<void> {
    const key = `${tenantId}\u0000${userId}`;
    const nowMs = this.clock.now().getTime();
    const last = this.#recentlyTouched.get(key);
    if (last !== undefined && nowMs - last < TOUCH_INTERVAL_MS) return;
    const now = new Date(nowMs);
    await this.db
      .insertInto('users')
      .values({
        tenant_id: tenantId,
        id: userId,
        name: profile.name ?? null,
        email: profile.email ?? null,
        created_at: now,
        last_seen_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'id']).doUpdateSet({
          last_seen_at: now,
          name: sql<string | null>`coalesce(excluded.name, users.name)`,
          email: sql<string | null>`coalesce(excluded.email, users.email)`,
        }),
      )
      .execute();
    if (this.#recentlyTouched.size > 10_000) this.#recentlyTouched.clear();
    this.#recentlyTouched.set(key, nowMs);
  }

  async find(tenantId: string, userId: string) {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst();
  }
}
