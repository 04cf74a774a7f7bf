import type { Insertable, Transaction, Updateable } from 'kysely';
import type { ActivityService } from '../crm/index.js';
import type { CalendarsRepository } from '../calendars/index.js';
import type { ConnectionRow } from '../connections/index.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EntitySource } from '../../kernel/values.js';
import type { EventRow, EventsTable } from '../events/index.js';
import { googleEventIdFromUuid, localMergeFields } from '../events/index.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { EventFields } from '../../kernel/event-input/event-input.js';
import type { Instance } from '../../kernel/recurrence/recurrence.js';
import {
  enqueuePush,
  fieldColumns,
  findSeriesMaster,
  insertRow,
  localChangesRepository,
  occurrenceRowValues,
  pendingColumns,
  updateRow,
  type PushRepository,
} from '../events/index.js';
import { seriesHasOccurrencesLeft } from './series-left.js';
import { meetingChanged, type MeetingActivitySync } from './meeting-activity.js';
import type { ReminderScheduler } from './push-settle.js';
import type { SendUpdates } from '../../kernel/values.js';

interface LocalChangesDeps {
  queue: JobQueue;
  activities: ActivityService;
  meetings: MeetingActivitySync;
  reminders: ReminderScheduler;
  /** Removes an event's rows (with a series' occurrences) from the CRM. */
  repo: Pick<PushRepository, 'removeDeleted'>;
  /** The calendar's zone, which a row without one of its own is shown in. */
  calendars: Pick<CalendarsRepository, 'find'>;
}

export interface PatchOptions {
  sendUpdates: SendUpdates;
  /** The Meet conference asked for or removed by this change, if it touched it. */
  conference?: boolean | undefined;
  /** The change sets the CRM link (the record is checked to exist in the tenant). */
  entityChanged?: boolean;
}

interface NewEventParams {
  id: string;
  tenantId: string;
  userId: string;
  calendarId: string;
  connection: Pick<ConnectionRow, 'google_email'>;
  fields: EventFields;
  conference: boolean;
  sendUpdates: SendUpdates;
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
function entitySourceOf(entity: EventFields['entity'], source: EntitySource | null): EntitySource | null {
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
    const current = await localChangesRepository.lockLive(trx, row.id);
    return current?.status === 'cancelled' && current.recurring_event_id !== null ? undefined : current;
  }

  async insert(trx: Transaction<Database>, values: Insertable<EventsTable>): Promise<EventRow> {
    const row = await insertRow(trx, values);
    return this.afterChange(trx, null, row);
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
    if (options.entityChanged === true) await localChangesRepository.relinkOccurrences(trx, row, after);
    const changed = await this.afterChange(trx, row, after);
    if (seriesTimesChanged(row, changed)) {
      // A shorter rule, new EXDATEs or a new start may leave none of the series' occurrences.
      return (await this.endIfNoOccurrenceLeft(trx, changed, options.sendUpdates, now)) ?? changed;
    }
    return changed;
  }

  /** Replaces only the attendee list (RSVP). */
  async setAttendees(
    trx: Transaction<Database>,
    row: EventRow,
    attendees: EventRow['attendees'],
    sendUpdates: SendUpdates,
    now: Date,
  ): Promise<EventRow> {
    const after = await updateRow(trx, row.id, {
      attendees: JSON.stringify(attendees),
      ...pendingColumns(row, sendUpdates, now),
    });
    return this.afterChange(trx, row, after);
  }

  /** A row for one occurrence of a series, so it can be changed or cancelled on its own. */
  async occurrenceRow(
    trx: Transaction<Database>,
    master: EventRow,
    instance: Instance,
    now: Date,
  ): Promise<EventRow> {
    const row = await insertRow(trx, occurrenceRowValues(master, instance, now));
    // The occurrence as the CRM shows it before the change: the base of the change's first push,
    // so that what Google changed on the occurrence meanwhile (an exception the CRM has not pulled
    // yet) is merged, not overwritten.
    const calendar = await this.deps.calendars.find(
      { tenantId: row.tenant_id, userId: row.user_id, calendarId: row.calendar_id },
      trx,
    );
    const shown = localMergeFields(row, calendar?.time_zone ?? null);
    return updateRow(trx, row.id, { synced_snapshot: JSON.stringify(shown) });
  }

