import { type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow, EventsTable } from '../../adapters/db/tables/events.js';
import type { StoredAttendee } from '../../kernel/values.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { EventFields } from '../../kernel/event-input/event-input.js';
import type { Instance } from '../../kernel/recurrence/recurrence.js';
import { storedAttendees } from './event-fields.js';
import type { SendUpdates } from '../../kernel/values.js';

/** Column values of the CRM's local event changes, and the outbox job that pushes them. */

const SEND_UPDATES_ORDER: readonly SendUpdates[] = ['none', 'externalOnly', 'all'];

/**
 * The sendUpdates of a pending push after one more change: changes collapse into one push of the
 * current state, so the broadest request wins (an invitation asked for by the create still goes
 * out when a later edit before the push said `none`).
 */
export function combinedSendUpdates(row: EventRow | null, next: SendUpdates): SendUpdates {
  const pending = row?.sync_state === 'pending' ? row.push_send_updates : null;
  if (pending === null) return next;
  return SEND_UPDATES_ORDER.indexOf(pending) > SEND_UPDATES_ORDER.indexOf(next) ? pending : next;
}

/** The columns that say "a local change waits for Google", bumping the local version. */
export function pendingColumns(row: EventRow, sendUpdates: SendUpdates, now: Date): Updateable<EventsTable> {
  return {
    sync_state: 'pending',
    sync_error: null,
    push_send_updates: combinedSendUpdates(row, sendUpdates),
    local_version: row.local_version + 1,
    local_changed_at: now,
    updated_at: now,
  };
}

/** The event columns of normalized fields. */
export function fieldColumns(fields: EventFields, currentAttendees: readonly StoredAttendee[] = []) {
  return {
    title: fields.title,
    description: fields.description,
    location: fields.location,
    all_day: fields.allDay,
    start_at: fields.startAt,
    end_at: fields.endAt,
    start_date: fields.startDate,
    end_date: fields.endDate,
    time_zone: fields.timeZone,
    attendees: JSON.stringify(storedAttendees(fields.attendees, currentAttendees)),
    reminders: JSON.stringify(fields.reminders),
    recurrence: fields.recurrence,
    entity_type: fields.entity?.type ?? null,
    entity_id: fields.entity?.id ?? null,
    visibility: fields.visibility,
    transparency: fields.transparency,
    guests_can_modify: fields.guestsCanModify,
    guests_can_invite_others: fields.guestsCanInviteOthers,
    guests_can_see_other_guests: fields.guestsCanSeeOtherGuests,
  } satisfies Updateable<EventsTable>;
}

export async function updateRow(
  trx: Transaction<Database>,
  rowId: string,
  values: Updateable<EventsTable>,
): Promise<EventRow> {
  return trx
    .updateTable('events')
    .set(values)
    .where('id', '=', rowId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertRow(
  trx: Transaction<Database>,
  values: Insertable<EventsTable>,
): Promise<EventRow> {
  return trx.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The stored series of an occurrence row (not deleted in the CRM), if any. */
export function findSeriesMaster(
  db: Kysely<Database> | Transaction<Database>,
  row: EventRow,
): Promise<EventRow | undefined> {
  return db
    .selectFrom('events')
    .selectAll()
    .where('calendar_id', '=', row.calendar_id)
    .where('google_event_id', '=', row.recurring_event_id as string)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** The time columns of one occurrence of `master`, in the series' time zone. */
export function occurrenceTimes(master: EventRow, instance: Instance) {
  return {
    all_day: instance.allDay,
    start_at: instance.startAt,
    end_at: instance.endAt,
    start_date: instance.startDate,
    end_date: instance.endDate,
    time_zone: master.time_zone,
  };
}

/**
 * A new row for one occurrence of a series, copied from the series at the occurrence's times,
 * with Google's occurrence id: changing or cancelling it makes Google store an exception.
 */
export function occurrenceRowValues(
  master: EventRow,
  instance: Instance,
  now: Date,
): Insertable<EventsTable> {
  return {
    tenant_id: master.tenant_id,
    user_id: master.user_id,
    calendar_id: master.calendar_id,
    google_event_id: instance.id,
    ical_uid: master.ical_uid,
    status: master.status,
    title: master.title,
    description: master.description,
    location: master.location,
    ...occurrenceTimes(master, instance),
    recurrence: null,
    recurring_event_id: master.google_event_id,
    original_start_at: instance.originalStartAt,
    original_start_date: instance.originalStartDate,
    organizer_email: master.organizer_email,
    organizer_self: master.organizer_self,
    attendees: JSON.stringify(master.attendees ?? []),
    reminders: master.reminders === null ? null : JSON.stringify(master.reminders),
    meet_link: master.meet_link,
    html_link: null,
    transparency: master.transparency,
    visibility: master.visibility,
    guests_can_modify: master.guests_can_modify,
    guests_can_invite_others: master.guests_can_invite_others,
    guests_can_see_other_guests: master.guests_can_see_other_guests,
    event_type: master.event_type,
    entity_type: master.entity_type,
    entity_id: master.entity_id,
    entity_source: master.entity_source,
    google_etag: null,
    synced_snapshot: null,
    sync_state: 'synced',
    local_version: 0,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Enqueues the push of an event in the transaction of its change (outbox). One job per event is
 * queued at a time (the queue's `stately` policy with the event id as singleton key): a change
 * made while one is queued rides along, since the job pushes the row's current state.
 */
export async function enqueuePush(queue: JobQueue, trx: Transaction<Database>, row: EventRow): Promise<void> {
  await queue.send(
    'event.push',
    { eventId: row.id, tenantId: row.tenant_id, userId: row.user_id },
    { trx, singletonKey: row.id },
  );
}
