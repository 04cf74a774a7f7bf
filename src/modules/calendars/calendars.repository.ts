import type { Kysely } from 'kysely';
import type { ConnectionRef, Owner } from '../../kernel/refs.js';
import type { CalendarRow } from '../../adapters/db/tables/calendars.js';
import type { Database } from '../../adapters/db/tables/index.js';
import { calendarEventsRepository } from '../events/index.js';
import { findCalendar, NO_CHANNEL, scoped, type Executor } from './calendar-scope.js';
import type { CalendarRef } from '../../kernel/refs.js';

/** A calendar of the user's Google calendar list, as stored. */
export interface CalendarListEntry {
  googleCalendarId: string;
  summary: string | null;
  timeZone: string | null;
  primary: boolean;
  accessRole: string | null;
  /** The calendar's default reminders (they apply to events with useDefault; the CRM's notifications use them). */
  defaultReminders?: { method: 'email' | 'popup'; minutes: number }[];
  /** Google's colours of the calendar (`#rrggbb`); null: none given. */
  backgroundColor?: string | null;
  foregroundColor?: string | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  /**
   * A calendar of the connection by what an event write names (src/modules/push): 'primary', a
   * CRM calendar id, or a Google calendar id.
   */
  async findByKey(owner: Owner, connectionId: string, key: string): Promise<CalendarRow | undefined> {
    let query = this.db
      .selectFrom('calendars')
      .selectAll()
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('connection_id', '=', connectionId);
    if (key === 'primary') query = query.where('is_primary', '=', true);
    else if (UUID_RE.test(key))
      query = query.where((eb) =>
        eb.or([eb('id', '=', key.toLowerCase()), eb('google_calendar_id', '=', key)]),
      );
    else query = query.where('google_calendar_id', '=', key);
    return query.executeTakeFirst();
  }

  /** The connection's primary calendar, if listed yet. */
  async findPrimary(owner: Owner, connectionId: string): Promise<CalendarRow | undefined> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('connection_id', '=', connectionId)
      .where('is_primary', '=', true)
      .executeTakeFirst();
  }

  /** The calendar of a stored event (by its calendar_id); throws when there is none. */
  async getById(calendarId: string): Promise<CalendarRow> {
    return this.db.selectFrom('calendars').selectAll().where('id', '=', calendarId).executeTakeFirstOrThrow();
  }

  /** The default reminders of these calendars (the reminders of src/modules/notifications), in one query. */
  async defaultReminders(
    db: Executor,
    calendarIds: readonly string[],
  ): Promise<Pick<CalendarRow, 'id' | 'default_reminders'>[]> {
    return db
      .selectFrom('calendars')
      .select(['id', 'default_reminders'])
      .where('id', 'in', calendarIds)
      .execute();
  }

  /**
   * Selected calendars of every active connection, in pages (the scheduled safety-net pull). A
   * read-only join: `calendars` is the main table, so the query stands here.
   */
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
   * it is the primary one; an existing one keeps the user's choice. `db` is the OAuth callback's
   * transaction when it stores the primary calendar with the connection.
   */
  async upsertList(
    connection: ConnectionRef,
    entries: readonly CalendarListEntry[],
    now: Date,
    db: Executor = this.db,
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
        ...(entry.backgroundColor === undefined ? {} : { background_color: entry.backgroundColor }),
        ...(entry.foregroundColor === undefined ? {} : { foreground_color: entry.foregroundColor }),
        updated_at: now,
      };
      const row = await db
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

  /**
   * Deletes a calendar row (its remaining events go with it). Its events are removed first, in the
   * same transaction, with the events module's `calendarEventsRepository.deleteOf`.
   */
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

  /** The event rows of a connection's calendars (what deleteCopies takes away). */
  async eventsOfCopies(db: Executor, connection: ConnectionRef): Promise<{ id: string }[]> {
    const calendarIds = db.selectFrom('calendars').select('id').where(scoped(connection));
    return calendarEventsRepository.rowsOfCalendars(db, connection, calendarIds);
  }

  /**
   * Deletes the synced copies of a connection: its events (with the events module's repository,
   * which owns them), then its calendars. CRM activities survive (their event link is set to null
   * by the foreign key).
   */
  async deleteCopies(
    db: Executor,
    connection: ConnectionRef,
  ): Promise<{ calendars: number; events: number }> {
    const calendarIds = db.selectFrom('calendars').select('id').where(scoped(connection));
    const events = await calendarEventsRepository.deleteOfCalendars(db, connection, calendarIds);
    const calendars = await db.deleteFrom('calendars').where(scoped(connection)).executeTakeFirst();
    return { calendars: Number(calendars.numDeletedRows), events };
  }
}