  /**
   * Deletes an event in the CRM at once; the push deletes it at Google, then removes the row. An
   * event Google never had (it refused the create) is removed at once: nothing is sent to Google.
   * Returns the deleted row while it waits for the push, undefined when it is gone.
   */
  async softDelete(
    trx: Transaction<Database>,
    row: EventRow,
    sendUpdates: SendUpdates,
    now: Date,
  ): Promise<EventRow | undefined> {
    if (refusedByGoogle(row)) {
      await this.deps.meetings.cancel(trx, row);
      // Its reminder notifications go with the row (they reference it ON DELETE CASCADE).
      await this.deps.repo.removeDeleted(trx, row);
      return undefined;
    }
    const after = await updateRow(trx, row.id, { deleted_at: now, ...pendingColumns(row, sendUpdates, now) });
    if (row.recurrence !== null) {
      // Google cancels a series' modified occurrences with it.
      await localChangesRepository.softDeleteOccurrences(trx, row, now);
    }
    await this.deps.meetings.cancel(trx, after);
    await this.deps.reminders.scheduleForEvent(trx, after);
    await enqueuePush(this.deps.queue, trx, after);
    return after;
  }

  /**
   * Cancels one occurrence of a series (Google keeps a cancelled exception that hides it). When
   * it was the last one the series had, the whole series is deleted, on both sides.
   */
  async cancelOccurrence(
    trx: Transaction<Database>,
    row: EventRow,
    sendUpdates: SendUpdates,
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
    const master = await findSeriesMaster(trx, after);
    if (master !== undefined) await this.endIfNoOccurrenceLeft(trx, master, sendUpdates, now);
  }

  /**
   * Deletes a series none of whose occurrences is left (each cancelled, or cut off by its UNTIL,
   * COUNT or EXDATEs), as a delete of the whole series would: its meeting activity is cancelled
   * and Google is told. Returns the deleted row when it did (undefined when it is gone already).
   */
  private async endIfNoOccurrenceLeft(
    trx: Transaction<Database>,
    master: EventRow,
    sendUpdates: SendUpdates,
    now: Date,
  ): Promise<EventRow | undefined> {
    if (master.recurrence === null || master.recurring_event_id !== null || master.deleted_at !== null)
      return undefined;
    if (await seriesHasOccurrencesLeft(trx, master)) return undefined;
    return this.softDelete(trx, master, sendUpdates, now);
  }

  /** Activity, reminders and push job after a row was inserted (`before` null) or changed; returns the row. */
  private async afterChange(
    trx: Transaction<Database>,
    before: EventRow | null,
    after: EventRow,
  ): Promise<EventRow> {
    let row = after;
    if (
      before !== null &&
      (before.entity_type !== after.entity_type || before.entity_id !== after.entity_id)
    ) {
      // Moved to another record (or unlinked): the old record's activity is cancelled.
      await this.deps.meetings.cancel(trx, before);
      row = await this.deps.meetings.record(trx, after);
    } else if (before === null || meetingChanged(before, after)) {
      row = await this.deps.meetings.record(trx, after);
    }
    await this.deps.reminders.scheduleForEvent(trx, row);
    await enqueuePush(this.deps.queue, trx, row);
    return row;
  }
}

/**
 * Whether the row is an event Google refused to create: it never had it, so deleting it there
 * has nothing to do. (A row Google once confirmed has an etag; an occurrence belongs to a series
 * Google has.)
 */
function refusedByGoogle(row: EventRow): boolean {
  return row.sync_state === 'failed' && row.google_etag === null && row.recurring_event_id === null;
}

/** Whether a change to a series master touched what decides its occurrences (rules, dates, start). */
function seriesTimesChanged(before: EventRow, after: EventRow): boolean {
  if (after.recurrence === null || after.recurring_event_id !== null) return false;
  const time = (d: Date | null) => d?.getTime() ?? null;
  return (
    JSON.stringify(before.recurrence) !== JSON.stringify(after.recurrence) ||
    time(before.start_at) !== time(after.start_at) ||
    before.start_date !== after.start_date ||
    before.all_day !== after.all_day ||
    before.time_zone !== after.time_zone
  );
}
