import { sql, type Kysely } from 'kysely';

/**
 * Events Google sent that the CRM could not store (no start, an unreadable date, a value the
 * database refuses...), one row per calendar and Google id with the reason, so that one bad event
 * is set aside instead of stopping its calendar's sync. A row goes when the event is stored or
 * deleted later, or a full listing no longer meets it. The calendar keeps how many there are and
 * the latest reason, for its status.
 */
const statements = `
    CREATE TABLE skipped_events (
      calendar_id      uuid NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
      google_event_id  text NOT NULL,
      tenant_id        text NOT NULL,
      user_id          text NOT NULL,
      reason           text NOT NULL,
      skipped_at       timestamptz NOT NULL,
      PRIMARY KEY (calendar_id, google_event_id)
    );
    ALTER TABLE calendars ADD COLUMN skipped_events integer NOT NULL DEFAULT 0;
    ALTER TABLE calendars ADD COLUMN last_skip_reason text;
    ALTER TABLE calendars ADD COLUMN last_skipped_at timestamptz;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
