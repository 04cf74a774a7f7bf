import type { Kysely, Transaction } from 'kysely';
import type { CalendarRow, Database } from '../db/schema.js';
import type { CalendarSummary, ConnectionRef } from './connection.types.js';

type Executor = Kysely<Database> | Transaction<Database>;

export function toCalendarSummary(row: CalendarRow): CalendarSummary {
  return {
    id: row.id,
    googleCalendarId: row.google_calendar_id,
    summary: row.summary,
    primary: row.is_primary,
    selected: row.selected,
    timeZone: row.time_zone,
    syncStatus: row.sync_status,
    lastSyncAt: row.last_sync_at,
    lastError: row.last_error,
  };
}

/** The parts of `calendars` and `events` the connection lifecycle touches (status, disconnect, purge). */
export class ConnectionCalendarsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(ref: ConnectionRef): Promise<CalendarRow[]> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where('connection_id', '=', ref.id)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .orderBy('is_primary', 'desc')
      .orderBy('summary')
      .execute();
  }

  /** Calendars with an open push channel (they must be stopped at Google on disconnect). */
  async withChannels(ref: ConnectionRef): Promise<CalendarRow[]> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where('connection_id', '=', ref.id)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .where('channel_id', 'is not', null)
      .execute();
  }

  /** Forgets every push channel of the connection (after they were stopped, or cannot be). */
  async clearChannels(db: Executor, ref: ConnectionRef, now: Date): Promise<void> {
    await db
      .updateTable('calendars')
      .set({
        channel_id: null,
        channel_resource_id: null,
        channel_token_hash: null,
        channel_expires_at: null,
        updated_at: now,
      })
      .where('connection_id', '=', ref.id)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .execute();
  }

  /**
   * Deletes the synced copies of a connection: its events, then its calendars. CRM activities
   * survive (their event link is set to null by the foreign key).
   */
  async deleteCopies(db: Executor, ref: ConnectionRef): Promise<{ calendars: number; events: number }> {
    const calendarIds = db
      .selectFrom('calendars')
      .select('id')
      .where('connection_id', '=', ref.id)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId);
    const events = await db
      .deleteFrom('events')
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .where('calendar_id', 'in', calendarIds)
      .executeTakeFirst();
    const calendars = await db
      .deleteFrom('calendars')
      .where('connection_id', '=', ref.id)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .executeTakeFirst();
    return { calendars: Number(calendars.numDeletedRows), events: Number(events.numDeletedRows) };
  }
}
