import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { ConnectionRef } from '../../kernel/refs.js';
import type { CalendarRow } from '../calendars/index.js';
import { FREE_BUSY_ONLY_ROLE } from '../calendars/index.js';
import type { CalendarApi } from '../../adapters/google/calendar-api.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { CalendarSyncRepository } from '../calendars/index.js';
import type { ConnectionRepository } from '../connections/index.js';
import { enqueuePull } from '../calendars/index.js';
import { isCalendarGone, listCalendar, type ListingProgress } from './calendar-listing.js';
import type { PageWriter } from './page-writer.js';
import type { PullMetrics } from './pull-metrics.js';
import {
  emptyCounts,
  type CalendarRef,
  type PullCounts,
  type PullOutcome,
  type PullTrigger,
} from './pull.types.js';

interface PullServiceDeps {
  clock: Clock;
  logger: Logger;
  api: CalendarApi;
  calendars: CalendarSyncRepository;
  /** Where the connection's last pull is recorded (connections.last_sync_at). */
  connections: Pick<ConnectionRepository, 'touchLastSync'>;
  writer: PageWriter;
  metrics: PullMetrics;
  queue: JobQueue;
  /** Whether the connection may be used (false while it needs reauthorization or is disconnected). */
  isConnectionActive: (connection: ConnectionRef) => Promise<boolean>;
  /**
   * Called when Google answers the listing with 404 or 410 `deleted`: checks the calendar list and,
   * when the calendar left it, removes it from the CRM (channel, events, row). True when removed.
   */
  confirmGone: (calendar: CalendarRow) => Promise<boolean>;
  /**
   * Lease lifetime (default 15 s), extended every LEASE_HEARTBEAT_MS while the pull runs and after
   * every page: a dead worker's lease lapses that long after its last heartbeat.
   */
  leaseMs?: number;
  /** Listings one pull runs back to back when pulls keep being requested meanwhile (default 5). */
  maxRounds?: number;
  /** Longest a follow-up round waits for requests to stop (default REQUESTS_HOLD_MS). */
  followUpMaxWaitMs?: number;
}

interface PullOptions {
  trigger: PullTrigger;
  /**
   * When another pull of the calendar is running: 0 (default) asks it to run one more round and
   * returns `busy` at once; more waits that long for it to finish, then pulls.
   */
  waitForRunningMs?: number;
  /** List the calendar in full and reconcile deletions even when it has a sync token. */
  full?: boolean;
  /** Events per `events.list` page (default and Google's maximum 2500). */
  pageSize?: number;
  /** Called after every page (awaited). */
  onPage?: (progress: ListingProgress) => void | Promise<void>;
  /** Checked between pages: an aborted pull stops there, its finished pages kept (a resumable stop). */
  signal?: AbortSignal;
}

/** A pull holding a calendar's lease: `started` right after taking it, `finished` just before letting go. */
export interface PullEvent {
  type: 'started' | 'finished';
  calendarId: string;
  /** performance.timeOrigin-based milliseconds, comparable across processes on one machine. */
  at: number;
}

/** Another pull took over this calendar's lease (ours had lapsed): this one stops quietly. */
class LeaseLostError extends Error {}

const WAIT_POLL_MS = 200;
const LEASE_MS = 15_000;
const LEASE_HEARTBEAT_MS = 5_000;
/**
 * A pull asked for while one runs is one more round, run once the requests stop coming for
 * REQUESTS_QUIET_MS, or REQUESTS_HOLD_MS after the round when they never stop: a burst of push
 * notifications costs one follow-up round instead of a round per notification, and a calendar
 * that changes without pause is still listed every few seconds (what Google shows reaches the CRM
 * within seconds, whatever the traffic).
 */
const REQUESTS_QUIET_MS = 300;
const REQUESTS_HOLD_MS = 3_000;

/** The reason of a pull that found its calendar gone from Google (and removed it). */
const CALENDAR_GONE = 'the calendar was deleted in Google or is no longer shared with the user';

/**
 * Pulls Google's changes into the CRM copy of one calendar. At most one pull per calendar runs at
 * a time across all processes: a lease on the `calendars` row taken by one conditional UPDATE. A
 * pull asked for while another runs marks the calendar and returns; the running pull sees the mark
 * when it is about to let go and runs one more listing, so no trigger is lost and bursts collapse.
 * Each listing is incremental with the calendar's sync token, or a full listing (resumable,
 * reconciled) when there is none or Google answers 410.
 */
export class PullService {
  readonly #leaseMs: number;
  readonly #maxRounds: number;
  readonly #followUpMaxWaitMs: number;
  readonly #owner = `${hostname()}:${process.pid}`;
  readonly #listeners = new Set<(event: PullEvent) => void>();

