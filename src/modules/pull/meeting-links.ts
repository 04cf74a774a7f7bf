import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { InvalidReferenceError, type ActivityService } from '../crm/index.js';
import { eventMeeting, meetingWhen } from '../events/index.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EntityType } from '../../kernel/values.js';
import type { MappedEventRow } from '../events/index.js';
import type { UpsertedEventRow } from '../events/index.js';
import { cancelEmptiedSeries } from './emptied-series.js';
import { isMeetingType } from '../../kernel/event-types.js';

type Trx = Transaction<Database>;
type RecordRef = { type: EntityType; id: string };

/** The CRM contacts among the attendees of a page's events. */
interface AttendeeContacts {
  /** Contact ids among each event's attendees, by Google event id. */
  byEvent: Map<string, string[]>;
  /** Google ids of the events linked by their attendees (they carry no CRM link of their own). */
  linkedByAttendees: Set<string>;
}

/**
 * Links pulled events to CRM records. An event linked in the CRM carries its link in private
 * extended properties (already on the mapped row, source 'crm'); any other event is linked to the
 * CRM contacts among its attendees (source 'attendee', so the link goes when the attendee does),
 * matched by email ignoring case (the calendar owner's own entry excluded), unless a CRM user
 * unlinked the event (source 'none', see keepLocalLinks).
 * The row's entity columns name the first match; every match gets the meeting on its timeline.
 * One contact query per page.
 */
export async function linkAttendeeContacts(
  trx: Trx,
  activities: ActivityService,
  tenantId: string,
  rows: MappedEventRow[],
): Promise<AttendeeContacts> {
  // An event unlinked in the CRM is not linked to its attendees, nor on their timelines.
  const live = rows.filter((row) => row.status !== 'cancelled' && row.entity_source !== 'none');
  const emailsOf = (row: MappedEventRow) =>
    row.attendees.filter((a) => a.self !== true).map((a) => a.email.trim().toLowerCase());
  const emails = new Set(live.flatMap(emailsOf));
  const found: AttendeeContacts = { byEvent: new Map(), linkedByAttendees: new Set() };
  if (emails.size === 0) return found;
  const contacts = await activities.findContactsByEmails(tenantId, [...emails], trx);
  const byEmail = new Map<string, string[]>();
  for (const contact of contacts) {
    const key = contact.email?.trim().toLowerCase();
    if (key === undefined || key === '') continue;
    byEmail.set(key, [...(byEmail.get(key) ?? []), contact.id]);
  }
  for (const row of live) {
    const ids = [...new Set(emailsOf(row).flatMap((email) => byEmail.get(email) ?? []))];
    const first = ids[0];
    if (first === undefined) continue;
    found.byEvent.set(row.google_event_id, ids);
    if (row.entity_id !== null) continue;
    row.entity_type = 'contact';
    row.entity_id = first;
    row.entity_source = 'attendee';
    found.linkedByAttendees.add(row.google_event_id);
  }
  return found;
}

/**
 * Keeps the `meeting` activities of changed linked events up to date (title, times, attendees),
 * in the transaction of the change. A link to a record that no longer exists is logged and skipped.
 * A changed event's activities on records it no longer concerns (neither its linked record nor a
 * contact among its attendees: an attendee was removed, the event cancelled) are cancelled.
 * Occurrences of a series log none: the series' meeting is on its master, cancelled once the
 * series has no occurrence left (cancelEmptiedSeries). An item that is not a
 * meeting (out of office, focus time, working location, birthday, from Gmail) logs none, and any
 * activity it had is cancelled.
 */
export async function refreshMeetings(
  trx: Trx,
  activities: ActivityService,
  logger: Logger,
  rows: readonly UpsertedEventRow[],
  contacts: AttendeeContacts,
): Promise<void> {
  const kept: { eventId: string; keep: RecordRef[] }[] = [];
  for (const row of rows) {
    // A series has one meeting on a record's timeline, its master's (as the push keeps it):
    // occurrences log none, and any they had is cancelled.
    const live =
      row.status !== 'cancelled' && row.recurring_event_id === null && isMeetingType(row.event_type);
    const attendees = (live ? (contacts.byEvent.get(row.google_event_id) ?? []) : []).map((id) => ({
      type: 'contact' as const,
      id,
    }));
    const targets: RecordRef[] =
      live && row.entity_type !== null && row.entity_id !== null
        ? [{ type: row.entity_type, id: row.entity_id }]
        : [];
    if (contacts.linkedByAttendees.has(row.google_event_id)) {
      targets.push(...attendees.filter((contact) => contact.id !== row.entity_id));
    }
    // A row this pull inserted has no activities yet.
    if (!row.inserted) kept.push({ eventId: row.id, keep: [...targets, ...attendees] });
    const when = meetingWhen(row);
    if (when === undefined) continue;
    for (const [index, target] of targets.entries()) {
      const input = eventMeeting(row, when, target);
      try {
        // The first call also refreshes every other activity of the event; the rest only add theirs.
        if (index === 0) await activities.updateMeeting(input, trx);
        else await activities.logMeeting(input, trx);
      } catch (error) {
        if (!(error instanceof InvalidReferenceError)) throw error;
        logger.warn(
          { eventId: row.id, entityType: target.type, entityId: target.id, error: error.message },
          'Pulled event links to a CRM record that does not exist; no meeting activity logged',
        );
      }
    }
  }
  const tenantId = rows[0]?.tenant_id;
  if (tenantId !== undefined) await activities.cancelMeetingsElsewhere(tenantId, kept, trx);
  await cancelEmptiedSeries(trx, activities, rows);
}
