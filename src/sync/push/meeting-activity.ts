import type { Transaction } from 'kysely';
import type { ActivityService, EntityRef } from '../../crm/index.js';
import type { Database, EventRow } from '../../db/schema.js';

/**
 * Keeps the `meeting` activity of a CRM event on the records it concerns: the record it is linked
 * to, else the CRM contacts among its attendees (emails matched case-insensitively). Occurrences of
 * a series share the series' activity, so only single events and series masters log one.
 */
export class MeetingActivitySync {
  constructor(private readonly activities: ActivityService) {}

  /** The records the meeting belongs on. */
  async targets(trx: Transaction<Database>, row: EventRow): Promise<Pick<EntityRef, 'type' | 'id'>[]> {
    if (row.entity_type !== null && row.entity_id !== null)
      return [{ type: row.entity_type, id: row.entity_id }];
    const emails = (row.attendees ?? []).filter((a) => a.self !== true).map((a) => a.email);
    if (emails.length === 0) return [];
    const contacts = await this.activities.findContactsByEmails(row.tenant_id, emails, trx);
    return contacts.map((contact) => ({ type: 'contact' as const, id: contact.id }));
  }

  /** Logs the meeting, or refreshes its title, times and attendees, on every record it concerns. */
  async record(trx: Transaction<Database>, row: EventRow): Promise<void> {
    if (row.recurring_event_id !== null || row.deleted_at !== null || row.status === 'cancelled') return;
    const when = row.all_day
      ? { start: row.start_date, end: row.end_date }
      : { start: row.start_at, end: row.end_at };
    if (when.start === null || when.end === null) return;
    for (const target of await this.targets(trx, row)) {
      await this.activities.updateMeeting(
        {
          tenantId: row.tenant_id,
          userId: row.user_id,
          entityType: target.type,
          entityId: target.id,
          eventId: row.id,
          title: row.title,
          description: row.description,
          start: when.start,
          end: when.end,
          attendees: row.attendees ?? [],
        },
        trx,
      );
    }
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
