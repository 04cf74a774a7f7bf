import type { Transaction } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { MappedEventRow } from '../events/index.js';
import { pulledPagesRepository, type StoredLink } from '../events/index.js';
import type { CalendarRef } from './pull.types.js';

type Trx = Transaction<Database>;

/**
 * Whether Google's copy of the event can carry the CRM link: the push stamps it only on events the
 * user organizes, and never on an occurrence (an occurrence shows its series' link).
 */
function googleCarriesLinks(row: MappedEventRow): boolean {
  return row.organizer_self && row.recurring_event_id === null;
}

/** Applies a decision of the CRM (a 'crm' link or 'none') to a pulled row. */
function apply(row: MappedEventRow, local: StoredLink): boolean {
  if (local.entity_source === 'none') {
    row.entity_source = 'none';
    return true;
  }
  if (local.entity_source !== 'crm' || local.entity_type === null || local.entity_id === null) return false;
  row.entity_type = local.entity_type;
  row.entity_id = local.entity_id;
  row.entity_source = 'crm';
  return true;
}

/**
 * Keeps what the CRM decided about the links of pulled events whose Google copy carries no link,
 * before attendees are matched:
 * - an event unlinked in the CRM (source 'none') stays unlinked: no link is derived from its attendees;
 * - a link set in the CRM on an event whose Google copy cannot carry it (an invitation, or an
 *   occurrence whose series carries no link) is kept, so a change in Google does not drop it.
 * An occurrence the CRM decided nothing about follows its stored series' decision, as it would
 * follow a link stamped on the series in Google. A link Google's copy does carry wins.
 */
export async function keepLocalLinks(trx: Trx, ref: CalendarRef, rows: MappedEventRow[]): Promise<void> {
  const unlinked = rows.filter((row) => row.entity_id === null && row.status !== 'cancelled');
  if (unlinked.length === 0) return;
  const ids = new Set(unlinked.map((row) => row.google_event_id));
  for (const row of unlinked) if (row.recurring_event_id !== null) ids.add(row.recurring_event_id);
  const stored = await pulledPagesRepository.storedLinks(trx, ref, [...ids]);
  const byGoogleId = new Map(stored.map((row) => [row.google_event_id, row]));
  for (const row of unlinked) {
    const own = byGoogleId.get(row.google_event_id);
    if (own !== undefined && (own.entity_source === 'none' || !googleCarriesLinks(row)) && apply(row, own))
      continue;
    const series = row.recurring_event_id === null ? undefined : byGoogleId.get(row.recurring_event_id);
    if (own === undefined && series !== undefined) apply(row, series);
  }
}
