import { sql, type Kysely } from 'kysely';

/**
 * CRM -> Google push bookkeeping, in-CRM reminder delivery and per-user reminder defaults.
 * Column types are declared for Kysely in src/adapters/db/tables/.
 */
const statements = `
    -- sendUpdates of the change waiting to be pushed (all | externalOnly | none); null once pushed.
    ALTER TABLE events ADD COLUMN push_send_updates text
      CHECK (push_send_updates IN ('all', 'externalOnly', 'none'));
    -- When the CRM-side change being pushed was made: the local side's time in three-way merges.
    ALTER TABLE events ADD COLUMN local_changed_at timestamptz;
    -- A Meet conference asked for (true) or removed (false) in the CRM and not yet confirmed by
    -- Google; null follows meet_link.
    ALTER TABLE events ADD COLUMN conference_requested boolean;
    -- Overwrites recorded by three-way merges (field, local, remote, winner, at), newest last.
    ALTER TABLE events ADD COLUMN sync_conflicts jsonb NOT NULL DEFAULT '[]';
    -- The sweep and the reconnect hook look for rows still waiting to reach Google.
    CREATE INDEX events_push_pending_idx ON events (tenant_id, user_id, calendar_id)
      WHERE sync_state = 'pending';

    -- The calendar's default reminders (calendarList defaultReminders), which apply to events with
    -- useDefault; the CRM fires its own notification at each popup one. Null: not known yet.
    ALTER TABLE calendars ADD COLUMN default_reminders jsonb;

    -- Default reminders of events the user creates without reminders; null: the built-in defaults.
    ALTER TABLE users ADD COLUMN default_reminders jsonb;

    -- What happened when the notification came due: delivered, or skipped (its event had ended).
    ALTER TABLE notifications ADD COLUMN outcome text CHECK (outcome IN ('delivered', 'skipped'));
    CREATE INDEX notifications_fired_idx ON notifications (tenant_id, user_id, fired_at)
      WHERE fired_at IS NOT NULL;

    -- Single-use, short-lived tickets that authorize one Server-Sent Events connection (EventSource
    -- cannot send an Authorization header). Only a SHA-256 of the ticket is stored.
    CREATE TABLE notification_stream_tickets (
      ticket_hash  text PRIMARY KEY,
      tenant_id    text NOT NULL,
      user_id      text NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      expires_at   timestamptz NOT NULL,
      used_at      timestamptz
    );
    CREATE INDEX notification_stream_tickets_expires_idx ON notification_stream_tickets (expires_at);
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements.split(/;\s*\n/)) {
    if (statement.trim() !== '') await sql.raw(statement).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
