import { sql, type Kysely } from 'kysely';

/**
 * The SHA-256 of the browser-binding secret of each consent attempt: the service sets the secret
 * as a cookie on the browser that starts connecting, and the callback refuses a state whose
 * browser does not send it (login CSRF). States stored before have none and are refused; they
 * expire within 10 minutes anyway.
 */
const statements = `
    ALTER TABLE oauth_states ADD COLUMN browser_binding_hash text;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
