import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Config } from '../../adapters/config.js';
import type { RequestBudget } from '../../adapters/google/request-budget.js';
import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../../adapters/queue/definition.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import { enqueuePull, type CalendarRow, type CalendarsService } from '../../modules/calendars/index.js';

const PAGE = 500;

/**
 * A cron expression (UTC) firing every `minutes` minutes. Cron counts within the hour and the day,
 * so an interval that does not divide 60 (or 24 hours) restarts at the hour (or midnight), and an
 * interval over an hour is rounded down to whole hours: a safety net may fire early, never late.
 */
export function cronEvery(minutes: number): string {
  if (minutes <= 1) return '* * * * *';
  if (minutes < 60) return `*/${minutes} * * * *`;
  if (minutes >= 1440) return '0 0 * * *';
  return `0 */${Math.floor(minutes / 60)} * * *`;
}

/**
 * The safety net: every SYNC_INTERVAL_MINUTES, a pull of every selected calendar of every active
 * connection is queued (collapsed with any already queued for the same calendar). An idle
 * incremental pull costs one Google call. Also forgets old request-budget windows.
 */
export const calendarScheduledPullsJob = (deps: {
  calendars: Pick<CalendarsService, 'selectedOfActiveConnections'>;
  queue: JobQueue;
  requestBudget: Pick<RequestBudget, 'purge'>;
  clock: Clock;
  logger: Logger;
}) =>
  defineJob({
    name: 'calendar.scheduled-pulls',
    queue: { retryLimit: 2, retryDelay: 30, expireInSeconds: 600, policy: 'singleton' },
    pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
    schedule: (config: Config) => ({
      cron: cronEvery(config.syncIntervalMinutes),
      data: { reason: 'schedule' },
    }),
    async handle() {
      let queued = 0;
      let after: string | null = null;
      for (;;) {
        const page: CalendarRow[] = await deps.calendars.selectedOfActiveConnections(after, PAGE);
        for (const calendar of page) {
          const ref = { tenantId: calendar.tenant_id, userId: calendar.user_id, calendarId: calendar.id };
          if (await enqueuePull(deps.queue, ref, 'schedule')) queued += 1;
        }
        const last = page.at(-1);
        if (last === undefined || page.length < PAGE) break;
        after = last.id;
      }
      const purged = await deps.requestBudget.purge(new Date(deps.clock.now().getTime() - 3_600_000));
      deps.logger.info({ queued, purgedBudgetWindows: purged }, 'Scheduled pulls queued');
    },
  });
