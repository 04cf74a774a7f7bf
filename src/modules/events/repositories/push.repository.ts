import { sql, type Transaction } from 'kysely';
import type { Db } from '../../../adapters/db/database.js';
import type { ConnectionStatus } from '../../../kernel/values.js';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { EventRow } from '../../../adapters/db/tables/events.js';
import type { StoredConflict } from '../../../kernel/values.js';
import type { MergeFields } from '../../../kernel/event-snapshot.js';
import type { SentPatch } from '../../../kernel/merge.js';

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

/**
 * The SQL of the push worker (src/modules/push) on `events`. Every write that settles a push is
 * conditional on local_version or runs on the row locked by `lock`. The reads that join
 * `calendars` and `connections` stand here because `events` is their main table (read-only joins).
 */
export class PushRepository {
  constructor(private readonly db: Db) {}

  /** The event with its calendar's and connection's columns a push needs (read-only join). */
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

  /** A push with nothing to take from Google (a delete it confirmed) leaves the row `synced`. */
  async markSettled(trx: Transaction<Database>, rowId: string, now: Date): Promise<void> {
    await trx
      .updateTable('events')
      .set({ sync_state: 'synced', sync_error: null, push_send_updates: null, updated_at: now })
      .where('id', '=', rowId)
      .execute();
  }

  /**
   * An occurrence Google deleted stays as a cancelled occurrence without times (it hides that
   * date of the series), as the pull stores it.
   */
  async keepCancelledOccurrence(trx: Transaction<Database>, rowId: string, now: Date): Promise<void> {
    await trx
      .updateTable('events')
      .set({
        status: 'cancelled',
        start_at: null,
        end_at: null,
        start_date: null,
        end_date: null,
        sync_state: 'synced',
        sync_error: null,
        push_send_updates: null,
        updated_at: now,
      })
      .where('id', '=', rowId)
      .execute();
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

  /**
   * Keeps what the first insert of an event Google has not confirmed sends, as the base of the
   * merge when a later attempt finds the insert landed (409 duplicate: its answer was lost) and
   * Google's copy changed since. The first one is kept: a later attempt cannot know whether an
   * earlier one landed, and a base older than what landed only makes the merge compare more fields.
   */
  async keepInsertBase(rowId: string, sent: MergeFields): Promise<void> {
    await this.db
      .updateTable('events')
      .set({ synced_snapshot: JSON.stringify(sent) })
      .where('id', '=', rowId)
      .where('google_etag', 'is', null)
      .where('synced_snapshot', 'is', null)
      .execute();
  }

  /** Keeps what a patch is about to send, until its answer is settled (events.push_sent). */
  async notePatchSent(rowId: string, sent: SentPatch): Promise<void> {
    await this.db
      .updateTable('events')
      .set({ push_sent: JSON.stringify(sent) })
      .where('id', '=', rowId)
      .execute();
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

  /**
   * Settles a CRM delete Google has applied: the row stays, hidden as it has been since the delete,
   * until the pull sees Google's cancellation (or a full listing without it) and removes it with
   * its occurrences, so a listing taken before the delete cannot insert the event again.
   */
  async keepDeletedUntilPulled(trx: Transaction<Database>, row: EventRow, now: Date): Promise<void> {
    await trx
      .updateTable('events')
      .set({ sync_state: 'synced', sync_error: null, push_send_updates: null, updated_at: now })
      .where('id', '=', row.id)
      .where('deleted_at', 'is not', null)
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

  /** Pending rows of a connection's calendars (after a reconnect), oldest change first (read-only join). */
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

  /**
   * Pending rows of active connections whose change is older than `before` (the safety-net sweep;
   * read-only join).
   */
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
