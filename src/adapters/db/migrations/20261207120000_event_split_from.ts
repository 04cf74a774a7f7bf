import { sql, type Kysely } from 'kysely';

/**
 * A series made by "this and following" in the CRM remembers the Google id of the series it was
 * split from until its first push, which takes the changes Google made to that series meanwhile.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE events ADD COLUMN split_from text`.execute(db);
}
