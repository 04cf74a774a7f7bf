import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';
import type { Timestamp, TimestampDefault } from './column-types.js';

// Owner: src/modules/notifications. SQL on this table stands only there (eslint.config.js).
export interface NotificationsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  event_id: string | null;
  kind: ColumnType<string, string | undefined, string>;
  fire_at: Timestamp;
  fired_at: Timestamp | null;
  payload: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  read_at: Timestamp | null;
  created_at: TimestampDefault;
  outcome: ColumnType<
    'delivered' | 'skipped' | null,
    'delivered' | 'skipped' | null | undefined,
    'delivered' | 'skipped' | null
  >;
}

export type NotificationRow = Selectable<NotificationsTable>;
