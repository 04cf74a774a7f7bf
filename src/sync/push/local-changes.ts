import type { Insertable, Transaction, Updateable } from 'kysely';
import type { ActivityService } from '../../crm/index.js';
import type { ConnectionRow, Database, EntitySource, EventRow, EventsTable } from '../../db/schema.js';
import { googleEventIdFromUuid } from '../../google/event-mapping.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { EventFields } from '../event-input.js';
import type { Instance } from '../recurrence.js';
import {
  enqueuePush,
  fieldColumns,
  insertRow,
  occurrenceRowValues,
  pendingColumns,
  updateRow,
} from './event-rows.js';
import { meetingChanged, type MeetingActivitySync } from './meeting-activity.js';
import type { ReminderScheduler } from './push-settle.js';
import type { PushSendUpdates } from './push.schema.js';

export interface LocalChangesDeps {
  queue: JobQueue;
  activities: ActivityService;
  meetings: MeetingActivitySync;
  reminders: ReminderScheduler;
}

export interface PatchOptions {
  sendUpdates: PushSendUpdates;
  /** The Meet conference asked for or removed by this change, if it touched it. */
  conference?: boolean | undefined;
  /** The change sets the CRM link (the record is checked to exist in the tenant). */
  entityChanged?: boolean;
}

export interface NewEventParams {
  id: string;
  tenantId: string;
  userId: string;
  calendarId: string;
  connection: Pick<ConnectionRow, 'google_email'>;
  fields: EventFields;
  conference: boolean;
  sendUpdates: PushSendUpdates;
  now: Date;
  /** Where the link in `fields.entity` comes from (default: set in the CRM when there is one). */
  entitySource?: EntitySource | null;
}

/**
 * The entity_source column of an event with the link `entity`, the link's origin being `source`.
 * Unlinked by a CRM user (source 'crm' with no entity) it is 'none', and an event already 'none'
 * stays so, so the pull derives no link for it; any other unlinked event has no source. A link on
 * an event that was 'none' can only be the CRM's.
 */
export function entitySourceOf(
  entity: EventFields['entity'],
  source: EntitySource | null,
): EntitySource | null {
  if (entity !== null) return source === 'none' ? 'crm' : source;
  return source === 'crm' || source === 'none' ? 'none' : null;
}

/** The columns of an event the CRM creates: its Google id is known at once, the push is pending. */
export function newEventValues(params: NewEventParams): Insertable<EventsTable> {
  const { fields, now } = params;
  return {
    id: params.id,
    tenant_id: params.tenantId,
    user_id: params.userId,
    calendar_id: params.calendarId,
    google_event_id: googleEventIdFromUuid(params.id),
    status: 'confirmed',
    ...fieldColumns(fields),
    entity_source: entitySourceOf(
      fields.entity,
      params.entitySource ?? (fields.entity === null ? null : 'crm'),
    ),
    recurring_event_id: null,
    organizer_email: params.connection.google_email,
    organizer_self: true,
    conference_requested: params.conference ? true : null,
    sync_state: 'pending',
    push_send_updates: params.sendUpdates,
    local_version: 1,
    local_changed_at: now,
    created_at: now,
    updated_at: now,
  };
}

/**
 * The transactional half of every CRM event write: the row change, the meeting activity, the
 * reminder notifications and the push job, all in the caller's transaction (outbox).
 */
export class LocalEventChanges {
  constructor(private readonly deps: LocalChangesDeps) {}

  /** The row as it is now, locked for this transaction; undefined when it was deleted meanwhile. */
  async lock(trx: Transaction<Database>, row: EventRow): Promise<EventRow | undefined> {
    const current = await trx
      .selectFrom('events')
      .selectAll()
      .where('id', '=', row.id)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    return current?.status === 'cancelled' && current.recurring_event_id !== null ? undefined : current;
  }

  async insert(trx: Transaction<Database>, values: Insertable<EventsTable>): Promise<EventRow> {
    const row = await insertRow(trx, values);
    await this.afterChange(trx, null, row);
    return row;
  }

  /** Writes new field values to a stored row (single event, series, or occurrence row). */
  async patch(
    trx: Transaction<Database>,
    row: EventRow,
    next: EventFields,
    options: PatchOptions,
    now: Date,
  ): Promise<EventRow> {
    if (options.entityChanged === true && next.entity !== null) {
      await this.deps.activities.assertEntityExists(row.tenant_id, next.entity.type, next.entity.id, trx);
    }
    const values = {
      ...fieldColumns(next, row.attendees ?? []),
      // A link the CRM user sets (or removes) is the CRM's own; an untouched one keeps where it came from.
      entity_source: entitySourceOf(next.entity, options.entityChanged === true ? 'crm' : row.entity_source),
      ...pendingColumns(row, options.sendUpdates, now),
    } satisfies Updateable<EventsTable>;
    const after = await updateRow(
      trx,
      row.id,
      options.conference === undefined ? values : { ...values, conference_requested: options.conference },
    );
    if (options.entityChanged === true) await relinkOccurrences(trx, row, after);
    await this.afterChange(trx, row, after);
    return after;
  }

