import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../definition.js';

/** Seconds between reminder checks within a minute (cron itself has minute granularity). */
export const REMINDER_FOLLOW_UP_SECONDS = 10;

/**
 * Delivers due reminders. Cron starts it every minute; each run enqueues its follow-up 10 s later,
 * so reminders fire within about 10 s. The `stately` policy keeps at most one queued and one
 * running, so the cron and the follow-ups never pile up; the claim itself is safe with any number
 * of workers (FOR UPDATE SKIP LOCKED).
 */
export const notificationsFireJob = defineJob({
  name: 'notifications.fire',
  queue: { retryLimit: 1, retryDelay: 5, expireInSeconds: 120, policy: 'stately' },
  concurrency: 1,
  schedule: () => ({ cron: '* * * * *', data: { followUp: true } }),
  async handle(ctx, data) {
    try {
      await ctx.services.reminderFiring.fireDue();
    } finally {
      if (data.followUp && ctx.queue.started) {
        await ctx.queue.send(
          'notifications.fire',
          { followUp: true },
          { startAfter: REMINDER_FOLLOW_UP_SECONDS },
        );
      }
    }
  },
});

/** Hourly: recurring series get reminders for the next days; expired stream tickets go. */
export const notificationsRefreshJob = defineJob({
  name: 'notifications.refresh',
  queue: { retryLimit: 2, retryDelay: 60, expireInSeconds: 900, policy: 'singleton' },
  pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
  schedule: () => ({ cron: '7 * * * *', data: { reason: 'schedule' } }),
  async handle(ctx) {
    const { notifications, streamTickets } = ctx.services;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const series = await ctx.db
        .selectFrom('events')
        .selectAll()
        .where('recurrence', 'is not', null)
        .where('recurring_event_id', 'is', null)
        .where('deleted_at', 'is', null)
        .where('status', '!=', 'cancelled')
        .where('id', '>', after)
        .orderBy('id')
        .limit(200)
        .execute();
      for (const row of series) {
        await ctx.db.transaction().execute((trx) => notifications.scheduleForEvent(trx, row));
      }
      const last = series.at(-1);
      if (last === undefined || series.length < 200) break;
      after = last.id;
    }
    await streamTickets.purge(new Date(ctx.clock.now().getTime() - 3_600_000));
  },
});

/** Delivers one reminder to the CRM webhook; pg-boss retries failures with backoff. */
export const notificationsWebhookJob = defineJob({
  name: 'notifications.webhook',
  queue: { retryLimit: 8, retryDelay: 2, retryBackoff: true, expireInSeconds: 60 },
  async handle(ctx, data) {
    await ctx.services.crmWebhook.deliver(data.notificationId, data);
  },
});
