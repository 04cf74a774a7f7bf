import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Logger } from 'pino';

/**
 * PGlite is one PostgreSQL backend in this process: a single session. Every user of it (Kysely,
 * pg-boss, health checks) goes through this class, which hands the session out to one holder at
 * a time. A Kysely transaction holds the session from BEGIN to COMMIT, so no other query can land
 * inside an open transaction; everyone else waits in line.
 */

/** Row shape returned by `executeSql`. */
interface SqlResult<R> {
  rows: R[];
  /** Rows inserted/updated/deleted, when the statement reports it. */
  affectedRows: number | undefined;
  /** The SQL command tag, e.g. 'SELECT' or 'INSERT'. */
  command: string | undefined;
}

const TIMESTAMPTZ_TEXT =
  /^(\d{4})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/**
 * timestamptz as PostgreSQL writes it ('0001-01-01 09:00:00+00', '2026-12-07 09:00:00.5+05:30'),
 * read field by field as `pg` does: `new Date` on that text (PGlite's own parser) reads the years
 * 0001-0099 as 1901-1999 or 2000-2049. Anything else (BC, five-digit years, infinity) is left to it.
 */
function parseTimestamptz(value: string): Date {
  const m = TIMESTAMPTZ_TEXT.exec(value);
  if (m === null) return new Date(value);
  const [, year, month, day, time, hours = '+00', minutes = '0', seconds = '0'] = m;
  const sign = hours.startsWith('-') ? -1 : 1;
  const offsetSeconds = sign * (Math.abs(Number(hours)) * 3600 + Number(minutes) * 60 + Number(seconds));
  return new Date(Date.parse(`${year}-${month}-${day}T${time}Z`) - offsetSeconds * 1000);
}

/** Parsers that make PGlite return the same JavaScript values as the `pg` driver set-up. */
const PARSERS = {
  // 'YYYY-MM-DD' stays a string: an all-day date has no time zone and must never shift.
  [types.DATE]: (value: string) => value,
  // bigint as a decimal string: no precision loss, same as pg.
  [types.INT8]: (value: string) => value,
  [types.TIMESTAMPTZ]: parseTimestamptz,
};

/**
 * A freshly initialised, empty cluster. initdb takes seconds; loading a copy of its result takes a
 * fraction of that, and in-memory stores (tests, throwaway runs) are opened often. The copy is
 * kept in memory for the process and in `node_modules/.cache` for the next processes (the
 * project's own cache directory, not a shared temp directory), keyed by the PGlite version: an
 * empty cluster is the same every time.
 */
let emptyCluster: Promise<Blob> | undefined;

async function emptyClusterCacheFile(): Promise<string> {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const packageRoot = path.join(path.dirname(entry), '..');
  const manifest = JSON.parse(await readFile(path.join(packageRoot, 'package.json'), 'utf8')) as {
    version?: string;
  };
  // <root>/node_modules/@electric-sql/pglite -> <root>/node_modules/.cache/crm-calendar-sync
  const cacheDir = path.join(packageRoot, '..', '..', '.cache', 'crm-calendar-sync');
  return path.join(cacheDir, `pglite-${manifest.version ?? 'unknown'}-empty-cluster.tar`);
}

async function loadCachedCluster(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(await emptyClusterCacheFile())]);
  } catch {
    return undefined;
  }
}

async function saveCachedCluster(image: Blob): Promise<void> {
  const file = await emptyClusterCacheFile();
  await mkdir(path.dirname(file), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await image.arrayBuffer()));
  await rename(partial, file);
}

async function createInMemory(): Promise<PGlite> {
  emptyCluster ??= loadCachedCluster().then(async (cached) => {
    if (cached !== undefined) return cached;
    const fresh = await PGlite.create({ parsers: PARSERS });
    try {
      const image = await fresh.dumpDataDir('none');
      await saveCachedCluster(image).catch(() => undefined);
      return image;
    } finally {
      await fresh.close();
    }
  });
  try {
    return await PGlite.create({ loadDataDir: await emptyCluster, parsers: PARSERS });
  } catch {
    // A damaged cached image: forget it and initialise from scratch.
    emptyCluster = undefined;
    return PGlite.create({ parsers: PARSERS });
  }
}

/** How long a caller may wait for the session before we log that something holds it. */
const SLOW_WAIT_MS = 10_000;

