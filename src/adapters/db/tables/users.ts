import type { JSONColumnType } from 'kysely';
import type { StoredReminders } from '../../../kernel/values.js';
import type { TimestampDefault } from './column-types.js';

// Owner: src/modules/users. SQL on this table stands only there (eslint.config.js).
export interface UsersTable {
  tenant_id: string;
  id: string;
  name: string | null;
  email: string | null;
  created_at: TimestampDefault;
  last_seen_at: TimestampDefault;
  /** Reminders of events created without any; null: the built-in defaults. */
  default_reminders: JSONColumnType<
    StoredReminders['overrides'] | null,
    string | null | undefined,
    string | null
  >;
}
