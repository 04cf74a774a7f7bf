import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { EventRow } from '../../../adapters/db/tables/events.js';
import type { Instance } from '../../../kernel/recurrence/recurrence.js';
import type { Owner } from '../../../kernel/refs.js';

type Executor = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;

/**
 * The statements of the CRM's own event writes (src/modules/push: the write service, the local
 * changes, series writes and write targets) on `events`, besides the row helpers of event-rows.ts.
 * Those that take a transaction run in the caller's.
 */
export const localChangesRepository = {
  /** The live row (not deleted in the CRM), locked until the transaction ends. */
  async lockLive(trx: Trx, rowId: string): Promise<EventRow | undefined> {
    return trx
      .selectFrom('events')
      .selectAll()
      .where('id', '=', rowId)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
  },

  /** A row of the owner by id, whatever its state (deleted in the CRM included). */
  async ownedRow(db: Executor, owner: Owner, rowId: string): Promise<EventRow | undefined> {
    return db
      .selectFrom('events')
      .selectAll()
      .where('id', '=', rowId)
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .executeTakeFirst();
  },

  /** The calendar's live row (not deleted in the CRM) with this Google id, if stored. */
  async liveRowByGoogleId(
    db: Executor,
    calendarId: string,
    googleEventId: string,
  ): Promise<EventRow | undefined> {
    return db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', calendarId)
      .where('google_event_id', '=', googleEventId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  },

  /** The live occurrence rows of a series from `instance` on (by original start). */
  async liveOccurrencesFrom(trx: Trx, master: EventRow, instance: Instance): Promise<EventRow[]> {
    return trx
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', master.calendar_id)
      .where('recurring_event_id', '=', master.google_event_id)
      .where('deleted_at', 'is', null)
      .where((eb) =>
        instance.originalStartAt !== null
          ? eb('original_start_at', '>=', instance.originalStartAt)
          : eb('original_start_date', '>=', instance.originalStartDate),
      )
      .execute();
  },

  /** Deletes a series' live occurrence rows in the CRM with it (Google cancels them with the series). */
  async softDeleteOccurrences(trx: Trx, series: EventRow, now: Date): Promise<void> {
    await trx
      .updateTable('events')
      .set({ deleted_at: now, updated_at: now })
      .where('calendar_id', '=', series.calendar_id)
      .where('recurring_event_id', '=', series.google_event_id)
      .where('deleted_at', 'is', null)
      .execute();
  },

  /**
   * A series linked to another record (or unlinked) takes along the occurrence rows that still carry
   * its former link; occurrences linked on their own keep theirs. Only the CRM copy changes: Google's
   * occurrences carry no link (the series has the one meeting activity).
   */
  async relinkOccurrences(trx: Trx, before: EventRow, after: EventRow): Promise<void> {
    if (before.recurrence === null || before.recurring_event_id !== null) return;
    let inherited = trx
      .updateTable('events')
      .set({
        entity_type: after.entity_type,
        entity_id: after.entity_id,
        entity_source: after.entity_source,
      })
      .where('tenant_id', '=', before.tenant_id)
      .where('user_id', '=', before.user_id)
      .where('calendar_id', '=', before.calendar_id)
      .where('recurring_event_id', '=', before.google_event_id)
      .where('deleted_at', 'is', null);
    inherited =
      before.entity_id === null
        ? inherited.where('entity_id', 'is', null)
        : inherited.where('entity_type', '=', before.entity_type).where('entity_id', '=', before.entity_id);
    await inherited.execute();
  },
};
