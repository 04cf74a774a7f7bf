import { PreconditionFailedError } from '../../errors.js';
import { TokenRevokedError } from '../../google/errors.js';
import { defineJob } from '../definition.js';

/**
 * The first sync after a consent: stores the calendar list (primary selected), opens a push
 * channel per selected calendar and queues their pulls. Skipped, not retried, when the connection
 * is no longer active.
 */
export const calendarInitialSyncJob = defineJob({
  name: 'calendar.initial-sync',
  queue: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 600 },
  longRunning: true,
  async handle(ctx, data) {
    const connection = { id: data.connectionId, tenantId: data.tenantId, userId: data.userId };
    if (!(await ctx.services.connections.isActive(connection))) {
      ctx.logger.info({ connectionId: connection.id }, 'Initial sync skipped: the connection is not active');
      return;
    }
    try {
      await ctx.services.calendars.initialSync(connection);
    } catch (error) {
      if (error instanceof TokenRevokedError || error instanceof PreconditionFailedError) {
        ctx.logger.warn(
          { connectionId: connection.id, error: error.message },
          'Initial sync stopped: the connection is not usable',
        );
        return;
      }
      throw error;
    }
  },
});
