import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../definition.js';

/**
 * OAuth `state` rows are single-use and expire after 10 minutes; once expired they only take space.
 * Keeping them a while longer lets the callback tell "expired" from "unknown" for late arrivals.
 */
export const purgeOAuthStatesJob = defineJob({
  name: 'maintenance.purge-oauth-states',
  queue: { retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 300, policy: 'singleton' },
  pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
  schedule: () => ({ cron: '17 * * * *', data: { olderThanHours: 24 } }),
  async handle(ctx, data) {
    const cutoff = new Date(ctx.clock.now().getTime() - data.olderThanHours * 3_600_000);
    const result = await ctx.db
      .deleteFrom('oauth_states')
      .where('expires_at', '<', cutoff)
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    if (deleted > 0) ctx.logger.info({ deleted }, 'Purged expired OAuth states');
  },
});
