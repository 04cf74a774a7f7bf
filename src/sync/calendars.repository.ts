import type { Kysely } from 'kysely';
import type { ConnectionRef, Owner } from '../connections/connection.types.js';
import type { CalendarRow, Database } from '../db/schema.js';
import { findCalendar, NO_CHANNEL, scoped, scopedEvents, type Executor } from './calendar-scope.js';
import type { CalendarRef } from './pull/pull.types.js';

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

/** An event row about to be removed, and whether it is linked to a CRM record (it has meeting activities). */
export interface CalendarEventRow {
  id: string;
  linked: boolean;
}

/**
 * `calendars` as the calendar list, the selection and the connection lifecycle see it. Every
 * statement is scoped by tenant and user (`scoped()`), and by calendar or connection.
 */
export class CalendarsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The owner's calendars (of any connection state), primary first, then by name. */
  async listForOwner(owner: Owner): Promise<CalendarRow[]> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where(scoped(owner))
      .orderBy('is_primary', 'desc')
      .orderBy('summary')
      .orderBy('id')
      .execute();
  }

  /** The connection's calendars (all, or only the selected ones), primary first, then by name. */
  async listForConnection(
    connection: ConnectionRef,
    options: { selectedOnly?: boolean } = {},
  ): Promise<CalendarRow[]> {
    let query = this.db.selectFrom('calendars').selectAll().where(scoped(connection));
    if (options.selectedOnly === true) query = query.where('selected', '=', true);
    return query.orderBy('is_primary', 'desc').orderBy('summary').orderBy('id').execute();
  }

  async find(ref: CalendarRef, db: Executor = this.db): Promise<CalendarRow | undefined> {
    return findCalendar(db, ref);
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
        .onConflict((oc) =>
          oc
            .columns(['connection_id', 'google_calendar_id'])
            .doUpdateSet(values)
            // The conflicting row is the connection's, so it has its owner; checked all the same.
            .where('calendars.tenant_id', '=', connection.tenantId)
            .where('calendars.user_id', '=', connection.userId),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      rows.push(row);
    }
    return rows;
  }

  /** Calendars of the connection that are no longer in its Google calendar list. */
  async notIn(connection: ConnectionRef, googleCalendarIds: readonly string[]): Promise<CalendarRow[]> {
    let query = this.db.selectFrom('calendars').selectAll().where(scoped(connection));
    if (googleCalendarIds.length > 0)
      query = query.where('google_calendar_id', 'not in', [...googleCalendarIds]);
    return query.execute();
  }

  /** Selects a calendar for sync. */
  async select(ref: CalendarRef, now: Date): Promise<CalendarRow | undefined> {
    return this.db
      .updateTable('calendars')
      .set({ selected: true, updated_at: now })
      .where(scoped(ref))
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Deselects a calendar and resets its sync state, so selecting it again lists it in full. Its
   * events are removed separately (`deleteEvents`) in the same transaction.
   */
  async deselect(db: Executor, ref: CalendarRef, now: Date): Promise<CalendarRow | undefined> {
    return db
      .updateTable('calendars')
      .set({
        selected: false,
        sync_token: null,
        full_sync_page_token: null,
        sync_status: 'idle',
        last_error: null,
        updated_at: now,
      })
      .where(scoped(ref))
      .returningAll()
      .executeTakeFirst();
  }

  /** The calendar's event rows (what removing the calendar from the CRM takes away). */
  async eventsOf(db: Executor, ref: CalendarRef): Promise<CalendarEventRow[]> {
    const rows = await db
      .selectFrom('events')
      .select(['id', 'entity_type'])
      .where(scopedEvents(ref))
      .execute();
    return rows.map((row) => ({ id: row.id, linked: row.entity_type !== null }));
  }

  /** Removes the calendar's events from the CRM. CRM activities stay (their event link is cleared). */
  async deleteEvents(db: Executor, ref: CalendarRef): Promise<number> {
    const deleted = await db.deleteFrom('events').where(scopedEvents(ref)).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Deletes a calendar row (its remaining events go with it). */
  async delete(db: Executor, ref: CalendarRef): Promise<void> {
    await db.deleteFrom('calendars').where(scoped(ref)).execute();
  }

  /** Calendars of the connection with an open push channel (they must be stopped at Google). */
  async withChannels(connection: ConnectionRef, db: Executor = this.db): Promise<CalendarRow[]> {
    return db
      .selectFrom('calendars')
      .selectAll()
      .where(scoped(connection))
      .where('channel_id', 'is not', null)
      .execute();
  }

  /** Forgets every push channel of the connection (after they were stopped, or cannot be). */
  async clearChannels(db: Executor, connection: ConnectionRef, now: Date): Promise<void> {
    await db
      .updateTable('calendars')
      .set({ ...NO_CHANNEL, updated_at: now })
      .where(scoped(connection))
      .execute();
  }

  /**
   * Deletes the synced copies of a connection: its events, then its calendars. CRM activities
   * survive (their event link is set to null by the foreign key).
   */
  async deleteCopies(
    db: Executor,
    connection: ConnectionRef,
  ): Promise<{ calendars: number; events: number }> {
    const calendarIds = db.selectFrom('calendars').select('id').where(scoped(connection));
    const events = await db
      .deleteFrom('events')
      .where(scopedEvents(connection))
      .where('calendar_id', 'in', calendarIds)
      .executeTakeFirst();
    const calendars = await db.deleteFrom('calendars').where(scoped(connection)).executeTakeFirst();
    return { calendars: Number(calendars.numDeletedRows), events: Number(events.numDeletedRows) };
  }
}
