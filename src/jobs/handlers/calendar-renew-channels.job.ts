import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../definition.js';

/**
 * Every 30 minutes: renews push channels that expire within a day (the new channel is opened and
 * stored before the old one is stopped) and opens channels missing on selected calendars. Calendars
 * shared as free/busy only get none (Google refuses to watch them).
 */
export const calendarRenewChannelsJob = defineJob({
  name: 'calendar.renew-channels',
  queue: { retryLimit: 2, retryDelay: 60, expireInSeconds: 900, policy: 'singleton' },
  pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
  schedule: () => ({ cron: '*/30 * * * *', data: { reason: 'schedule' } }),
  async handle(ctx) {
    const summary = await ctx.services.channels.renewExpiring();
    if (summary.opened + summary.renewed + summary.failed > 0)
      ctx.logger.info(summary, 'Push channels renewed');
  },
});
