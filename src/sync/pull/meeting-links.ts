import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { InvalidReferenceError, type ActivityService, type MeetingInput } from '../../crm/index.js';
import type { Database } from '../../db/schema.js';
import type { MappedEventRow } from '../../google/event-mapping.js';
import type { DoomedRow, UpsertedEventRow } from './event-upserts.js';

type Trx = Transaction<Database>;

/**
 * Links pulled events to CRM records. An event the CRM created carries its link in private
 * extended properties (already on the mapped row); any other event is linked to the CRM contacts
 * among its attendees, matched by email ignoring case (the calendar owner's own entry excluded).
 * The row's entity columns name the first match; every match gets the meeting on its timeline.
 * One contact query per page. Returns the matched contact ids by Google event id.
 */
export async function linkAttendeeContacts(
  trx: Trx,
  activities: ActivityService,
  tenantId: string,
  rows: MappedEventRow[],
): Promise<Map<string, string[]>> {
  const candidates = rows.filter((row) => row.entity_id === null && row.status !== 'cancelled');
  const emailsOf = (row: MappedEventRow) =>
    row.attendees.filter((a) => a.self !== true).map((a) => a.email.trim().toLowerCase());
  const emails = new Set(candidates.flatMap(emailsOf));
  const matches = new Map<string, string[]>();
  if (emails.size === 0) return matches;
  const contacts = await activities.findContactsByEmails(tenantId, [...emails], trx);
  const byEmail = new Map<string, string[]>();
  for (const contact of contacts) {
    const key = contact.email?.trim().toLowerCase();
    if (key === undefined || key === '') continue;
    byEmail.set(key, [...(byEmail.get(key) ?? []), contact.id]);
  }
  for (const row of candidates) {
    const ids = [...new Set(emailsOf(row).flatMap((email) => byEmail.get(email) ?? []))];
    const first = ids[0];
    if (first === undefined) continue;
    row.entity_type = 'contact';
    row.entity_id = first;
    matches.set(row.google_event_id, ids);
  }
  return matches;
}

function meetingOf(row: UpsertedEventRow): Pick<MeetingInput, 'start' | 'end'> | undefined {
  if (row.all_day) {
    return row.start_date !== null && row.end_date !== null
      ? { start: row.start_date, end: row.end_date }
      : undefined;
  }
  return row.start_at !== null && row.end_at !== null ? { start: row.start_at, end: row.end_at } : undefined;
}

/**
 * Keeps the `meeting` activities of changed linked events up to date (title, times, attendees),
 * in the transaction of the change. A link to a record that no longer exists is logged and skipped.
 */
export async function refreshMeetings(
  trx: Trx,
  activities: ActivityService,
  logger: Logger,
  rows: readonly UpsertedEventRow[],
  contactMatches: ReadonlyMap<string, string[]>,
): Promise<void> {
  for (const row of rows) {
    if (row.status === 'cancelled' || row.entity_type === null || row.entity_id === null) continue;
    const when = meetingOf(row);
    if (when === undefined) continue;
    const extra = (contactMatches.get(row.google_event_id) ?? []).filter((id) => id !== row.entity_id);
    const targets = [
      { entityType: row.entity_type, entityId: row.entity_id },
      ...extra.map((id) => ({ entityType: 'contact' as const, entityId: id })),
    ];
    for (const [index, target] of targets.entries()) {
      const input: MeetingInput = {
        tenantId: row.tenant_id,
        userId: row.user_id,
        ...target,
        eventId: row.id,
        title: row.title,
        description: row.description,
        ...when,
        attendees: row.attendees,
      };
      try {
        // The first call also refreshes every other activity of the event; the rest only add theirs.
        if (index === 0) await activities.updateMeeting(input, trx);
        else await activities.logMeeting(input, trx);
      } catch (error) {
        if (!(error instanceof InvalidReferenceError)) throw error;
        logger.warn(
          { eventId: row.id, entityType: target.entityType, entityId: target.entityId, error: error.message },
          'Pulled event links to a CRM record that does not exist; no meeting activity logged',
        );
      }
    }
  }
}

/** The meetings of events about to be deleted are cancelled (before the delete unlinks them). */
export async function cancelMeetings(trx: Trx, activities: ActivityService, rows: readonly DoomedRow[]) {
  for (const row of rows) {
    if (row.linked) await activities.cancelMeeting(row.id, trx);
  }
}
