import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { ConnectionStatus, Database, EventRow } from '../../db/schema.js';
import type { StoredConflict } from './push.schema.js';

/** What one push needs: the event row, its calendar, and the calendar's connection. */
export interface PushSubject {
  row: EventRow;
  googleCalendarId: string;
  calendarTimeZone: string | null;
  connectionId: string;
  connectionStatus: ConnectionStatus;
}

export interface EventKey {
  eventId: string;
  tenantId: string;
  userId: string;
}

/** Most merge overwrites kept per event (the newest). */
const MAX_CONFLICTS = 20;

/** The SQL of the push worker. Every write that settles a push is conditional on local_version. */
export class PushRepository {
  constructor(private readonly db: Db) {}

  async load(key: EventKey): Promise<PushSubject | undefined> {
    const found = await this.db
      .selectFrom('events as e')
      .innerJoin('calendars as c', 'c.id', 'e.calendar_id')
      .innerJoin('connections as k', 'k.id', 'c.connection_id')
      .selectAll('e')
      .select([
        'c.google_calendar_id as push_google_calendar_id',
        'c.time_zone as push_calendar_time_zone',
        'k.id as push_connection_id',
        'k.status as push_connection_status',
      ])
      .where('e.id', '=', key.eventId)
      .where('e.tenant_id', '=', key.tenantId)
      .where('e.user_id', '=', key.userId)
      .executeTakeFirst();
    if (found === undefined) return undefined;
    const {
      push_google_calendar_id,
      push_calendar_time_zone,
      push_connection_id,
      push_connection_status,
      ...row
    } = found;
    return {
      row,
      googleCalendarId: push_google_calendar_id,
      calendarTimeZone: push_calendar_time_zone,
      connectionId: push_connection_id,
      connectionStatus: push_connection_status,
    };
  }

  /** The row as it is now, locked until the transaction ends; undefined when it is gone. */
  async lock(trx: Transaction<Database>, rowId: string): Promise<EventRow | undefined> {
    return trx.selectFrom('events').selectAll().where('id', '=', rowId).forUpdate().executeTakeFirst();
  }

  async appendConflicts(
    trx: Transaction<Database>,
    rowId: string,
    conflicts: StoredConflict[],
  ): Promise<void> {
    if (conflicts.length === 0) return;
    const current = await trx
      .selectFrom('events')
      .select('sync_conflicts')
      .where('id', '=', rowId)
      .executeTakeFirst();
    const kept = [...(current?.sync_conflicts ?? []), ...conflicts].slice(-MAX_CONFLICTS);
    await trx
      .updateTable('events')
      .set({ sync_conflicts: JSON.stringify(kept) })
      .where('id', '=', rowId)
      .execute();
  }

  /**
   * A permanent refusal: the row shows `failed` with the reason until the next edit retries it. A
   * refused delete is undone in the CRM (the event is still in Google), with its occurrences.
   * Returns the failed row, or undefined when a newer local change superseded the pushed one.
   */
  async markFailed(
    trx: Transaction<Database>,
    row: EventRow,
    reason: string,
    now: Date,
  ): Promise<EventRow | undefined> {
    const failed = await trx
      .updateTable('events')
      .set({ sync_state: 'failed', sync_error: reason, deleted_at: null, updated_at: now })
      .where('id', '=', row.id)
      .where('local_version', '=', row.local_version)
      .where('sync_state', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (failed !== undefined && row.deleted_at !== null && row.recurrence !== null) {
      await trx
        .updateTable('events')
        .set({ deleted_at: null })
        .where('calendar_id', '=', row.calendar_id)
        .where('recurring_event_id', '=', row.google_event_id)
        .where('deleted_at', '=', row.deleted_at)
        .execute();
    }
    return failed;
  }

  /** Notes why a pending row is still waiting (it stays pending and is pushed later). */
  async noteWaiting(rowId: string, reason: string): Promise<void> {
    await this.db
      .updateTable('events')
      .set({ sync_error: reason })
      .where('id', '=', rowId)
      .where('sync_state', '=', 'pending')
      .execute();
  }

  /** Removes a deleted event (and, for a series, its occurrences) once Google has it deleted. */
  async removeDeleted(trx: Transaction<Database>, row: EventRow): Promise<void> {
    if (row.recurrence !== null) {
      await trx
        .deleteFrom('events')
        .where('calendar_id', '=', row.calendar_id)
        .where('recurring_event_id', '=', row.google_event_id)
        .execute();
    }
    await trx.deleteFrom('events').where('id', '=', row.id).execute();
  }

  /** Pending rows of a connection's calendars (after a reconnect), oldest change first. */
  async pendingOfConnection(connectionId: string, limit: number): Promise<EventKey[]> {
    return this.db
      .selectFrom('events as e')
      .innerJoin('calendars as c', 'c.id', 'e.calendar_id')
      .select(['e.id as eventId', 'e.tenant_id as tenantId', 'e.user_id as userId'])
      .where('c.connection_id', '=', connectionId)
      .where('e.sync_state', '=', 'pending')
      .orderBy(sql`coalesce(e.local_changed_at, e.updated_at)`)
      .limit(limit)
      .execute();
  }

  /** Pending rows of active connections whose change is older than `before` (the safety-net sweep). */
  async stalePending(before: Date, limit: number): Promise<EventKey[]> {
    return this.db
      .selectFrom('events as e')
      .innerJoin('calendars as c', 'c.id', 'e.calendar_id')
      .innerJoin('connections as k', 'k.id', 'c.connection_id')
      .select(['e.id as eventId', 'e.tenant_id as tenantId', 'e.user_id as userId'])
      .where('e.sync_state', '=', 'pending')
      .where('k.status', '=', 'active')
      .where(sql<boolean>`coalesce(e.local_changed_at, e.updated_at) < ${before}`)
      .orderBy(sql`coalesce(e.local_changed_at, e.updated_at)`)
      .limit(limit)
      .execute();
  }
}
