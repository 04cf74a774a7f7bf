import { sql, type Kysely } from 'kysely';

/**
 * Google's `eventType` of each event (fixed when the event is made): 'default' for a meeting or
 * any ordinary event, else an out-of-office, focus-time, working-location, birthday or
 * from-Gmail item. Rows stored before are 'default' until Google's copy is read again (an
 * incremental pull of a changed event, or a full sync, which rewrites a row whose type differs).
 */
const statements = `
    ALTER TABLE events ADD COLUMN event_type text NOT NULL DEFAULT 'default'
      CHECK (event_type IN ('default', 'outOfOffice', 'focusTime', 'workingLocation', 'birthday', 'fromGmail'));
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
