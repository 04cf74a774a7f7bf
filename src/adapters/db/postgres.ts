import pg from 'pg';
import type { Logger } from 'pino';

/** PostgreSQL type ids whose parsing differs from pg's defaults. */
const DATE_OID = 1082;
const DATE_ARRAY_OID = 1182;
const TEXT_ARRAY_OID = 1009;

/**
 * A pg pool that returns the same JavaScript values as the PGlite set-up: `date` as
 * 'YYYY-MM-DD' strings (an all-day date has no time zone and must never shift), bigint as
 * strings, timestamptz as Date, jsonb parsed. The parsers are per pool, not global.
 */
export function createPostgresPool(connectionString: string, logger: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'crm-calendar-sync',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        const builtIn = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => unknown;
        if (oid === DATE_OID) return (value: string) => value;
        if (oid === DATE_ARRAY_OID) return builtIn(TEXT_ARRAY_OID, 'text');
        return builtIn(oid, format ?? 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => logger.error({ err: error }, 'PostgreSQL idle client error'));
  return pool;
}