  constructor(private readonly deps: PullServiceDeps) {
    this.#leaseMs = deps.leaseMs ?? LEASE_MS;
    this.#maxRounds = deps.maxRounds ?? 5;
    this.#followUpMaxWaitMs = deps.followUpMaxWaitMs ?? REQUESTS_HOLD_MS;
  }

  /** Observes pulls of this process (diagnostics and tests); returns the function that stops it. */
  observe(listener: (event: PullEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  private emit(type: PullEvent['type'], ref: CalendarRef): void {
    const event = { type, calendarId: ref.calendarId, at: performance.timeOrigin + performance.now() };
    for (const listener of this.#listeners) listener(event);
  }

  async pull(ref: CalendarRef, options: PullOptions): Promise<PullOutcome> {
    const { calendars, clock, metrics } = this.deps;
    const calendar = await calendars.find(ref);
    const skip = await this.skipReason(calendar, ref);
    if (skip !== null || calendar === undefined) {
      metrics.recordPull(options.trigger, 'skipped');
      return { ...emptyOutcome(ref), status: 'skipped', reason: skip ?? 'calendar not found' };
    }
    const owner = `${this.#owner}:${randomUUID()}`;
    const leased = await this.acquire(ref, owner, options.waitForRunningMs ?? 0);
    if (leased === undefined) {
      metrics.recordPull(options.trigger, 'busy');
      return { ...emptyOutcome(ref), status: 'busy', reason: 'another pull of this calendar is running' };
    }
    const connection: ConnectionRef = {
      id: calendar.connection_id,
      tenantId: ref.tenantId,
      userId: ref.userId,
    };
    const outcome = emptyOutcome(ref);
    const started = performance.now();
    this.emit('started', ref);
    const keepAlive = this.keepLease(ref, owner);
    try {
      await calendars.markSyncing(ref, clock.now());
      for (let row: CalendarRow | undefined = leased; row !== undefined;) {
        const result = await listCalendar(
          { api: this.deps.api, calendars, writer: this.deps.writer, clock, logger: this.deps.logger },
          {
            ref,
            connection,
            calendar: row,
            pageSize: options.pageSize ?? 2500,
            // Only the first round: later rounds pick up what changed meanwhile.
            forceFull: options.full === true && outcome.rounds === 0,
            onPage: options.onPage,
            signal: options.signal,
            heartbeat: () => this.heartbeat(ref, owner),
          },
        );
        addCounts(outcome, result.counts);
        outcome.fullSync ||= result.fullSync;
        outcome.pages += result.pages;
        outcome.rounds += 1;
        // Recorded while the lease is held, so it never overwrites the status of a pull that follows.
        const now = clock.now();
        await calendars.markSynced(ref, now);
        await this.deps.connections.touchLastSync(connection.id, ref, now);
        row = await this.nextRound(ref, owner, outcome.rounds);
      }
      metrics.recordPull(options.trigger, 'pulled');
      metrics.recordDuration(
        outcome.fullSync ? 'full' : 'incremental',
        'ok',
        (performance.now() - started) / 1000,
      );
      this.deps.logger.info({ ...ref, trigger: options.trigger, ...outcomeLog(outcome) }, 'Pulled calendar');
      return { ...outcome, status: 'pulled' };
    } catch (error) {
      if (error instanceof LeaseLostError) {
        metrics.recordPull(options.trigger, 'busy');
        this.deps.logger.warn({ ...ref }, 'Pull lease lapsed and was taken over; stopping this pull');
        return { ...outcome, status: 'busy', reason: 'another pull took over' };
      }
      if (isCalendarGone(error) && (await this.removedFromGoogle(calendar))) {
        this.emit('finished', ref);
        await calendars.releaseLease(ref, owner);
        metrics.recordPull(options.trigger, 'skipped');
        return { ...outcome, status: 'skipped', reason: CALENDAR_GONE };
      }
      const message = error instanceof Error ? error.message : String(error);
      await calendars.markFailed(ref, message, clock.now());
      this.emit('finished', ref);
      await calendars.releaseLease(ref, owner);
      metrics.recordPull(options.trigger, 'failed');
      metrics.recordDuration(
        outcome.fullSync ? 'full' : 'incremental',
        'error',
        (performance.now() - started) / 1000,
      );
      throw error;
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Extends the lease every LEASE_HEARTBEAT_MS while the pull runs (a long page, a wait for the
   * request budget), so that only a dead pull's lease lapses. A lost lease is noticed by the next
   * page's heartbeat, which stops the pull.
   */
  private keepLease(ref: CalendarRef, owner: string): NodeJS.Timeout {
    return setInterval(() => {
      const until = new Date(this.deps.clock.now().getTime() + this.#leaseMs);
      this.deps.calendars.extendLease(ref, owner, until).catch((error: unknown) => {
        this.deps.logger.warn(
          { ...ref, error: error instanceof Error ? error.message : String(error) },
          'Could not extend the pull lease',
        );
      });
    }, LEASE_HEARTBEAT_MS);
  }

  /**
   * Whether the calendar Google no longer lists for this user was removed from the CRM. A failed
   * check leaves the calendar as it is: the pull fails with Google's answer and a later one decides.
   */
  private async removedFromGoogle(calendar: CalendarRow): Promise<boolean> {
    try {
      const removed = await this.deps.confirmGone(calendar);
      if (removed) {
        this.deps.logger.info(
          { calendarId: calendar.id, googleCalendarId: calendar.google_calendar_id },
          'Calendar deleted in Google or no longer shared with the user; removed from the CRM',
        );
      }
      return removed;
    } catch (error) {
      this.deps.logger.warn(
        { calendarId: calendar.id, error: error instanceof Error ? error.message : String(error) },
        'Could not check whether the calendar still exists in Google',
      );
      return false;
    }
  }

  private async skipReason(calendar: CalendarRow | undefined, ref: CalendarRef): Promise<string | null> {
    if (calendar === undefined) return 'calendar not found';
    if (!calendar.selected) return 'calendar is not selected for sync';
    // Google refuses events.list on a calendar shared as free/busy only (even one selected before
    // its sharing changed).
    if (calendar.access_role === FREE_BUSY_ONLY_ROLE) return 'calendar is shared as free/busy only';
    const active = await this.deps.isConnectionActive({
      id: calendar.connection_id,
      tenantId: ref.tenantId,
      userId: ref.userId,
    });
    return active ? null : 'Google Calendar connection is not active';
  }

  private async acquire(ref: CalendarRef, owner: string, waitMs: number): Promise<CalendarRow | undefined> {
    const { calendars, clock } = this.deps;
    const deadline = performance.now() + waitMs;
    // A caller that will not wait leaves a mark first, so a running pull does one more round for it.
    if (waitMs <= 0) await calendars.markRequested(ref, clock.now());
    for (;;) {
      const now = clock.now();
      const row = await calendars.acquireLease(ref, owner, now, new Date(now.getTime() + this.#leaseMs));
      if (row !== undefined || waitMs <= 0) return row;
      if (performance.now() >= deadline) {
        await calendars.markRequested(ref, clock.now());
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  private async heartbeat(ref: CalendarRef, owner: string): Promise<void> {
    const until = new Date(this.deps.clock.now().getTime() + this.#leaseMs);
    if (!(await this.deps.calendars.extendLease(ref, owner, until)))
      throw new LeaseLostError('pull lease lost');
  }

  /** The calendar row for one more listing when a pull was requested meanwhile, else undefined (lease released). */
  private async nextRound(ref: CalendarRef, owner: string, rounds: number): Promise<CalendarRow | undefined> {
    const { calendars, clock } = this.deps;
    this.emit('finished', ref);
    if (rounds >= this.#maxRounds) {
      // Keep the mark and hand over to a queued pull, so one busy calendar cannot hold a worker forever.
      await calendars.releaseLease(ref, owner);
      const row = await calendars.find(ref);
      if (row?.pull_requested_at != null) {
        await enqueuePull(this.deps.queue, ref, 'retry');
      }
      return undefined;
    }
    const until = new Date(clock.now().getTime() + this.#leaseMs);
    const result = await calendars.releaseUnlessRequested(ref, owner, until);
    if (result === 'lost') throw new LeaseLostError('pull lease lost');
    if (result === 'released') return undefined;
    await this.untilRequestsStop(ref, owner);
    this.emit('started', ref);
    return calendars.find(ref);
  }

  /** Waits until no pull has been asked for during REQUESTS_QUIET_MS (at most the follow-up wait). */
  private async untilRequestsStop(ref: CalendarRef, owner: string): Promise<void> {
    const deadline = performance.now() + this.#followUpMaxWaitMs;
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, REQUESTS_QUIET_MS));
      const until = new Date(this.deps.clock.now().getTime() + this.#leaseMs);
      const taken = await this.deps.calendars.takeRequest(ref, owner, until);
      if (taken === 'lost') throw new LeaseLostError('pull lease lost');
      if (taken === 'none') return;
    }
  }
}

function emptyOutcome(ref: CalendarRef): PullOutcome {
  return {
    ...emptyCounts(),
    calendarId: ref.calendarId,
    status: 'pulled',
    reason: null,
    fullSync: false,
    pages: 0,
    rounds: 0,
  };
}

function addCounts(into: PullCounts, counts: PullCounts): void {
  for (const key of Object.keys(counts) as (keyof PullCounts)[]) into[key] += counts[key];
}

function outcomeLog(outcome: PullOutcome) {
  const { calendarId: _calendarId, status: _status, reason: _reason, ...rest } = outcome;
  return rest;
}
