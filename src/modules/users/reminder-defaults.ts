import type { Owner } from '../../kernel/refs.js';
import type { Db } from '../../adapters/db/database.js';
import type { StoredReminders } from '../../kernel/values.js';
import { DEFAULT_REMINDER_OVERRIDES, reminders } from '../../kernel/event-input/fields.js';

interface ReminderDefaults {
  reminders: StoredReminders['overrides'];
  /** false: the built-in defaults (email 1 day and popup 10 minutes before, as the original spec). */
  custom: boolean;
}

/** The reminders the user set as their own defaults; null when they never did. */
export async function storedDefaultReminders(
  db: Db,
  owner: Owner,
): Promise<StoredReminders['overrides'] | null> {
  const user = await db
    .selectFrom('users')
    .select('default_reminders')
    .where('tenant_id', '=', owner.tenantId)
    .where('id', '=', owner.userId)
    .executeTakeFirst();
  return user?.default_reminders ?? null;
}

/** The user's default reminders for events created without any. */
export class ReminderDefaultsService {
  constructor(private readonly db: Db) {}

  async get(owner: Owner): Promise<ReminderDefaults> {
    const own = await storedDefaultReminders(this.db, owner);
    return { reminders: own ?? [...DEFAULT_REMINDER_OVERRIDES], custom: own !== null };
  }

  /** Validated like an event's reminders (at most 5, email or popup, 0..40320 minutes); [] means none. */
  async set(owner: Owner, list: { method: string; minutes: number }[]): Promise<ReminderDefaults> {
    const { overrides } = reminders(list);
    await this.db
      .updateTable('users')
      .set({ default_reminders: JSON.stringify(overrides) })
      .where('tenant_id', '=', owner.tenantId)
      .where('id', '=', owner.userId)
      .execute();
    return { reminders: overrides, custom: true };
  }
}
