import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { CalendarRef } from '../../../kernel/refs.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Events Google moved from one of the user's calendars to another (`events.move`: same id, the
 * source's sync lists it cancelled, the destination's as new). The CRM row follows the event to
 * its new calendar instead of being deleted and inserted again, so it keeps its id, its CRM link,
 * its meeting activity and its reminders. Only the organizer's copy of a meeting can move, so only
 * such rows are followed.
 */
export const movedEventsRepository = {
  /**
   * Moves the rows of these Google events (series with their stored occurrences) held as the
   * organizer's copy in one of `fromCalendarIds` to the calendar of `to`, unless that calendar
   * already has a row with the same Google id. Returns how many rows moved.
   */
  async moveTo(
    trx: Transaction<Database>,
    to: CalendarRef,
    fromCalendarIds: readonly string[],
    googleIds: readonly string[],
    now: Date,
  ): Promise<number> {
    const from = fromCalendarIds.filter((id) => id !== to.calendarId);
    if (from.length === 0 || googleIds.length === 0) return 0;
    const ids = [...googleIds];
    const result = await trx
      .updateTable('events')
      .set({ calendar_id: to.calendarId, updated_at: now })
      .where('tenant_id', '=', to.tenantId)
      .where('user_id', '=', to.userId)
      .where('calendar_id', 'in', from)
      .where('organizer_self', '=', true)
      .where('event_type', '=', 'default')
      .where((eb) => eb.or([eb('google_event_id', 'in', ids), eb('recurring_event_id', 'in', ids)]))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('events as here')
              .select('here.id')
              .where('here.calendar_id', '=', to.calendarId)
              .whereRef('here.google_event_id', '=', 'events.google_event_id'),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },

  /**
   * Of these Google ids, the ones the calendar holds the organizer's copy of as a meeting or a
   * series (not an occurrence): the rows a move would take away from it.
   */
  async organizerCopies(db: Executor, ref: CalendarRef, googleIds: readonly string[]): Promise<string[]> {
    if (googleIds.length === 0) return [];
    const rows = await db
      .selectFrom('events')
      .select('google_event_id')
      .where('calendar_id', '=', ref.calendarId)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .where('organizer_self', '=', true)
      .where('event_type', '=', 'default')
      .where('recurring_event_id', 'is', null)
      .where('google_event_id', 'in', [...googleIds])
      .execute();
    return rows.map((row) => row.google_event_id);
  },
};
