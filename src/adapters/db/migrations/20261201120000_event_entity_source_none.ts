import { sql, type Kysely } from 'kysely';

/**
 * Adds 'none' to the sources of an event's CRM link: the event was unlinked in the CRM, so the pull
 * derives no link from its attendees until the CRM links it again (entity columns stay null).
 * The check constraint is the one the column got when it was added (Postgres' default name).
 */
const statements = `
    ALTER TABLE events DROP CONSTRAINT events_entity_source_check;
    ALTER TABLE events ADD CONSTRAINT events_entity_source_check
      CHECK (entity_source IN ('crm', 'attendee', 'none'));
    ALTER TABLE events ADD CONSTRAINT events_entity_source_none_unlinked
      CHECK (entity_source IS DISTINCT FROM 'none' OR entity_id IS NULL);
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
