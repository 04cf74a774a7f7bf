import type { Logger } from 'pino';
import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../../adapters/queue/definition.js';
import type { Clock } from '../../adapters/clock.js';
import type { OAuthStateRepository } from '../../modules/connections/index.js';

/**
 * OAuth `state` rows are single-use and expire after 10 minutes; once expired they only take space.
 * Keeping them a while longer lets the callback tell "expired" from "unknown" for late arrivals.
 */
export const purgeOAuthStatesJob = (deps: {
  oauthStates: Pick<OAuthStateRepository, 'purgeExpired'>;
  clock: Clock;
  logger: Logger;
}) =>
  defineJob({
    name: 'maintenance.purge-oauth-states',
    queue: { retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 300, policy: 'singleton' },
    pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
    schedule: () => ({ cron: '17 * * * *', data: { olderThanHours: 24 } }),
    async handle(data) {
      const cutoff = new Date(deps.clock.now().getTime() - data.olderThanHours * 3_600_000);
      const deleted = await deps.oauthStates.purgeExpired(cutoff);
      if (deleted > 0) deps.logger.info({ deleted }, 'Purged expired OAuth states');
    },
  });
