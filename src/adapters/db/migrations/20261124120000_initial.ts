import { sql, type Kysely } from 'kysely';

/**
 * The initial schema. One set of migrations serves PGlite and PostgreSQL, so only SQL that both
 * accept is used. Every row carries `tenant_id` and, for calendar data, `user_id`: every query
 * filters on them.
 */
const statements = `
    CREATE TABLE users (
      tenant_id   text NOT NULL,
      id          text NOT NULL,
      name        text,
      email       text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );

    -- OAuth "state" values: only a SHA-256 hash is stored; single-use, 10-minute expiry, bound to
    -- the user who asked. The PKCE verifier is stored encrypted.
    CREATE TABLE oauth_states (
      id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id           text NOT NULL,
      user_id             text NOT NULL,
      state_hash          text NOT NULL UNIQUE,
      code_verifier_enc   text NOT NULL,
      created_at          timestamptz NOT NULL DEFAULT now(),
      expires_at          timestamptz NOT NULL,
      used_at             timestamptz
    );
    CREATE INDEX oauth_states_expires_idx ON oauth_states (expires_at);

    CREATE TABLE connections (
      id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id           text NOT NULL,
      user_id             text NOT NULL,
      provider            text NOT NULL DEFAULT 'google',
      status              text NOT NULL CHECK (status IN ('active', 'reauth_required', 'disconnected')),
      google_email        text,
      scopes              text[] NOT NULL DEFAULT '{}',
      access_token_enc    text,
      refresh_token_enc   text,
      token_expires_at    timestamptz,
      -- Lease that makes token refresh single-flight across processes.
      refresh_lease_until timestamptz,
      connected_at        timestamptz,
      last_sync_at        timestamptz,
      last_error          text,
      created_at          timestamptz NOT NULL DEFAULT now(),
      updated_at          timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, user_id, provider)
    );

    CREATE TABLE calendars (
      id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id            text NOT NULL,
      user_id              text NOT NULL,
      connection_id        uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      google_calendar_id   text NOT NULL,
      summary              text,
      time_zone            text,
      is_primary           boolean NOT NULL DEFAULT false,
      access_role          text,
      selected             boolean NOT NULL DEFAULT false,
      sync_token           text,
      sync_status          text NOT NULL DEFAULT 'idle' CHECK (sync_status IN ('idle', 'syncing', 'error')),
      last_full_sync_at    timestamptz,
      last_sync_at         timestamptz,
      last_error           text,
      channel_id           text UNIQUE,
      channel_resource_id  text,
      channel_token_hash   text,
      channel_expires_at   timestamptz,
      created_at           timestamptz NOT NULL DEFAULT now(),
      updated_at           timestamptz NOT NULL DEFAULT now(),
      UNIQUE (connection_id, google_calendar_id)
    );
    CREATE INDEX calendars_owner_idx ON calendars (tenant_id, user_id);

    CREATE TABLE companies (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id      text NOT NULL,
      owner_user_id  text NOT NULL,
      name           text NOT NULL,
      domain         text,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX companies_tenant_idx ON companies (tenant_id, name);

    CREATE TABLE contacts (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id      text NOT NULL,
      owner_user_id  text NOT NULL,
      name           text NOT NULL,
      email          text,
      phone          text,
      company_id     uuid REFERENCES companies (id) ON DELETE SET NULL,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX contacts_tenant_idx ON contacts (tenant_id, name);
    -- Attendee -> contact matching is case-insensitive.
    CREATE INDEX contacts_email_idx ON contacts (tenant_id, lower(email));

    CREATE TABLE deals (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id      text NOT NULL,
      owner_user_id  text NOT NULL,
      name           text NOT NULL,
      stage          text NOT NULL DEFAULT 'open',
      amount_cents   bigint,
      currency       text,
      company_id     uuid REFERENCES companies (id) ON DELETE SET NULL,
      contact_id     uuid REFERENCES contacts (id) ON DELETE SET NULL,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX deals_tenant_idx ON deals (tenant_id, name);

    -- The CRM copy of a Google event. Timed events use start_at/end_at (instants); all-day events
    -- use start_date/end_date (end exclusive, as Google) and never shift with time zones.
    CREATE TABLE events (
      id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id            text NOT NULL,
      user_id              text NOT NULL,
      calendar_id          uuid NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
      google_event_id      text NOT NULL,
      ical_uid             text,
      status               text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
      title                text,
      description          text,
      location             text,
      all_day              boolean NOT NULL DEFAULT false,
      start_at             timestamptz,
      end_at               timestamptz,
      start_date           date,
      end_date             date,
      time_zone            text,
      recurrence           text[],
      recurring_event_id   text,
      original_start_at    timestamptz,
      original_start_date  date,
      organizer_email      text,
      organizer_self       boolean NOT NULL DEFAULT true,
      attendees            jsonb NOT NULL DEFAULT '[]',
      reminders            jsonb,
      meet_link            text,
      html_link            text,
      transparency         text,
      visibility           text,
      entity_type          text CHECK (entity_type IN ('contact', 'company', 'deal')),
      entity_id            uuid,
      google_etag          text,
      google_updated       timestamptz,
      google_sequence      integer,
      synced_snapshot      jsonb,
      sync_state           text NOT NULL DEFAULT 'synced' CHECK (sync_state IN ('synced', 'pending', 'failed')),
      sync_error           text,
      local_version        integer NOT NULL DEFAULT 0,
      deleted_at           timestamptz,
      created_at           timestamptz NOT NULL DEFAULT now(),
      updated_at           timestamptz NOT NULL DEFAULT now(),
      UNIQUE (calendar_id, google_event_id),
      CHECK ((all_day AND start_date IS NOT NULL AND end_date IS NOT NULL)
          OR (NOT all_day AND start_at IS NOT NULL AND end_at IS NOT NULL)
          OR status = 'cancelled')
    );
    CREATE INDEX events_owner_start_idx ON events (tenant_id, user_id, start_at);
    CREATE INDEX events_owner_date_idx ON events (tenant_id, user_id, start_date);
    CREATE INDEX events_entity_idx ON events (tenant_id, entity_type, entity_id);
    CREATE INDEX events_master_idx ON events (calendar_id, recurring_event_id);

    CREATE TABLE activities (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id          text NOT NULL,
      user_id            text NOT NULL,
      entity_type        text NOT NULL CHECK (entity_type IN ('contact', 'company', 'deal')),
      entity_id          uuid NOT NULL,
      type               text NOT NULL,
      title              text NOT NULL,
      description        text,
      status             text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled', 'done')),
      event_id           uuid REFERENCES events (id) ON DELETE SET NULL,
      meeting_start_at   timestamptz,
      meeting_end_at     timestamptz,
      meeting_start_date date,
      meeting_end_date   date,
      meeting_attendees  jsonb NOT NULL DEFAULT '[]',
      created_at         timestamptz NOT NULL DEFAULT now(),
      updated_at         timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX activities_entity_idx ON activities (tenant_id, entity_type, entity_id, created_at);
    CREATE UNIQUE INDEX activities_event_entity_idx ON activities (event_id, entity_type, entity_id)
      WHERE event_id IS NOT NULL;

    -- In-CRM reminder notifications: one row per (event, fire time); fired_at makes each fire once.
    CREATE TABLE notifications (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id   text NOT NULL,
      user_id     text NOT NULL,
      event_id    uuid REFERENCES events (id) ON DELETE CASCADE,
      kind        text NOT NULL DEFAULT 'reminder',
      fire_at     timestamptz NOT NULL,
      fired_at    timestamptz,
      payload     jsonb NOT NULL DEFAULT '{}',
      read_at     timestamptz,
      created_at  timestamptz NOT NULL DEFAULT now(),
      UNIQUE (event_id, kind, fire_at)
    );
    CREATE INDEX notifications_due_idx ON notifications (fire_at) WHERE fired_at IS NULL;
    CREATE INDEX notifications_owner_idx ON notifications (tenant_id, user_id, fire_at);
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
