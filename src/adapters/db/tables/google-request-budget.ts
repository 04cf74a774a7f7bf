import type { ColumnType } from 'kysely';
import type { Timestamp } from './column-types.js';

// Owner: src/adapters/google. SQL on this table stands only there (eslint.config.js).
/** Google requests per connection per minute window (the per-user request budget). */
export interface GoogleRequestBudgetTable {
  connection_id: string;
  window_start: Timestamp;
  requests: ColumnType<number, number | undefined, number>;
}
