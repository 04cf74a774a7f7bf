import type { Generated, Selectable } from 'kysely';
import type { TimestampDefault } from './column-types.js';

// Owner: src/modules/crm. SQL on this table stands only there (eslint.config.js).
export interface ContactsTable {
  id: Generated<string>;
  tenant_id: string;
  owner_user_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company_id: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export type ContactRow = Selectable<ContactsTable>;
