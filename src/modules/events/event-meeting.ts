import type { EventRow } from '../../adapters/db/tables/events.js';
import type { MeetingInput } from '../crm/index.js';
import type { EntityRef } from '../crm/index.js';

/** When a calendar event's meeting is: undefined while it has no start or end (a cancelled occurrence). */
export function meetingWhen(row: EventRow): Pick<MeetingInput, 'start' | 'end'> | undefined {
  const when = row.all_day
    ? { start: row.start_date, end: row.end_date }
    : { start: row.start_at, end: row.end_at };
  return when.start === null || when.end === null ? undefined : { start: when.start, end: when.end };
}

/** The meeting a calendar event shows on the timeline of the record `target`, at `when` (meetingWhen). */
export function eventMeeting(
  row: EventRow,
  when: Pick<MeetingInput, 'start' | 'end'>,
  target: Pick<EntityRef, 'type' | 'id'>,
): MeetingInput {
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    entityType: target.type,
    entityId: target.id,
    eventId: row.id,
    title: row.title,
    description: row.description,
    ...when,
    attendees: row.attendees ?? [],
  };
}