export class PgliteSession {
  readonly #pglite: PGlite;
  readonly #logger: Logger;
  #tail: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(pglite: PGlite, logger: Logger) {
    this.#pglite = pglite;
    this.#logger = logger;
  }

  /** Opens (creating if needed) the store in `dataDir`, or an in-memory one for ':memory:'. */
  static async open(dataDir: string, logger: Logger): Promise<PgliteSession> {
    if (dataDir === ':memory:') return new PgliteSession(await createInMemory(), logger);
    await mkdir(dataDir, { recursive: true });
    return new PgliteSession(await PGlite.create({ dataDir, parsers: PARSERS }), logger);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Waits for the session and returns the function that gives it back. Holders must release in
   * a `finally`; a holder that never releases stalls every other query, which is logged.
   */
  async acquire(): Promise<() => void> {
    if (this.#closed) throw new Error('The embedded database is closed');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => held);

    const waitStarted = Date.now();
    const slowTimer = setTimeout(() => {
      this.#logger.warn(
        { waitedMs: Date.now() - waitStarted },
        'A query has waited over 10s for the embedded database: an open transaction may be waiting on a query outside it',
      );
    }, SLOW_WAIT_MS);
    slowTimer.unref();
    await previous;
    clearTimeout(slowTimer);

    let released = false;
    return () => {
      if (!released) {
        released = true;
        release();
      }
    };
  }

  /** The PGlite instance, for a caller that already holds the session (see acquire()). */
  pgliteForHolder(): PGlite {
    return this.#pglite;
  }

  /** Runs `fn` while holding the session. */
  async exclusive<T>(fn: (pglite: PGlite) => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn(this.#pglite);
    } finally {
      release();
    }
  }

  /**
   * Runs SQL on its own turn. With parameters it is one statement (extended protocol); without,
   * the text may hold several statements (pg-boss sends its schema this way) and the rows of the
   * last one are returned.
   */
  async executeSql<R>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>> {
    return this.exclusive((pglite) => runSql<R>(pglite, text, values));
  }

  /**
   * Opens a PGlite transaction on the session the caller already holds. The returned handle's
   * `finish` commits (or rolls back); PGlite's own transaction() issues BEGIN/COMMIT/ROLLBACK.
   */
  async beginTransaction(): Promise<OpenTransaction> {
    let settle!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (settle = resolve));
    let opened!: (tx: Transaction) => void;
    const ready = new Promise<Transaction>((resolve) => (opened = resolve));

    const finished = this.#pglite
      .transaction(async (tx) => {
        opened(tx);
        if (!(await decided)) throw new RollbackSignal();
      })
      .then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof RollbackSignal)) throw error;
        },
      );
    // BEGIN itself may fail, in which case `ready` never resolves: race the two.
    const tx = await Promise.race([
      ready,
      finished.then(() => Promise.reject(new Error('Transaction ended before it began'))),
    ]);
    return {
      tx,
      finish: async (commit: boolean) => {
        settle(commit);
        await finished;
      },
    };
  }

  /** Waits for every holder to finish, then shuts PGlite down. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const release = await this.acquire();
    this.#closed = true;
    try {
      await this.#pglite.close();
    } finally {
      release();
    }
  }
}

export interface OpenTransaction {
  tx: Transaction;
  finish(commit: boolean): Promise<void>;
}

/** Thrown inside PGlite's transaction callback to make it roll back; never escapes. */
class RollbackSignal extends Error {
  constructor() {
    super('Transaction rolled back');
  }
}

interface Queryable {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number; command?: string }>;
  exec(text: string): Promise<{ rows: unknown[]; affectedRows?: number; command?: string }[]>;
}

/** Executes SQL on PGlite or on an open PGlite transaction. */
export async function runSql<R>(
  target: Queryable,
  text: string,
  values?: readonly unknown[],
): Promise<SqlResult<R>> {
  if (values !== undefined && values.length > 0) {
    const result = await target.query<R>(text, [...values]);
    return { rows: result.rows, affectedRows: result.affectedRows, command: result.command };
  }
  const results = await target.exec(text);
  const last = results.at(-1);
  return {
    rows: (last?.rows ?? []) as R[],
    affectedRows: last?.affectedRows,
    command: last?.command,
  };
}