  /** Replaces only the attendee list (RSVP). */
  async setAttendees(
    trx: Transaction<Database>,
    row: EventRow,
    attendees: EventRow['attendees'],
    sendUpdates: PushSendUpdates,
    now: Date,
  ): Promise<EventRow> {
    const after = await updateRow(trx, row.id, {
      attendees: JSON.stringify(attendees),
      ...pendingColumns(row, sendUpdates, now),
    });
    await this.afterChange(trx, row, after);
    return after;
  }

  /** A row for one occurrence of a series, so it can be changed or cancelled on its own. */
  async occurrenceRow(
    trx: Transaction<Database>,
    master: EventRow,
    instance: Instance,
    now: Date,
  ): Promise<EventRow> {
    return insertRow(trx, occurrenceRowValues(master, instance, now));
  }

  /** Deletes an event in the CRM at once; the push deletes it at Google, then removes the row. */
  async softDelete(
    trx: Transaction<Database>,
    row: EventRow,
    sendUpdates: PushSendUpdates,
    now: Date,
  ): Promise<void> {
    const after = await updateRow(trx, row.id, { deleted_at: now, ...pendingColumns(row, sendUpdates, now) });
    if (row.recurrence !== null) {
      // Google cancels a series' modified occurrences with it.
      await trx
        .updateTable('events')
        .set({ deleted_at: now, updated_at: now })
        .where('calendar_id', '=', row.calendar_id)
        .where('recurring_event_id', '=', row.google_event_id)
        .where('deleted_at', 'is', null)
        .execute();
    }
    await this.deps.meetings.cancel(trx, after);
    await this.deps.reminders.scheduleForEvent(trx, after);
    await enqueuePush(this.deps.queue, trx, after);
  }

  /** Cancels one occurrence of a series (Google keeps a cancelled exception that hides it). */
  async cancelOccurrence(
    trx: Transaction<Database>,
    row: EventRow,
    sendUpdates: PushSendUpdates,
    now: Date,
  ): Promise<void> {
    const after = await updateRow(trx, row.id, {
      status: 'cancelled',
      start_at: null,
      end_at: null,
      start_date: null,
      end_date: null,
      ...pendingColumns(row, sendUpdates, now),
    });
    await this.deps.reminders.scheduleForEvent(trx, after);
    await enqueuePush(this.deps.queue, trx, after);
  }

  /** Activity, reminders and push job after a row was inserted (`before` null) or changed. */
  private async afterChange(
    trx: Transaction<Database>,
    before: EventRow | null,
    after: EventRow,
  ): Promise<void> {
    if (
      before !== null &&
      (before.entity_type !== after.entity_type || before.entity_id !== after.entity_id)
    ) {
      // Moved to another record (or unlinked): the old record's activity is cancelled.
      await this.deps.meetings.cancel(trx, before);
      await this.deps.meetings.record(trx, after);
    } else if (before === null || meetingChanged(before, after)) {
      await this.deps.meetings.record(trx, after);
    }
    await this.deps.reminders.scheduleForEvent(trx, after);
    await enqueuePush(this.deps.queue, trx, after);
  }
}

/**
 * A series linked to another record (or unlinked) takes along the occurrence rows that still carry
 * its former link; occurrences linked on their own keep theirs. Only the CRM copy changes: Google's
 * occurrences carry no link (the series has the one meeting activity).
 */
async function relinkOccurrences(
  trx: Transaction<Database>,
  before: EventRow,
  after: EventRow,
): Promise<void> {
  if (before.recurrence === null || before.recurring_event_id !== null) return;
  let inherited = trx
    .updateTable('events')
    .set({
      entity_type: after.entity_type,
      entity_id: after.entity_id,
      entity_source: after.entity_source,
    })
    .where('tenant_id', '=', before.tenant_id)
    .where('user_id', '=', before.user_id)
    .where('calendar_id', '=', before.calendar_id)
    .where('recurring_event_id', '=', before.google_event_id)
    .where('deleted_at', 'is', null);
  inherited =
    before.entity_id === null
      ? inherited.where('entity_id', 'is', null)
      : inherited.where('entity_type', '=', before.entity_type).where('entity_id', '=', before.entity_id);
  await inherited.execute();
}
