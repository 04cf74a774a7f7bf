import type { Transaction, Updateable } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow, EventsTable } from '../events/index.js';
import { parseSnapshot } from '../events/index.js';
import { mapEventTimes } from '../events/index.js';
import { findSeriesMaster, occurrenceTimes } from '../events/index.js';
import { plainOccurrence } from './write-targets.js';

/** Whether the row is one occurrence of a series that the CRM cancelled. */
export function isCancelledOccurrence(row: EventRow): boolean {
  return row.recurring_event_id !== null && row.status === 'cancelled' && row.deleted_at === null;
}

/**
 * The status and times an occurrence has in Google, for an occurrence whose cancel Google refused:
 * its last synced version when it was modified before, else the series' occurrence at its
 * original start. Undefined when neither can be told (the series is gone from the CRM).
 */
export async function occurrenceAsInGoogle(
  trx: Transaction<Database>,
  row: EventRow,
  calendarTimeZone: string | null,
): Promise<Updateable<EventsTable> | undefined> {
  const snapshot = parseSnapshot(row.synced_snapshot);
  if (snapshot?.start != null && snapshot.end !== null && snapshot.status !== 'cancelled') {
    return {
      status: snapshot.status,
      ...mapEventTimes(
        { id: row.google_event_id, start: snapshot.start, end: snapshot.end },
        calendarTimeZone,
      ),
    };
  }
  const master = await findSeriesMaster(trx, row);
  const instance = master === undefined ? undefined : plainOccurrence(master, row.google_event_id);
  if (master === undefined || instance === undefined) return undefined;
  return { status: master.status, ...occurrenceTimes(master, instance) };
}
