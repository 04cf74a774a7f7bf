import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { EventRow } from '../../../adapters/db/tables/events.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Reads of `events` that other modules make inside their own transactions: the reminders
 * (src/modules/notifications), the meeting activities (src/modules/crm, which sits below this
 * module and gets `idInTenant` passed in by the app), and whether a series has occurrences left
 * (src/modules/push and src/modules/pull).
 */
export const eventLookupsRepository = {
  /** The calendar's row with this Google id, whatever its state (deleted or cancelled included). */
  async rowByGoogleId(
    db: Executor,
    calendarId: string,
    googleEventId: string,
  ): Promise<EventRow | undefined> {
    return db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', calendarId)
      .where('google_event_id', '=', googleEventId)
      .executeTakeFirst();
  },

  /** Every stored occurrence row of a series, whatever its state. */
  async occurrenceRows(db: Executor, master: EventRow): Promise<EventRow[]> {
    return db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', master.calendar_id)
      .where('recurring_event_id', '=', master.google_event_id)
      .execute();
  },

  /** The calendar's series with these Google ids and every stored occurrence row of them, whatever their state. */
  async seriesRows(
    db: Executor,
    calendarId: string,
    seriesGoogleIds: readonly string[],
  ): Promise<EventRow[]> {
    if (seriesGoogleIds.length === 0) return [];
    const ids = [...seriesGoogleIds];
    return db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', calendarId)
      .where((eb) => eb.or([eb('google_event_id', 'in', ids), eb('recurring_event_id', 'in', ids)]))
      .execute();
  },

  /** The event's id when it is an event of the tenant. */
  async idInTenant(db: Executor, tenantId: string, eventId: string): Promise<{ id: string } | undefined> {
    return db
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', eventId)
      .executeTakeFirst();
  },
};
