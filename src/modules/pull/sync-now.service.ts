import type { Logger } from 'pino';
import type { Owner } from '../../kernel/refs.js';
import type { CalendarRow } from '../calendars/index.js';
import { NotFoundError, RateLimitedError } from '../../kernel/errors.js';
import { GoogleUnavailableError } from '../../adapters/google/errors.js';
import { realSleep, type Sleep } from '../../adapters/google/request-budget.js';
import type { CalendarsService } from '../calendars/index.js';
import type { ListingProgress } from './calendar-listing.js';
import type { PullService } from './pull.service.js';
import { emptyCounts, type PullOutcome, type PullTrigger } from './pull.types.js';

/** How long "sync now" waits for a pull that is already running on a calendar before reporting it as running. */
const SYNC_NOW_WAIT_MS = 10_000;

/**
 * How "sync now" retries a pull that Google rate-limited or could not serve. The request is the
 * only place such a pull is retried (it runs outside any job), so the caller gets an answer
 * within a bounded time: at most this many attempts, each wait uniform in [0, ceiling] with the
 * ceiling doubling from the base ("full jitter"), a Retry-After honoured when it is short enough
 * and the calendar reported as failed when it is not.
 */
export interface InlineRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

const INLINE_RETRY: InlineRetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
};

interface SyncNowDeps {
  sleep?: Sleep;
  random?: () => number;
  retry?: Partial<InlineRetryPolicy>;
}

interface SyncNowOptions {
  trigger: Extract<PullTrigger, 'manual' | 'cli'>;
  /** Only this calendar (it must be one of the owner's selected calendars). */
  calendarId?: string | undefined;
  /** List in full and reconcile deletions. */
  full?: boolean | undefined;
  pageSize?: number | undefined;
  /** Before each calendar's pull. */
  onCalendar?: (calendar: CalendarRow) => void;
  onPage?: (calendar: CalendarRow, progress: ListingProgress) => void;
}

/** One calendar's result: the pull's outcome, or why it failed. */
export type CalendarSyncResult = PullOutcome | (Omit<PullOutcome, 'status'> & { status: 'failed' });

/**
 * Pulls the owner's selected calendars now, one after the other, in the caller's process (the
 * manual trigger and the CLI). Manual pulls of a calendar are coalesced in the process: one runs
 * and at most one waits behind it, whatever the number of callers (see coalesced). Each pull takes the calendar's lease like any other; when a pull of
 * the calendar is already running, this waits for it (up to SYNC_NOW_WAIT_MS) and then pulls, so
 * the answer reports what this pull changed; past the wait the calendar is reported as running
 * and the running pull does one more round for it. A rate limit or an outage is retried here a
 * few times (INLINE_RETRY; the pull resumes from its sync token or saved page token). A failure
 * on one calendar is reported and the others still sync. Throws PreconditionFailedError without
 * an active connection.
 */
export class SyncNowService {
  readonly #retry: InlineRetryPolicy;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  /** Per calendar and kind of listing: the manual pull running in this process, and the one queued behind it. */
  readonly #pulls = new Map<
    string,
    { running: Promise<PullOutcome>; queued: Promise<PullOutcome> | undefined }
  >();

  constructor(
    private readonly calendars: CalendarsService,
    private readonly pull: PullService,
    private readonly logger: Logger,
    deps: SyncNowDeps = {},
  ) {
    this.#retry = { ...INLINE_RETRY, ...deps.retry };
    this.#sleep = deps.sleep ?? realSleep;
    this.#random = deps.random ?? Math.random;
  }

  async syncNow(owner: Owner, options: SyncNowOptions): Promise<CalendarSyncResult[]> {
    let selected = await this.calendars.selectedForSync(owner);
    if (options.calendarId !== undefined) {
      selected = selected.filter((calendar) => calendar.id === options.calendarId);
      if (selected.length === 0) throw new NotFoundError(`No selected calendar ${options.calendarId}`);
    }
    const results: CalendarSyncResult[] = [];
    for (const calendar of selected) {
      options.onCalendar?.(calendar);
      const ref = { tenantId: owner.tenantId, userId: owner.userId, calendarId: calendar.id };
      const run = () =>
        this.withRetries(() =>
          this.pull.pull(ref, {
            trigger: options.trigger,
            waitForRunningMs: SYNC_NOW_WAIT_MS,
            full: options.full === true,
            ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
            ...(options.onPage !== undefined
              ? { onPage: (progress: ListingProgress) => options.onPage?.(calendar, progress) }
              : {}),
          }),
        );
      try {
        // A caller following the pages (the CLI) gets a pull of its own.
        results.push(
          await (options.onPage === undefined
            ? this.coalesced(`${calendar.id}:${options.full === true ? 'full' : 'changes'}`, run)
            : run()),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn({ calendarId: calendar.id, error: message }, 'Sync now: a calendar failed');
        results.push({
          ...emptyCounts(),
          calendarId: calendar.id,
          status: 'failed',
          reason: message,
          fullSync: false,
          pages: 0,
          rounds: 0,
        });
      }
    }
    return results;
  }

  /**
   * At most one manual pull of a calendar runs in this process, and at most one waits behind it:
   * a caller arriving while one runs gets the next one (which starts after it, so it sees the
   * caller's changes), shared with every caller arriving before that one starts. Hundreds of
   * "sync now" at once cost two pulls.
   */
  private coalesced(key: string, run: () => Promise<PullOutcome>): Promise<PullOutcome> {
    const slot = this.#pulls.get(key);
    if (slot === undefined) return this.startPull(key, run);
    slot.queued ??= slot.running.then(
      () => this.startPull(key, run),
      () => this.startPull(key, run),
    );
    return slot.queued;
  }

  private startPull(key: string, run: () => Promise<PullOutcome>): Promise<PullOutcome> {
    const running = run().finally(() => {
      const slot = this.#pulls.get(key);
      if (slot?.running === running && slot.queued === undefined) this.#pulls.delete(key);
    });
    this.#pulls.set(key, { running, queued: undefined });
    return running;
  }

  private async withRetries<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const delay = this.retryDelayMs(error, attempt);
        if (delay === undefined) throw error;
        this.logger.info(
          { attempt, delayMs: delay },
          'Sync now: Google rate-limited or could not serve the pull; retrying',
        );
        await this.#sleep(delay);
      }
    }
  }

  /** The wait before the next attempt, or undefined when the error is final. */
  private retryDelayMs(error: unknown, attempt: number): number | undefined {
    const transient = error instanceof RateLimitedError || error instanceof GoogleUnavailableError;
    if (!transient || attempt >= this.#retry.maxAttempts) return undefined;
    if (error instanceof RateLimitedError && error.retryAfterSeconds !== undefined) {
      const ms = error.retryAfterSeconds * 1000;
      return ms <= this.#retry.maxRetryAfterMs ? ms : undefined;
    }
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * ceiling);
  }
}
