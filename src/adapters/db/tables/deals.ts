import type { ColumnType, Generated, Selectable } from 'kysely';
import type { TimestampDefault } from './column-types.js';

// Owner: src/modules/crm. SQL on this table stands only there (eslint.config.js).
export interface DealsTable {
  id: Generated<string>;
  tenant_id: string;
  owner_user_id: string;
  name: string;
  stage: ColumnType<string, string | undefined, string>;
  /** bigint: read as string by both drivers. */
  amount_cents: ColumnType<string | null, number | string | null, number | string | null>;
  currency: string | null;
  company_id: string | null;
  contact_id: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export type DealRow = Selectable<DealsTable>;
