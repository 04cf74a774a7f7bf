import type { Transaction } from 'kysely';
import { eventMeeting, meetingWhen, type ActivityService, type EntityRef } from '../../crm/index.js';
import type { Database, EventRow } from '../../db/schema.js';
import { linkedRecord } from './event-fields.js';

type RecordRef = Pick<EntityRef, 'type' | 'id'>;

/**
 * Keeps the `meeting` activity of a CRM event on the records it concerns: the record it is linked
 * to, else the CRM contacts among its attendees (emails matched case-insensitively). Occurrences of
 * a series share the series' activity, so only single events and series masters log one.
 */
export class MeetingActivitySync {
  constructor(private readonly activities: ActivityService) {}

  /** The CRM contacts among the event's attendees (the calendar owner's own entry excluded). */
  private async attendeeContacts(trx: Transaction<Database>, row: EventRow): Promise<RecordRef[]> {
    const emails = (row.attendees ?? []).filter((a) => a.self !== true).map((a) => a.email);
    if (emails.length === 0) return [];
    const contacts = await this.activities.findContactsByEmails(row.tenant_id, emails, trx);
    return contacts.map((contact) => ({ type: 'contact' as const, id: contact.id }));
  }

  /**
   * Logs the meeting, or refreshes its title, times and attendees, on every record it concerns.
   * A record that is neither linked nor among the attendees any more (an attendee removed) has its
   * activity cancelled; a contact that is still an attendee keeps one it already has.
   */
  async record(trx: Transaction<Database>, row: EventRow): Promise<void> {
    if (row.recurring_event_id !== null || row.deleted_at !== null || row.status === 'cancelled') return;
    const when = meetingWhen(row);
    if (when === undefined) return;
    // Unlinked in the CRM ('none'): the user took the meeting off every record, attendees included.
    const attendees = row.entity_source === 'none' ? [] : await this.attendeeContacts(trx, row);
    const linked = linkedRecord(row);
    const targets = linked === null ? attendees : [linked];
    for (const target of targets) await this.activities.updateMeeting(eventMeeting(row, when, target), trx);
    await this.activities.cancelMeetingsElsewhere(
      row.tenant_id,
      [{ eventId: row.id, keep: [...targets, ...attendees] }],
      trx,
    );
  }

  /** The meeting is off (or moved to other records): marks every activity of the event cancelled. */
  async cancel(trx: Transaction<Database>, row: EventRow): Promise<void> {
    if (row.recurring_event_id !== null) return;
    await this.activities.cancelMeeting(row.id, trx);
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
