import type { Transaction } from 'kysely';
import type { ActivityService, EntityRef } from '../crm/index.js';
import { eventMeeting, meetingWhen } from '../events/index.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow } from '../events/index.js';
import { linkedRecord, localChangesRepository, updateRow } from '../events/index.js';
import { isMeetingType } from '../../kernel/event-types.js';

type RecordRef = Pick<EntityRef, 'type' | 'id'>;

/**
 * Keeps the `meeting` activity of a CRM event on the records it concerns: the record it is linked
 * to, else the CRM contacts among its attendees (emails matched case-insensitively). Occurrences of
 * a series share the series' activity, so only single events and series masters log one.
 *
 * An event the CRM did not link (and that no CRM user unlinked) is linked to the first of those
 * contacts with source 'attendee', as the pull links pulled events: the event's link fields say
 * where its activity is. Such a link follows the attendees: it is derived again on every change.
 */
export class MeetingActivitySync {
  constructor(private readonly activities: ActivityService) {}

  /** The CRM contacts among the event's attendees (the calendar owner's own entry excluded), in their order. */
  private async attendeeContacts(trx: Transaction<Database>, row: EventRow): Promise<RecordRef[]> {
    const emails = (row.attendees ?? [])
      .filter((a) => a.self !== true)
      .map((a) => a.email.trim().toLowerCase());
    if (emails.length === 0) return [];
    const contacts = await this.activities.findContactsByEmails(row.tenant_id, emails, trx);
    const rank = (email: string | null) => emails.indexOf(email?.trim().toLowerCase() ?? '');
    return contacts
      .filter((contact) => rank(contact.email) >= 0)
      .sort((a, b) => rank(a.email) - rank(b.email) || a.id.localeCompare(b.id))
      .map((contact) => ({ type: 'contact' as const, id: contact.id }));
  }

  /**
   * Logs the meeting, or refreshes its title, times and attendees, on every record it concerns,
   * and returns the row with its link fields saying where that is (see the class comment). A
   * record that is neither linked nor among the attendees any more (an attendee removed) has its
   * activity cancelled; a contact that is still an attendee keeps one it already has.
   */
  async record(trx: Transaction<Database>, row: EventRow): Promise<EventRow> {
    if (row.recurring_event_id !== null || row.deleted_at !== null || row.status === 'cancelled') return row;
    // Out of office, focus time, working locations, birthdays, Gmail's items: not meetings.
    if (!isMeetingType(row.event_type)) return row;
    // Unlinked in the CRM ('none'): the user took the meeting off every record, attendees included.
    const attendees = row.entity_source === 'none' ? [] : await this.attendeeContacts(trx, row);
    const linked = row.entity_source === 'attendee' ? null : linkedRecord(row);
    const current =
      linked === null && row.entity_source !== 'none'
        ? await this.linkToAttendee(trx, row, attendees[0] ?? null)
        : row;
    const when = meetingWhen(current);
    if (when === undefined) return current;
    const targets = linked === null ? attendees : [linked];
    for (const target of targets) {
      await this.activities.updateMeeting(eventMeeting(current, when, target), trx);
    }
    await this.activities.cancelMeetingsElsewhere(
      current.tenant_id,
      [{ eventId: current.id, keep: [...targets, ...attendees] }],
      trx,
    );
    return current;
  }

  /** The meeting is off (or moved to other records): marks every activity of the event cancelled. */
  async cancel(trx: Transaction<Database>, row: EventRow): Promise<void> {
    if (row.recurring_event_id !== null) return;
    await this.activities.cancelMeeting(row.id, trx);
  }

  /** Links an event the CRM did not link to `contact` ('attendee'), or to nothing; occurrences follow a series. */
  private async linkToAttendee(
    trx: Transaction<Database>,
    row: EventRow,
    contact: RecordRef | null,
  ): Promise<EventRow> {
    const link = {
      entity_type: contact?.type ?? null,
      entity_id: contact?.id ?? null,
      entity_source: contact === null ? null : ('attendee' as const),
    };
    if (
      row.entity_type === link.entity_type &&
      row.entity_id === link.entity_id &&
      row.entity_source === link.entity_source
    ) {
      return row;
    }
    const after = await updateRow(trx, row.id, link);
    await localChangesRepository.relinkOccurrences(trx, row, after);
    return after;
  }
}

/** Whether a change to the row is one the meeting activity shows. */
export function meetingChanged(before: EventRow, after: EventRow): boolean {
  const time = (d: Date | null) => d?.getTime() ?? null;
  return (
    before.title !== after.title ||
    before.description !== after.description ||
    before.all_day !== after.all_day ||
    time(before.start_at) !== time(after.start_at) ||
    time(before.end_at) !== time(after.end_at) ||
    before.start_date !== after.start_date ||
    before.end_date !== after.end_date ||
    JSON.stringify(before.attendees) !== JSON.stringify(after.attendees) ||
    before.entity_id !== after.entity_id
  );
}

/** Whether a change to the row moves its reminders. */
export function remindersChanged(before: EventRow, after: EventRow): boolean {
  const time = (d: Date | null) => d?.getTime() ?? null;
  return (
    before.status !== after.status ||
    before.all_day !== after.all_day ||
    time(before.start_at) !== time(after.start_at) ||
    time(before.end_at) !== time(after.end_at) ||
    before.start_date !== after.start_date ||
    before.end_date !== after.end_date ||
    before.time_zone !== after.time_zone ||
    before.title !== after.title ||
    JSON.stringify(before.reminders) !== JSON.stringify(after.reminders) ||
    JSON.stringify(before.recurrence) !== JSON.stringify(after.recurrence)
  );
}
