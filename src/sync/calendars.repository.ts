import type { Kysely } from 'kysely';
import type { ConnectionRef, Owner } from '../connections/connection.types.js';
import type { CalendarRow, Database } from '../db/schema.js';
import type { CalendarRef } from './pull/pull.types.js';
import './pull/pull.schema.js';

/** A calendar of the user's Google calendar list, as stored. */
export interface CalendarListEntry {
  googleCalendarId: string;
  summary: string | null;
  timeZone: string | null;
  primary: boolean;
  accessRole: string | null;
  /** The calendar's default reminders (they apply to events with useDefault; the CRM's notifications use them). */
  defaultReminders?: { method: 'email' | 'popup'; minutes: number }[];
}

/** `calendars` as the calendar list and the selection see it. Every query is scoped by owner. */
export class CalendarsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The owner's calendars (of any connection state), primary first, then by name. */
  async listForOwner(owner: Owner): Promise<CalendarRow[]> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .orderBy('is_primary', 'desc')
      .orderBy('summary')
      .orderBy('id')
      .execute();
  }

  async find(ref: CalendarRef): Promise<CalendarRow | undefined> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where('id', '=', ref.calendarId)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .executeTakeFirst();
  }

  /** Selected calendars of the connection. */
  async selected(connection: ConnectionRef): Promise<CalendarRow[]> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where('connection_id', '=', connection.id)
      .where('tenant_id', '=', connection.tenantId)
      .where('user_id', '=', connection.userId)
      .where('selected', '=', true)
      .orderBy('is_primary', 'desc')
      .orderBy('summary')
      .execute();
  }

  /** Selected calendars of every active connection, in pages (the scheduled safety-net pull). */
  async selectedOfActiveConnections(after: string | null, limit: number): Promise<CalendarRow[]> {
    let query = this.db
      .selectFrom('calendars')
      .innerJoin('connections', 'connections.id', 'calendars.connection_id')
      .selectAll('calendars')
      .where('calendars.selected', '=', true)
      .where('connections.status', '=', 'active');
    if (after !== null) query = query.where('calendars.id', '>', after);
    return query.orderBy('calendars.id').limit(limit).execute();
  }

  /**
   * Inserts or refreshes the calendar list entries of a connection. A new calendar is selected when
   * it is the primary one; an existing one keeps the user's choice.
   */
  async upsertList(
    connection: ConnectionRef,
    entries: readonly CalendarListEntry[],
    now: Date,
  ): Promise<CalendarRow[]> {
    const rows: CalendarRow[] = [];
    for (const entry of entries) {
      const values = {
        summary: entry.summary,
        time_zone: entry.timeZone,
        is_primary: entry.primary,
        access_role: entry.accessRole,
        ...(entry.defaultReminders === undefined
          ? {}
          : { default_reminders: JSON.stringify(entry.defaultReminders) }),
        updated_at: now,
      };
      const row = await this.db
        .insertInto('calendars')
        .values({
          tenant_id: connection.tenantId,
          user_id: connection.userId,
          connection_id: connection.id,
          google_calendar_id: entry.googleCalendarId,
          selected: entry.primary,
          created_at: now,
          ...values,
        })
        .onConflict((oc) => oc.columns(['connection_id', 'google_calendar_id']).doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      rows.push(row);
    }
    return rows;
  }

  /** Calendars of the connection that are no longer in its Google calendar list. */
  async notIn(connection: ConnectionRef, googleCalendarIds: readonly string[]): Promise<CalendarRow[]> {
    let query = this.db
      .selectFrom('calendars')
      .selectAll()
      .where('connection_id', '=', connection.id)
      .where('tenant_id', '=', connection.tenantId)
      .where('user_id', '=', connection.userId);
    if (googleCalendarIds.length > 0)
      query = query.where('google_calendar_id', 'not in', [...googleCalendarIds]);
    return query.execute();
  }

  /** Selects a calendar for sync. */
  async select(ref: CalendarRef, now: Date): Promise<CalendarRow | undefined> {
    return this.db
      .updateTable('calendars')
      .set({ selected: true, updated_at: now })
      .where('id', '=', ref.calendarId)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Deselects a calendar and removes its events from the CRM in one transaction; the sync state is
   * reset, so selecting it again lists it in full. CRM activities stay (their event link is cleared).
   */
  async deselect(
    ref: CalendarRef,
    now: Date,
  ): Promise<{ calendar: CalendarRow; eventsDeleted: number } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const calendar = await trx
        .updateTable('calendars')
        .set({
          selected: false,
          sync_token: null,
          full_sync_page_token: null,
          sync_status: 'idle',
          last_error: null,
          updated_at: now,
        })
        .where('id', '=', ref.calendarId)
        .where('tenant_id', '=', ref.tenantId)
        .where('user_id', '=', ref.userId)
        .returningAll()
        .executeTakeFirst();
      if (calendar === undefined) return undefined;
      const deleted = await trx
        .deleteFrom('events')
        .where('calendar_id', '=', ref.calendarId)
        .where('tenant_id', '=', ref.tenantId)
        .where('user_id', '=', ref.userId)
        .executeTakeFirst();
      return { calendar, eventsDeleted: Number(deleted.numDeletedRows) };
    });
  }

  /** Deletes a calendar row (its events go with it). */
  async delete(ref: CalendarRef): Promise<void> {
    await this.db
      .deleteFrom('calendars')
      .where('id', '=', ref.calendarId)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .execute();
  }
}
