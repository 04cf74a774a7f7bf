import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { runSql, type OpenTransaction, type PgliteSession } from './pglite-session.js';

/**
 * A Kysely dialect over the PGlite session. Each acquired connection holds the session until it is
 * released, and Kysely transactions run through PGlite's own transaction(), so the SQL Kysely
 * compiles for PostgreSQL runs unchanged on the embedded store.
 */
export class PgliteDialect implements Dialect {
  constructor(private readonly session: PgliteSession) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.session);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PgliteDriver implements Driver {
  constructor(private readonly session: PgliteSession) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.session.acquire();
    return new PgliteConnection(this.session, release);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const conn = asPgliteConnection(connection);
    await conn.begin();
    if (settings.isolationLevel !== undefined || settings.accessMode !== undefined) {
      // SET TRANSACTION must be the first statement of the transaction; PGlite has already sent BEGIN.
      const parts = [
        settings.isolationLevel !== undefined ? `isolation level ${settings.isolationLevel}` : '',
        settings.accessMode ?? '',
      ].filter((part) => part !== '');
      await conn.executeQuery(CompiledQuery.raw(`set transaction ${parts.join(' ')}`));
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await asPgliteConnection(connection).end(true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await asPgliteConnection(connection).end(false);
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await asPgliteConnection(connection).release();
  }

  /** The session is closed by its owner (the DatabaseHandle), after pg-boss has stopped too. */
  async destroy(): Promise<void> {}
}

class PgliteConnection implements DatabaseConnection {
  #transaction: OpenTransaction | undefined;

  constructor(
    private readonly session: PgliteSession,
    private readonly releaseSession: () => void,
  ) {}

  async begin(): Promise<void> {
    if (this.#transaction !== undefined) throw new Error('A transaction is already open on this connection');
    this.#transaction = await this.session.beginTransaction();
  }

  async end(commit: boolean): Promise<void> {
    const open = this.#transaction;
    if (open === undefined) throw new Error('No transaction is open on this connection');
    this.#transaction = undefined;
    await open.finish(commit);
  }

  async release(): Promise<void> {
    // A connection released mid-transaction (should not happen with Kysely) must not keep it open.
    if (this.#transaction !== undefined) {
      await this.end(false).catch(() => undefined);
    }
    this.releaseSession();
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.#transaction?.tx ?? this.session.pgliteForHolder();
    const result = await runSql<R>(target, compiledQuery.sql, compiledQuery.parameters);
    const command = result.command?.toUpperCase();
    if (command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE') {
      return { rows: result.rows, numAffectedRows: BigInt(result.affectedRows ?? 0) };
    }
    return { rows: result.rows };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // Same behaviour as Kysely's PostgreSQL dialect without a cursor: both stores refuse alike.
    throw new Error('Streaming queries are not supported; read large results in pages (keyset pagination)');
  }
}

function asPgliteConnection(connection: DatabaseConnection): PgliteConnection {
  if (!(connection instanceof PgliteConnection)) throw new Error('Not a PGlite connection');
  return connection;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
