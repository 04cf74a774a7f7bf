import type { SqlExecutor } from '../../src/adapters/db/database.js';

/**
 * What a test of the job queue can count instead of timing it: every poll of a pg-boss worker is
 * one fetch statement (`WITH next AS (... FOR UPDATE SKIP LOCKED) UPDATE ... RETURNING`) sent
 * through the app's database handle, with the queue name as its first parameter. A count of
 * fetches says "the worker has polled (again)" without a sleep long enough to be sure it did.
 */
export interface JobFetches {
  /** One entry per settled fetch of the queue, in order: the jobs it returned, or 'failed'. */
  readonly outcomes: (number | 'failed')[];
  /** Stops counting (restores the handle's executeSql). */
  stop(): void;
}

function isFetchOf(queue: string, text: string, values: readonly unknown[] | undefined): boolean {
  return values?.[0] === queue && /FOR UPDATE SKIP LOCKED/i.test(text) && /^\s*WITH next/i.test(text);
}

/** Counts the fetches of `queue` that go through `database` (the AppContext's handle) from now on. */
export function countJobFetches(database: SqlExecutor, queue: string): JobFetches {
  const outcomes: (number | 'failed')[] = [];
  // The handle's own property (restored by stop()), called on the handle.
  const original = Object.getOwnPropertyDescriptor(database, 'executeSql');
  const run = database.executeSql.bind(database);
  database.executeSql = async <R>(text: string, values?: readonly unknown[]) => {
    if (!isFetchOf(queue, text, values)) return run<R>(text, values);
    try {
      const result = await run<R>(text, values);
      outcomes.push(result.rows.length);
      return result;
    } catch (error) {
      outcomes.push('failed');
      throw error;
    }
  };
  return {
    outcomes,
    stop: () => {
      if (original === undefined) delete (database as Partial<SqlExecutor>).executeSql;
      else Object.defineProperty(database, 'executeSql', original);
    },
  };
}
