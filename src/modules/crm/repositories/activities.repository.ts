import { sql, type Insertable, type Kysely } from 'kysely';
import type { ActivitiesTable, ActivityRow } from '../../../adapters/db/tables/activities.js';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { EntityType, StoredAttendee } from '../../../kernel/values.js';
import type { Activity, MeetingWhen } from '../crm.types.js';
import type { CursorPosition } from '../pagination.js';
import { beforeCreatedAt, createdAtMs } from './keyset.js';

function meetingOf(row: ActivityRow): Activity['meeting'] {
  const attendees = row.meeting_attendees;
  if (row.meeting_start_at !== null && row.meeting_end_at !== null) {
    return { allDay: false, start: row.meeting_start_at, end: row.meeting_end_at, attendees };
  }
  if (row.meeting_start_date !== null && row.meeting_end_date !== null) {
    return { allDay: true, start: row.meeting_start_date, end: row.meeting_end_date, attendees };
  }
  return null;
}

function toActivity(row: ActivityRow): Activity {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    type: row.type,
    title: row.title,
    description: row.description,
    status: row.status,
    eventId: row.event_id,
    meeting: meetingOf(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The meeting columns of an activity: exactly one of the instant pair and the date pair is set. */
export interface MeetingColumns {
  title: string;
  description: string | null;
  when: MeetingWhen;
  attendees: StoredAttendee[];
}

function meetingValues(meeting: MeetingColumns) {
  return {
    title: meeting.title,
    description: meeting.description,
    meeting_start_at: meeting.when.allDay ? null : meeting.when.start,
    meeting_end_at: meeting.when.allDay ? null : meeting.when.end,
    meeting_start_date: meeting.when.allDay ? meeting.when.start : null,
    meeting_end_date: meeting.when.allDay ? meeting.when.end : null,
    meeting_attendees: JSON.stringify(meeting.attendees),
  };
}

/** Activities (the timeline of a CRM record). Every method takes the executor (db or transaction). */
export const activitiesRepository = {
  /**
   * Inserts the meeting activity of (event, record), or refreshes it when it exists: the
   * partial unique index activities_event_entity_idx makes this idempotent.
   */
  async upsertMeeting(
    db: Kysely<Database>,
    key: Pick<Insertable<ActivitiesTable>, 'tenant_id' | 'user_id' | 'entity_type' | 'entity_id'> & {
      event_id: string;
    },
    meeting: MeetingColumns,
    now: Date,
  ): Promise<Activity> {
    const values = meetingValues(meeting);
    const row = await db
      .insertInto('activities')
      .values({ ...key, ...values, type: 'meeting', status: 'scheduled', created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc
          .columns(['event_id', 'entity_type', 'entity_id'])
          .where('event_id', 'is not', null)
          .doUpdateSet({ ...values, status: 'scheduled', updated_at: now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toActivity(row);
  },

  /** Refreshes the meeting details on every activity of an event (all the records it is linked to). */
  async updateMeetingForEvent(
    db: Kysely<Database>,
    tenantId: string,
    eventId: string,
    meeting: MeetingColumns,
    now: Date,
  ): Promise<number> {
    const result = await db
      .updateTable('activities')
      .set({ ...meetingValues(meeting), updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('event_id', '=', eventId)
      .where('type', '=', 'meeting')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },

  async cancelForEvent(db: Kysely<Database>, eventId: string, now: Date): Promise<number> {
    const result = await db
      .updateTable('activities')
      .set({ status: 'cancelled', updated_at: now })
      .where('event_id', '=', eventId)
      .where('type', '=', 'meeting')
      .where('status', '!=', 'cancelled')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },

  /** Marks cancelled every meeting activity of the events (in chunks: any number fits the parameter limit). */
  async cancelForEvents(db: Kysely<Database>, eventIds: readonly string[], now: Date): Promise<number> {
    let cancelled = 0;
    for (let i = 0; i < eventIds.length; i += 5000) {
      const result = await db
        .updateTable('activities')
        .set({ status: 'cancelled', updated_at: now })
        .where('event_id', 'in', eventIds.slice(i, i + 5000))
        .where('type', '=', 'meeting')
        .where('status', '!=', 'cancelled')
        .executeTakeFirst();
      cancelled += Number(result.numUpdatedRows);
    }
    return cancelled;
  },

  /**
   * Marks cancelled the meeting activities of each event that sit on records outside its `keep`
   * list (keys `<entity_type>/<entity_id>`): the meeting no longer concerns them.
   */
  async cancelForEventsExcept(
    db: Kysely<Database>,
    tenantId: string,
    events: readonly { eventId: string; keep: readonly string[] }[],
    now: Date,
  ): Promise<number> {
    let cancelled = 0;
    // In chunks, so any page of events fits the protocol's parameter limit.
    for (let i = 0; i < events.length; i += 1000) {
      const chunk = events.slice(i, i + 1000);
      const kept = chunk.flatMap((event) => event.keep.map((key) => `${event.eventId}/${key}`));
      let query = db
        .updateTable('activities')
        .set({ status: 'cancelled', updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('type', '=', 'meeting')
        .where('status', '!=', 'cancelled')
        .where(
          'event_id',
          'in',
          chunk.map((event) => event.eventId),
        );
      if (kept.length > 0) {
        query = query.where(
          sql<string>`event_id::text || '/' || entity_type || '/' || entity_id::text`,
          'not in',
          kept,
        );
      }
      const result = await query.executeTakeFirst();
      cancelled += Number(result.numUpdatedRows);
    }
    return cancelled;
  },

  /** A record's timeline, newest first; fetches `limit` rows after `after`. */
  async listForEntity(
    db: Kysely<Database>,
    tenantId: string,
    entityType: EntityType,
    entityId: string,
    options: { after?: CursorPosition | undefined; limit: number },
  ): Promise<Activity[]> {
    let query = db
      .selectFrom('activities')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId);
    if (options.after !== undefined) query = query.where(beforeCreatedAt(options.after));
    const rows = await query
      .orderBy(createdAtMs, 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map(toActivity);
  },

  async deleteForEntity(
    db: Kysely<Database>,
    tenantId: string,
    entityType: EntityType,
    entityId: string,
  ): Promise<number> {
    const result = await db
      .deleteFrom('activities')
      .where('tenant_id', '=', tenantId)
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
