import type { Transaction } from 'kysely';
import type { ActivityService } from '../crm/index.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow } from '../events/index.js';
import { eventLookupsRepository } from '../events/index.js';
import { hasOccurrencesLeft } from '../../kernel/recurrence/occurrences-left.js';

/**
 * Series a pulled page left without any occurrence (the last one cancelled in Google, or cut off
 * by a shorter rule) have their meeting activities cancelled: the meeting no longer takes place,
 * although Google keeps the empty series. One query for all the series the page touched.
 */
export async function cancelEmptiedSeries(
  trx: Transaction<Database>,
  activities: ActivityService,
  rows: readonly EventRow[],
): Promise<void> {
  const series = new Set<string>();
  for (const row of rows) {
    if (row.recurring_event_id !== null && row.status === 'cancelled') series.add(row.recurring_event_id);
    if (row.recurring_event_id === null && row.recurrence !== null) series.add(row.google_event_id);
  }
  const calendarId = rows[0]?.calendar_id;
  if (series.size === 0 || calendarId === undefined) return;
  const stored = await eventLookupsRepository.seriesRows(trx, calendarId, [...series]);
  const emptied = stored.filter(
    (master) =>
      master.recurring_event_id === null &&
      master.recurrence !== null &&
      master.status !== 'cancelled' &&
      master.deleted_at === null &&
      !hasOccurrencesLeft(
        master,
        stored.filter((row) => row.recurring_event_id === master.google_event_id && row.deleted_at === null),
      ),
  );
  await activities.cancelMeetings(emptied, trx);
}
