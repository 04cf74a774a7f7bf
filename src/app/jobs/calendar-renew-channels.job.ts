import type { Logger } from 'pino';
import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../../adapters/queue/definition.js';
import type { PushChannelService } from '../../modules/calendars/index.js';

/**
 * Every 30 minutes: renews push channels that expire within a day (the new channel is opened and
 * stored before the old one is stopped) and opens channels missing on selected calendars. Calendars
 * shared as free/busy only get none (Google refuses to watch them).
 */
export const calendarRenewChannelsJob = (deps: {
  channels: Pick<PushChannelService, 'renewExpiring'>;
  logger: Logger;
}) =>
  defineJob({
    name: 'calendar.renew-channels',
    queue: { retryLimit: 2, retryDelay: 60, expireInSeconds: 900, policy: 'singleton' },
    pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
    schedule: () => ({ cron: '*/30 * * * *', data: { reason: 'schedule' } }),
    async handle() {
      const summary = await deps.channels.renewExpiring();
      if (summary.opened + summary.renewed + summary.failed > 0)
        deps.logger.info(summary, 'Push channels renewed');
    },
  });
