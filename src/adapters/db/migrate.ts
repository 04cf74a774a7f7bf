import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import type { Logger } from 'pino';
import { migrations } from './migrations/index.js';
import type { Database } from './tables/index.js';

/**
 * Brings the schema to the latest migration. Kysely takes an advisory lock, so several processes
 * starting at once on PostgreSQL run each migration exactly once, in a transaction.
 */
export async function migrateToLatest(db: Kysely<Database>, logger?: Logger): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const failed = (result.results ?? []).find((r) => r.status === 'Error');
  if (result.error !== undefined || failed !== undefined) {
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`Migration ${failed?.migrationName ?? '(setup)'} failed: ${cause.message}`, { cause });
  }
  if (applied.length > 0) logger?.info({ migrations: applied }, 'Applied database migrations');
  return applied;
}
