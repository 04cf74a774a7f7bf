import type { Expression, ExpressionBuilder, Kysely, SelectQueryBuilder, SqlBool, Transaction } from 'kysely';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { CalendarRef, Owner } from '../../../kernel/refs.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** An event row about to be removed, and whether it is linked to a CRM record (it has meeting activities). */
export interface CalendarEventRow {
  id: string;
  linked: boolean;
}

/** The scope of `events` statements: the owner's rows, and only the calendar's when a CalendarRef is given. */
function scopedEvents(scope: CalendarRef | Owner) {
  return (eb: ExpressionBuilder<Database, 'events'>): Expression<SqlBool> => {
    const filters = [eb('tenant_id', '=', scope.tenantId), eb('user_id', '=', scope.userId)];
    if ('calendarId' in scope) filters.push(eb('calendar_id', '=', scope.calendarId));
    return eb.and(filters);
  };
}

/**
 * The events of whole calendars, as removing a calendar or a connection's copies from the CRM
 * (src/modules/calendars) takes them away, in the caller's transaction.
 */
export const calendarEventsRepository = {
  /** The calendar's event rows (what removing the calendar from the CRM takes away). */
  async rowsOf(db: Executor, ref: CalendarRef): Promise<CalendarEventRow[]> {
    const rows = await db
      .selectFrom('events')
      .select(['id', 'entity_type'])
      .where(scopedEvents(ref))
      .execute();
    return rows.map((row) => ({ id: row.id, linked: row.entity_type !== null }));
  },

  /** The owner's event rows of the calendars `calendarIds` selects (what deleteOfCalendars takes away). */
  async rowsOfCalendars(
    db: Executor,
    owner: Owner,
    calendarIds: SelectQueryBuilder<Database, 'calendars', { id: string }>,
  ): Promise<CalendarEventRow[]> {
    const rows = await db
      .selectFrom('events')
      .select(['id', 'entity_type'])
      .where(scopedEvents(owner))
      .where('calendar_id', 'in', calendarIds)
      .execute();
    return rows.map((row) => ({ id: row.id, linked: row.entity_type !== null }));
  },

  /** Removes the calendar's events from the CRM. CRM activities stay (their event link is cleared). */
  async deleteOf(db: Executor, ref: CalendarRef): Promise<number> {
    const deleted = await db.deleteFrom('events').where(scopedEvents(ref)).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  },

  /**
   * Removes the owner's events of the calendars `calendarIds` selects (a subquery the calendars
   * module builds: a connection's calendars). CRM activities stay (their event link is cleared).
   */
  async deleteOfCalendars(
    db: Executor,
    owner: Owner,
    calendarIds: SelectQueryBuilder<Database, 'calendars', { id: string }>,
  ): Promise<number> {
    const events = await db
      .deleteFrom('events')
      .where(scopedEvents(owner))
      .where('calendar_id', 'in', calendarIds)
      .executeTakeFirst();
    return Number(events.numDeletedRows);
  },
};
