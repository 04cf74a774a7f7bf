import type { Clock } from '../../adapters/clock.js';
import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../../adapters/queue/definition.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type {
  CrmWebhookSender,
  ReminderFiring,
  ReminderHorizon,
  StreamTicketService,
} from '../../modules/notifications/index.js';

/** Seconds between reminder checks within a minute (cron itself has minute granularity). */
const REMINDER_FOLLOW_UP_SECONDS = 10;

/**
 * Delivers due reminders. Cron starts it every minute; each run enqueues its follow-up 10 s later,
 * so reminders fire within about 10 s. The `stately` policy keeps at most one queued and one
 * running, so the cron and the follow-ups never pile up; the claim itself is safe with any number
 * of workers (FOR UPDATE SKIP LOCKED).
 */
export const notificationsFireJob = (deps: {
  reminderFiring: Pick<ReminderFiring, 'fireDue'>;
  queue: Pick<JobQueue, 'send' | 'started'>;
}) =>
  defineJob({
    name: 'notifications.fire',
    queue: { retryLimit: 1, retryDelay: 5, expireInSeconds: 120, policy: 'stately' },
    concurrency: 1,
    schedule: () => ({ cron: '* * * * *', data: { followUp: true } }),
    async handle(data) {
      try {
        await deps.reminderFiring.fireDue();
      } finally {
        if (data.followUp && deps.queue.started) {
          await deps.queue.send(
            'notifications.fire',
            { followUp: true },
            { startAfter: REMINDER_FOLLOW_UP_SECONDS },
          );
        }
      }
    },
  });

/** Hourly: recurring series get reminders for the next days; expired stream tickets go. */
export const notificationsRefreshJob = (deps: {
  reminderHorizon: Pick<ReminderHorizon, 'advance'>;
  streamTickets: Pick<StreamTicketService, 'purge'>;
  clock: Clock;
}) =>
  defineJob({
    name: 'notifications.refresh',
    queue: { retryLimit: 2, retryDelay: 60, expireInSeconds: 900, policy: 'singleton' },
    pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
    schedule: () => ({ cron: '7 * * * *', data: { reason: 'schedule' } }),
    async handle() {
      await deps.reminderHorizon.advance();
      await deps.streamTickets.purge(new Date(deps.clock.now().getTime() - 3_600_000));
    },
  });

/** Delivers one reminder to the CRM webhook; pg-boss retries failures with backoff. */
export const notificationsWebhookJob = (deps: { crmWebhook: Pick<CrmWebhookSender, 'deliver'> }) =>
  defineJob({
    name: 'notifications.webhook',
    queue: { retryLimit: 8, retryDelay: 2, retryBackoff: true, expireInSeconds: 60 },
    async handle(data) {
      await deps.crmWebhook.deliver(data.notificationId, data);
    },
  });
