import { sql, type Kysely } from 'kysely';

/** Google's colours of each calendar (its calendar list entry's backgroundColor and foregroundColor). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calendars ADD COLUMN background_color text`.execute(db);
  await sql`ALTER TABLE calendars ADD COLUMN foreground_color text`.execute(db);
}
