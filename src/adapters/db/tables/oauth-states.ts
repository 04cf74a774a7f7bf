import type { Generated, Selectable } from 'kysely';
import type { Timestamp, TimestampDefault } from './column-types.js';

// Owner: src/modules/connections. SQL on this table stands only there (eslint.config.js).
export interface OAuthStatesTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  state_hash: string;
  code_verifier_enc: string;
  /** SHA-256 of the secret in the starting browser's cookie; null on states stored before it existed. */
  browser_binding_hash: string | null;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export type OAuthStateRow = Selectable<OAuthStatesTable>;
