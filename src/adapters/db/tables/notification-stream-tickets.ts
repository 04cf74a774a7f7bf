import type { Timestamp, TimestampDefault } from './column-types.js';

// Owner: src/modules/notifications. SQL on this table stands only there (eslint.config.js).
/** Single-use tickets that let an EventSource open the notification stream without a header. */
export interface NotificationStreamTicketsTable {
  ticket_hash: string;
  tenant_id: string;
  user_id: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}
