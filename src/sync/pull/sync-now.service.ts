import type { Logger } from 'pino';
import type { Owner } from '../../connections/connection.types.js';
import type { CalendarRow } from '../../db/schema.js';
import { NotFoundError } from '../../errors.js';
import type { CalendarsService } from '../calendars.service.js';
import type { ListingProgress } from './calendar-listing.js';
import type { PullService } from './pull.service.js';
import { emptyCounts, type PullOutcome, type PullTrigger } from './pull.types.js';

/** How long "sync now" waits for a pull that is already running on a calendar before reporting it as running. */
export const SYNC_NOW_WAIT_MS = 10_000;

export interface SyncNowOptions {
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
 * manual trigger and the CLI). Each pull takes the calendar's lease like any other; when a pull of
 * the calendar is already running, this waits for it (up to SYNC_NOW_WAIT_MS) and then pulls, so
 * the answer reports what this pull changed; past the wait the calendar is reported as running
 * and the running pull does one more round for it. A failure on one calendar is reported and the
 * others still sync. Throws PreconditionFailedError without an active connection.
 */
export class SyncNowService {
  constructor(
    private readonly calendars: CalendarsService,
    private readonly pull: PullService,
    private readonly logger: Logger,
  ) {}

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
      try {
        results.push(
          await this.pull.pull(ref, {
            trigger: options.trigger,
            waitForRunningMs: SYNC_NOW_WAIT_MS,
            full: options.full === true,
            ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
            ...(options.onPage !== undefined
              ? { onPage: (progress: ListingProgress) => options.onPage?.(calendar, progress) }
              : {}),
          }),
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
}
