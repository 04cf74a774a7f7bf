import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { OAuthStateRow } from '../../adapters/db/tables/oauth-states.js';
import type { Owner } from './connection.types.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * `oauth_states`: one row per consent attempt, holding only the SHA-256 of the state value and of
 * the browser-binding secret, and the encrypted PKCE verifier. The callback carries no CRM
 * credentials, so the state hash is the one lookup key that is not scoped by owner: the row it
 * finds *defines* the owner.
 */
export class OAuthStateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(
    input: Owner & {
      stateHash: string;
      browserBindingHash: string;
      codeVerifierEnc: string;
      createdAt: Date;
      expiresAt: Date;
    },
  ) {
    await this.db
      .insertInto('oauth_states')
      .values({
        tenant_id: input.tenantId,
        user_id: input.userId,
        state_hash: input.stateHash,
        browser_binding_hash: input.browserBindingHash,
        code_verifier_enc: input.codeVerifierEnc,
        created_at: input.createdAt,
        expires_at: input.expiresAt,
      })
      .execute();
  }

  /**
   * Marks the state used if it is unused and unexpired, in one statement, so two callbacks racing
   * with the same state cannot both succeed. Returns the row, or undefined when it was not usable.
   */
  async consume(stateHash: string, now: Date, db: Executor = this.db): Promise<OAuthStateRow | undefined> {
    return db
      .updateTable('oauth_states')
      .set({ used_at: now })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** Looks a state up without changing it, to tell "unknown" from "used" from "expired". */
  async findByHash(stateHash: string): Promise<OAuthStateRow | undefined> {
    return this.db
      .selectFrom('oauth_states')
      .selectAll()
      .where('state_hash', '=', stateHash)
      .executeTakeFirst();
  }

  /** Forgets this owner's states that expired before `before` (kept a while for clear error pages). */
  async deleteExpired(owner: Owner, before: Date): Promise<void> {
    await this.db
      .deleteFrom('oauth_states')
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('expires_at', '<', before)
      .execute();
  }

  /** Deletes every tenant's states that expired before `before` (the hourly purge); returns how many. */
  async purgeExpired(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('oauth_states')
      .where('expires_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
