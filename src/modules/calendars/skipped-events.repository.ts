import { sql, type Expression, type ExpressionBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { CalendarRef } from '../../kernel/refs.js';
import { storableText } from '../../kernel/storable-text.js';
import { scoped } from './calendar-scope.js';

type Trx = Transaction<Database>;

/** An event of a pulled page that the CRM could not store. */
export interface SkippedEvent {
  /** Google's id, null when the event had none. */
  googleEventId: string | null;
  reason: string;
}

/** Google's ids are at most 1024 characters; a reason is cut to a readable length. */
const MAX_ID = 1024;
const MAX_REASON = 1000;

/** The WHERE clause of every statement on the table: the calendar and its owner. */
function ofCalendar(ref: CalendarRef) {
  return (eb: ExpressionBuilder<Database, 'skipped_events'>): Expression<SqlBool> =>
    eb.and([
      eb('calendar_id', '=', ref.calendarId),
      eb('tenant_id', '=', ref.tenantId),
      eb('user_id', '=', ref.userId),
    ]);
}

/**
 * The pull's quarantine (`skipped_events`, src/modules/pull): the events of a calendar that Google
 * sent and the CRM could not store, with the reason, kept in the transaction of the page that met
 * them. The calendar row keeps their count and the latest reason (`skipped_events`,
 * `last_skip_reason`, `last_skipped_at`) for its status. Every statement is scoped by the
 * calendar and its owner.
 */
export const skippedEventsRepository = {
  /**
   * Sets these events aside (a second skip of one refreshes its reason and time) and forgets those
   * the page stored or deleted (`settledIds`), then brings the calendar's count up to date.
   */
  async record(
    trx: Trx,
    ref: CalendarRef,
    changes: { skipped: readonly SkippedEvent[]; settledIds: readonly string[]; now: Date },
  ): Promise<void> {
    let changed = false;
    if (changes.settledIds.length > 0) {
      const deleted = await trx
        .deleteFrom('skipped_events')
        .where(ofCalendar(ref))
        .where('google_event_id', 'in', [...changes.settledIds])
        .executeTakeFirst();
      changed = Number(deleted.numDeletedRows) > 0;
    }
    // One row per id (a statement cannot upsert the same row twice); the last reason wins.
    const byId = new Map<string, string>();
    for (const event of changes.skipped) {
      const id = storableText(event.googleEventId ?? '').slice(0, MAX_ID);
      byId.set(id, storableText(event.reason).slice(0, MAX_REASON));
    }
    if (byId.size > 0) {
      await trx
        .insertInto('skipped_events')
        .values(
          [...byId].map(([googleEventId, reason]) => ({
            calendar_id: ref.calendarId,
            google_event_id: googleEventId,
            tenant_id: ref.tenantId,
            user_id: ref.userId,
            reason,
            skipped_at: changes.now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['calendar_id', 'google_event_id']).doUpdateSet((eb) => ({
            reason: eb.ref('excluded.reason'),
            skipped_at: eb.ref('excluded.skipped_at'),
          })),
        )
        .execute();
      changed = true;
    }
    if (changed) await refreshSummary(trx, ref);
  },

  /**
   * After the last page of a full listing: forgets the events it did not set aside again (Google
   * no longer has them, or they were stored), since `listingStartedAt`.
   */
  async forgetOlderThan(trx: Trx, ref: CalendarRef, listingStartedAt: Date): Promise<void> {
    const deleted = await trx
      .deleteFrom('skipped_events')
      .where(ofCalendar(ref))
      .where('skipped_at', '<', listingStartedAt)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) > 0) await refreshSummary(trx, ref);
  },
};

/** The calendar's count of set-aside events and the latest reason, from the table. */
async function refreshSummary(trx: Trx, ref: CalendarRef): Promise<void> {
  const latest = trx
    .selectFrom('skipped_events')
    .where(ofCalendar(ref))
    .orderBy('skipped_at', 'desc')
    .orderBy('google_event_id')
    .limit(1);
  await trx
    .updateTable('calendars')
    .set({
      skipped_events: sql<number>`(SELECT count(*)::int FROM skipped_events WHERE calendar_id = ${ref.calendarId}::uuid AND tenant_id = ${ref.tenantId} AND user_id = ${ref.userId})`,
      last_skip_reason: latest.select('reason'),
      last_skipped_at: latest.select('skipped_at'),
    })
    .where(scoped(ref))
    .execute();
}
