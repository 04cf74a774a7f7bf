import path from 'node:path';
import { CompiledQuery, Kysely, PostgresDialect, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { PgliteDialect } from './pglite-dialect.js';
import { PgliteSession } from './pglite-session.js';
import { createPostgresPool } from './postgres.js';
import type { Database } from './tables/index.js';

export type Db = Kysely<Database>;
export type DbTransaction = Transaction<Database>;

/** Raw SQL access in the shape pg-boss expects (`db: { executeSql }`). */
export interface SqlExecutor {
  executeSql<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: R[] }>;
}

export interface DatabaseHandle extends SqlExecutor {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Cheap round trip used by /readyz. */
  ping(): Promise<void>;
  /** Waits for in-flight queries, then closes the store. Stop the job queue first. */
  close(): Promise<void>;
}

/**
 * Opens the store the configuration asks for: PostgreSQL when DATABASE_URL is set, otherwise
 * PGlite in DATA_DIR/pglite (or in memory when DATA_DIR is ':memory:'). Both return the same
 * JavaScript values: `date` as 'YYYY-MM-DD', timestamptz as Date, bigint as string, jsonb parsed.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl !== undefined) return openPostgres(config.databaseUrl, logger);
  return openPglite(config.dataDir, logger);
}

async function openPglite(dataDir: string, logger: Logger): Promise<DatabaseHandle> {
  const location = isMemory(dataDir) ? ':memory:' : path.join(dataDir, 'pglite');
  const session = await PgliteSession.open(location, logger);
  const db = new Kysely<Database>({ dialect: new PgliteDialect(session) });
  return {
    db,
    kind: 'pglite',
    executeSql: async <R>(text: string, values?: readonly unknown[]) => {
      const { rows } = await session.executeSql<R>(text, values);
      return { rows };
    },
    ping: async () => {
      await session.executeSql('SELECT 1');
    },
    close: async () => {
      await db.destroy();
      await session.close();
    },
  };
}

async function openPostgres(connectionString: string, logger: Logger): Promise<DatabaseHandle> {
  const pool = createPostgresPool(connectionString, logger);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // pg-boss completes jobs without awaiting; track raw queries so close() can let them land.
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  const executeSql = async <R>(text: string, values?: readonly unknown[]) => {
    if (closed) throw new Error('The database is closed');
    // Several statements in one text give one result each; like PGlite, answer with the last.
    const query = pool.query(text, values === undefined ? undefined : [...values]) as Promise<
      pg.QueryResult | pg.QueryResult[]
    >;
    inFlight.add(query);
    try {
      const result = await query;
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { rows: (last?.rows ?? []) as R[] };
    } finally {
      inFlight.delete(query);
    }
  };
  return {
    db,
    kind: 'postgres',
    executeSql,
    ping: async () => {
      await executeSql('SELECT 1');
    },
    close: async () => {
      if (closed) return;
      await Promise.allSettled([...inFlight]);
      closed = true;
      // Kysely's PostgresDialect ends the pool it was given.
      await db.destroy();
    },
  };
}

/**
 * Raw SQL on an open Kysely transaction: what pg-boss's `send(..., { db })` needs so a job row
 * commits or rolls back with the change that asked for it (the outbox guarantee).
 */
export function transactionExecutor(trx: DbTransaction): SqlExecutor {
  return {
    executeSql: async <R>(text: string, values?: readonly unknown[]) => {
      const result = await trx.executeQuery<R>(
        CompiledQuery.raw(text, values === undefined ? [] : [...values]),
      );
      return { rows: [...result.rows] };
    },
  };
}

function isMemory(dataDir: string): boolean {
  return dataDir === ':memory:' || path.basename(dataDir) === ':memory:';
}
