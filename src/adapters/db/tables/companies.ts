import type { Generated, Selectable } from 'kysely';
import type { TimestampDefault } from './column-types.js';

// Owner: src/modules/crm. SQL on this table stands only there (eslint.config.js).
export interface CompaniesTable {
  id: Generated<string>;
  tenant_id: string;
  owner_user_id: string;
  name: string;
  domain: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export type CompanyRow = Selectable<CompaniesTable>;
