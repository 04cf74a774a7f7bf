import { sql, type Kysely } from 'kysely';

/**
 * Who sees an event and what its guests may do, as Google has them: `visibility` and
 * `transparency` (columns the pull already filled, empty where Google named no value) take
 * Google's defaults and a check of Google's values; the three guest permissions are new, with
 * Google's defaults (guests may invite others and see the guest list, not modify the event).
 */
const statements = `
    UPDATE events SET visibility = 'default'
      WHERE visibility IS NULL OR visibility NOT IN ('default', 'public', 'private', 'confidential');
    UPDATE events SET transparency = 'opaque'
      WHERE transparency IS NULL OR transparency NOT IN ('opaque', 'transparent');
    ALTER TABLE events
      ALTER COLUMN visibility SET DEFAULT 'default',
      ALTER COLUMN visibility SET NOT NULL,
      ADD CONSTRAINT events_visibility_check
        CHECK (visibility IN ('default', 'public', 'private', 'confidential')),
      ALTER COLUMN transparency SET DEFAULT 'opaque',
      ALTER COLUMN transparency SET NOT NULL,
      ADD CONSTRAINT events_transparency_check CHECK (transparency IN ('opaque', 'transparent')),
      ADD COLUMN guests_can_modify boolean NOT NULL DEFAULT false,
      ADD COLUMN guests_can_invite_others boolean NOT NULL DEFAULT true,
      ADD COLUMN guests_can_see_other_guests boolean NOT NULL DEFAULT true;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
