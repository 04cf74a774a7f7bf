import type { Transaction } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow } from '../events/index.js';
import { eventLookupsRepository } from '../events/index.js';
import { hasOccurrencesLeft } from '../../kernel/recurrence/occurrences-left.js';

/**
 * Whether a stored series still has an occurrence, its live occurrence rows (modified or
 * cancelled exceptions) taken into account (src/kernel/recurrence/occurrences-left.ts).
 */
export async function seriesHasOccurrencesLeft(
  trx: Transaction<Database>,
  master: EventRow,
): Promise<boolean> {
  const occurrences = await eventLookupsRepository.occurrenceRows(trx, master);
  return hasOccurrencesLeft(
    master,
    occurrences.filter((occurrence) => occurrence.deleted_at === null),
  );
}
