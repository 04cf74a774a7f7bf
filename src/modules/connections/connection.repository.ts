import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import type { ConnectionRow } from '../../adapters/db/tables/connections.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { Connection, ConnectionRef, Owner } from './connection.types.js';

type Executor = Kysely<Database> | Transaction<Database>;

const PROVIDER = 'google';

/** Encrypted token columns as written together. */
interface SealedTokens {
  accessTokenEnc: string;
  refreshTokenEnc: string;
  tokenExpiresAt: Date;
}

/** The WHERE clause of every statement on one connection: its id within its owner's scope. */
function scoped(ref: ConnectionRef) {
  return (eb: ExpressionBuilder<Database, 'connections'>): Expression<SqlBool> =>
    eb.and([eb('id', '=', ref.id), eb('tenant_id', '=', ref.tenantId), eb('user_id', '=', ref.userId)]);
}

export function toConnection(row: ConnectionRow): Connection {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    status: row.status,
    googleEmail: row.google_email,
    scopes: row.scopes,
    tokenExpiresAt: row.token_expires_at,
    connectedAt: row.connected_at,
    lastSyncAt: row.last_sync_at,
    lastError: row.last_error,
  };
}

/** `connections`: one Google connection per (tenant, user). Every query is scoped by both. */
export class ConnectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByOwner(owner: Owner, db: Executor = this.db): Promise<ConnectionRow | undefined> {
    return db
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('provider', '=', PROVIDER)
      .executeTakeFirst();
  }

  async findByRef(ref: ConnectionRef, db: Executor = this.db): Promise<ConnectionRow | undefined> {
    return db.selectFrom('connections').selectAll().where(scoped(ref)).executeTakeFirst();
  }

  /**
   * Stores a completed consent: creates the connection, or reuses the owner's existing row (so a
   * reconnect keeps the connection id and everything synced under it).
   */
  async saveConnected(
    db: Executor,
    owner: Owner,
    input: SealedTokens & { googleEmail: string; scopes: string[]; now: Date },
  ): Promise<ConnectionRow> {
    const values = {
      status: 'active' as const,
      google_email: input.googleEmail,
      scopes: input.scopes,
      access_token_enc: input.accessTokenEnc,
      refresh_token_enc: input.refreshTokenEnc,
      token_expires_at: input.tokenExpiresAt,
      refresh_lease_until: null,
      connected_at: input.now,
      last_error: null,
      updated_at: input.now,
    };
    return db
      .insertInto('connections')
      .values({
        tenant_id: owner.tenantId,
        user_id: owner.userId,
        provider: PROVIDER,
        created_at: input.now,
        ...values,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'provider']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Records why a connect attempt failed so the status endpoint can show it. An existing
   * connection keeps its status and tokens; with none, a `disconnected` row without tokens is made.
   */
  async recordConnectError(owner: Owner, message: string, now: Date): Promise<void> {
    await this.db
      .insertInto('connections')
      .values({
        tenant_id: owner.tenantId,
        user_id: owner.userId,
        provider: PROVIDER,
        status: 'disconnected',
        last_error: message,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'user_id', 'provider'])
          .doUpdateSet({ last_error: message, updated_at: now }),
      )
      .execute();
  }

  /**
   * Takes the refresh lease if nobody holds a live one: the single statement that makes token
   * refresh single-flight across processes. Returns the row (with the tokens current at that
   * moment) when this caller won, undefined when another holds the lease or the connection is
   * not active.
   */
  async acquireRefreshLease(ref: ConnectionRef, now: Date, until: Date): Promise<ConnectionRow | undefined> {
    return this.db
      .updateTable('connections')
      .set({ refresh_lease_until: until })
      .where(scoped(ref))
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  /** Persists refreshed tokens and releases the lease. */
  async saveRefreshed(
    ref: ConnectionRef,
    tokens: SealedTokens & { scopes: string[] | undefined; now: Date },
  ) {
    await this.db
      .updateTable('connections')
      .set({
        access_token_enc: tokens.accessTokenEnc,
        refresh_token_enc: tokens.refreshTokenEnc,
        token_expires_at: tokens.tokenExpiresAt,
        ...(tokens.scopes !== undefined && tokens.scopes.length > 0 ? { scopes: tokens.scopes } : {}),
        refresh_lease_until: null,
        updated_at: tokens.now,
      })
      .where(scoped(ref))
      // A disconnect during the refresh wins: its deleted tokens are not written back.
      .where('status', '=', 'active')
      .execute();
  }

  /**
   * connections.last_sync_at: when any of the connection's calendars last finished a pull (the
   * pull, src/modules/pull, records it).
   */
  async touchLastSync(connectionId: string, owner: Owner, now: Date): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ last_sync_at: now })
      .where('id', '=', connectionId)
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .execute();
  }

  async releaseLease(ref: ConnectionRef): Promise<void> {
    await this.db.updateTable('connections').set({ refresh_lease_until: null }).where(scoped(ref)).execute();
  }

  /**
   * Google refused the refresh token `refusedTokenEnc`: keep the row (and its synced data), ask the
   * user to reconnect. Only while the row still holds that token: when the user reconnected while
   * it was being spent, the new grant stands. Whether the row was marked.
   */
  async markReauthRequired(
    ref: ConnectionRef,
    refusedTokenEnc: string | null,
    message: string,
    now: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('connections')
      .set({
        status: 'reauth_required',
        last_error: message,
        // Google refused the grant: neither token is of any use any more.
        access_token_enc: null,
        refresh_token_enc: null,
        token_expires_at: null,
        refresh_lease_until: null,
        updated_at: now,
      })
      .where(scoped(ref))
      .where('status', '=', 'active')
      .where((eb) =>
        refusedTokenEnc === null
          ? eb('refresh_token_enc', 'is', null)
          : eb('refresh_token_enc', '=', refusedTokenEnc),
      )
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes the tokens; the row stays so a reconnect reuses its id. */
  async markDisconnected(
    db: Executor,
    ref: ConnectionRef,
    lastError: string | null,
    now: Date,
  ): Promise<void> {
    await db
      .updateTable('connections')
      .set({
        status: 'disconnected',
        access_token_enc: null,
        refresh_token_enc: null,
        token_expires_at: null,
        refresh_lease_until: null,
        last_error: lastError,
        updated_at: now,
      })
      .where(scoped(ref))
      .execute();
  }
}
