import { sql, type Kysely } from 'kysely';

/**
 * Pull sync (Google -> CRM) bookkeeping:
 * - `google_request_budget`: requests per connection per minute window, shared by every process,
 *   so one user's syncs stay under Google's per-user quota;
 * - a per-calendar pull lease (one pull per calendar at a time across processes) and a "pull
 *   requested" mark, so a trigger that arrives during a pull makes it run one more round;
 * - full-sync progress: a generation number stamped on every row a full listing returns (rows of
 *   the calendar without it were deleted in Google and are reconciled away), the start time of
 *   the listing, and the page token reached, so a listing cut short resumes where it stopped.
 */
const statements = `
    CREATE TABLE google_request_budget (
      connection_id  uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      window_start   timestamptz NOT NULL,
      requests       integer NOT NULL DEFAULT 0,
      PRIMARY KEY (connection_id, window_start)
    );
    CREATE INDEX google_request_budget_window_idx ON google_request_budget (window_start);

    ALTER TABLE calendars ADD COLUMN pull_lease_owner text;
    ALTER TABLE calendars ADD COLUMN pull_lease_until timestamptz;
    ALTER TABLE calendars ADD COLUMN pull_requested_at timestamptz;
    ALTER TABLE calendars ADD COLUMN full_sync_generation integer NOT NULL DEFAULT 0;
    ALTER TABLE calendars ADD COLUMN full_sync_started_at timestamptz;
    ALTER TABLE calendars ADD COLUMN full_sync_page_token text;
    ALTER TABLE events ADD COLUMN listed_generation integer;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement at a time: PGlite's extended-protocol query() takes a single statement.
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
