import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../definition.js';

/** After a reconnect: pushes every CRM change of the connection that waited for it. */
export const eventPushResumeJob = defineJob({
  name: 'event.push-resume',
  queue: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
  async handle(ctx, data) {
    await ctx.services.pushRecovery.resumeConnection(data.connectionId);
  },
});

/** Safety net: pending CRM changes whose push job was lost or gave up are enqueued again. */
export const eventPushSweepJob = defineJob({
  name: 'event.push-sweep',
  queue: { retryLimit: 2, retryDelay: 30, expireInSeconds: 300, policy: 'singleton' },
  pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
  schedule: () => ({ cron: '*/5 * * * *', data: { olderThanSeconds: 120 } }),
  async handle(ctx, data) {
    await ctx.services.pushRecovery.sweep(data.olderThanSeconds);
  },
});
