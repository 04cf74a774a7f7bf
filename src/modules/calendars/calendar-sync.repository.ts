import type { Kysely } from 'kysely';
import type { CalendarRow } from '../../adapters/db/tables/calendars.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { CalendarRef } from '../../kernel/refs.js';
import { findCalendar, scoped, type Executor } from './calendar-scope.js';

/** Access roles that let the user write a calendar's events. */
const WRITABLE_ROLES = ['owner', 'writer'];

/**
 * The sync bookkeeping of `calendars` rows that the pull (src/modules/pull) keeps: the pull lease,
 * the sync token, full-sync progress and the per-calendar status. Every statement is scoped by
 * tenant, user and calendar id.
 */
export class CalendarSyncRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private scoped(db: Executor, ref: CalendarRef) {
    return db.updateTable('calendars').where(scoped(ref));
  }

  async find(ref: CalendarRef, db: Executor = this.db): Promise<CalendarRow | undefined> {
    return findCalendar(db, ref);
  }

  /** Records that a pull was asked for; a running pull sees it before it lets go of the lease. */
  async markRequested(ref: CalendarRef, now: Date): Promise<void> {
    await this.scoped(this.db, ref).set({ pull_requested_at: now }).execute();
  }

  /**
   * Records that a pull was asked for only while a pull holds a live lease (then that pull runs one
   * more round for it); false when none does, and the caller must queue a pull itself. One
   * conditional UPDATE, so the mark never lands just after the holder let go.
   */
  async markRequestedIfLeased(ref: CalendarRef, now: Date): Promise<boolean> {
    const result = await this.scoped(this.db, ref)
      .set({ pull_requested_at: now })
      .where('pull_lease_owner', 'is not', null)
      .where('pull_lease_until', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Takes the calendar's pull lease when nobody holds a live one, in one conditional UPDATE (so
   * two processes cannot both win), and clears the request mark: the pull about to run covers it.
   */
  async acquireLease(
    ref: CalendarRef,
    owner: string,
    now: Date,
    until: Date,
  ): Promise<CalendarRow | undefined> {
    return this.scoped(this.db, ref)
      .set({ pull_lease_owner: owner, pull_lease_until: until, pull_requested_at: null })
      .where((eb) => eb.or([eb('pull_lease_until', 'is', null), eb('pull_lease_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  /** Extends a lease this owner still holds; false when it was lost (expired and taken by another). */
  async extendLease(ref: CalendarRef, owner: string, until: Date): Promise<boolean> {
    const result = await this.scoped(this.db, ref)
      .set({ pull_lease_until: until })
      .where('pull_lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Lets go of the lease unless a pull was requested meanwhile. Returns 'released', 'requested'
   * (the lease is kept and the mark cleared: run one more round) or 'lost'.
   */
  async releaseUnlessRequested(
    ref: CalendarRef,
    owner: string,
    until: Date,
  ): Promise<'released' | 'requested' | 'lost'> {
    const released = await this.scoped(this.db, ref)
      .set({ pull_lease_owner: null, pull_lease_until: null })
      .where('pull_lease_owner', '=', owner)
      .where('pull_requested_at', 'is', null)
      .executeTakeFirst();
    if (Number(released.numUpdatedRows) > 0) return 'released';
    const again = await this.scoped(this.db, ref)
      .set({ pull_requested_at: null, pull_lease_until: until })
      .where('pull_lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(again.numUpdatedRows) > 0 ? 'requested' : 'lost';
  }

  /**
   * For a lease holder about to run one more round: clears a request mark set since the last look
   * and extends the lease. 'taken' when there was one, 'none' when not, 'lost' when the lease is no
   * longer this owner's.
   */
  async takeRequest(ref: CalendarRef, owner: string, until: Date): Promise<'taken' | 'none' | 'lost'> {
    const taken = await this.scoped(this.db, ref)
      .set({ pull_requested_at: null, pull_lease_until: until })
      .where('pull_lease_owner', '=', owner)
      .where('pull_requested_at', 'is not', null)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) > 0) return 'taken';
    return (await this.extendLease(ref, owner, until)) ? 'none' : 'lost';
  }

  /** Lets go of the lease whatever happened (after a failure); a pending request mark stays. */
  async releaseLease(ref: CalendarRef, owner: string): Promise<void> {
    await this.scoped(this.db, ref)
      .set({ pull_lease_owner: null, pull_lease_until: null })
      .where('pull_lease_owner', '=', owner)
      .execute();
  }

  async markSyncing(ref: CalendarRef, now: Date): Promise<void> {
    await this.scoped(this.db, ref).set({ sync_status: 'syncing', updated_at: now }).execute();
  }

  async markSynced(ref: CalendarRef, now: Date): Promise<void> {
    await this.scoped(this.db, ref)
      .set({ sync_status: 'idle', last_sync_at: now, last_error: null, updated_at: now })
      .execute();
  }

  async markFailed(ref: CalendarRef, message: string, now: Date): Promise<void> {
    await this.scoped(this.db, ref)
      .set({ sync_status: 'error', last_error: message, updated_at: now })
      .execute();
  }

  /** Google refused the sync token (410): the next listing is a full one from the first page. */
  async dropSyncToken(ref: CalendarRef, now: Date): Promise<void> {
    await this.scoped(this.db, ref)
      .set({ sync_token: null, full_sync_page_token: null, updated_at: now })
      .execute();
  }

  /** Starts a new full listing: a new generation, its start time, no token and no page reached yet. */
  async beginFullSync(ref: CalendarRef, now: Date, db: Executor = this.db): Promise<number> {
    const row = await this.scoped(db, ref)
      .set((eb) => ({
        full_sync_generation: eb('full_sync_generation', '+', 1),
        full_sync_started_at: now,
        full_sync_page_token: null,
        sync_token: null,
        updated_at: now,
      }))
      .returning('full_sync_generation')
      .executeTakeFirstOrThrow();
    return row.full_sync_generation;
  }

  /** Records the next page of the full listing (in the transaction that stored the page before it). */
  async saveFullSyncProgress(db: Executor, ref: CalendarRef, pageToken: string): Promise<void> {
    await this.scoped(db, ref).set({ full_sync_page_token: pageToken }).execute();
  }

  /** Stores the sync token of a finished listing (in the transaction of its last page). */
  async saveSyncToken(
    db: Executor,
    ref: CalendarRef,
    syncToken: string,
    now: Date,
    options: { fullSync: boolean },
  ): Promise<void> {
    await this.scoped(db, ref)
      .set({
        sync_token: syncToken,
        full_sync_page_token: null,
        ...(options.fullSync ? { last_full_sync_at: now } : {}),
        updated_at: now,
      })
      .execute();
  }

  /**
   * The other selected calendars of the connection the user may write to (owner or writer): the
   * calendars an event of this one can be moved to, or from (events.move needs both writable).
   */
  async otherWritableSelected(ref: CalendarRef, connectionId: string): Promise<CalendarRow[]> {
    return this.db
      .selectFrom('calendars')
      .selectAll()
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .where('connection_id', '=', connectionId)
      .where('id', '<>', ref.calendarId)
      .where('selected', '=', true)
      .where('access_role', 'in', WRITABLE_ROLES)
      .orderBy('id')
      .execute();
  }
}
