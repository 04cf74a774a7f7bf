import type { ColumnType, Generated, Selectable } from 'kysely';
import type { ConnectionStatus } from '../../../kernel/values.js';
import type { Timestamp, TimestampDefault } from './column-types.js';

// Owner: src/modules/connections. SQL on this table stands only there (eslint.config.js).
export interface ConnectionsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  provider: ColumnType<string, string | undefined, string>;
  status: ConnectionStatus;
  google_email: string | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  token_expires_at: Timestamp | null;
  refresh_lease_until: Timestamp | null;
  connected_at: Timestamp | null;
  last_sync_at: Timestamp | null;
  last_error: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export type ConnectionRow = Selectable<ConnectionsTable>;
