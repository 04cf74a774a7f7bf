import { sql, type Kysely } from 'kysely';

/**
 * Where an event's CRM link comes from: 'crm' (set by a CRM user, stamped on Google's copy in
 * private extended properties) or 'attendee' (derived by the pull from a CRM contact among the
 * attendees, so it follows the attendee list). Null when the event is not linked.
 *
 * Existing links: a link to a contact who is among the event's attendees is taken as derived
 * ('attendee'), any other as set in the CRM. Until the pull reads the event again a derived-looking
 * link is left as Google has it (the push neither stamps nor removes it), and the pull then tells
 * from Google's private extended properties which it is.
 */
const statements = `
    ALTER TABLE events ADD COLUMN entity_source text CHECK (entity_source IN ('crm', 'attendee'));
    UPDATE events e SET entity_source = CASE
        WHEN e.entity_type = 'contact' AND EXISTS (
          SELECT 1
          FROM contacts c, jsonb_array_elements(e.attendees) a
          WHERE c.id = e.entity_id
            AND c.tenant_id = e.tenant_id
            AND coalesce(a->>'self', 'false') <> 'true'
            AND lower(trim(a->>'email')) = lower(trim(c.email))
        ) THEN 'attendee'
        ELSE 'crm'
      END
      WHERE e.entity_id IS NOT NULL;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
