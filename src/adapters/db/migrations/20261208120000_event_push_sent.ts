import { sql, type Kysely } from 'kysely';

/**
 * What the push's last patch of an event sent, until Google's answer is settled: when the answer
 * is lost, a later attempt's merge knows which of Google's values are the CRM's own write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE events ADD COLUMN push_sent jsonb`.execute(db);
}
