import { PreconditionFailedError } from '../../kernel/errors.js';
import { TokenRevokedError } from '../../adapters/google/errors.js';
import type { Logger } from 'pino';
import { defineJob } from '../../adapters/queue/definition.js';
import type { CalendarsService } from '../../modules/calendars/index.js';
import type { ConnectionService } from '../../modules/connections/index.js';

/**
 * The first sync after a consent: stores the calendar list (primary selected), opens a push
 * channel per selected calendar and queues their pulls. Skipped, not retried, when the connection
 * is no longer active.
 */
export const calendarInitialSyncJob = (deps: {
  connections: Pick<ConnectionService, 'isActive'>;
  calendars: Pick<CalendarsService, 'initialSync'>;
  logger: Logger;
}) =>
  defineJob({
    name: 'calendar.initial-sync',
    queue: { retryLimit: 6, retryDelay: 2, retryBackoff: true, expireInSeconds: 600 },
    longRunning: true,
    async handle(data) {
      const connection = { id: data.connectionId, tenantId: data.tenantId, userId: data.userId };
      if (!(await deps.connections.isActive(connection))) {
        deps.logger.info(
          { connectionId: connection.id },
          'Initial sync skipped: the connection is not active',
        );
        return;
      }
      try {
        await deps.calendars.initialSync(connection);
      } catch (error) {
        if (error instanceof TokenRevokedError || error instanceof PreconditionFailedError) {
          deps.logger.warn(
            { connectionId: connection.id, error: error.message },
            'Initial sync stopped: the connection is not usable',
          );
          return;
        }
        throw error;
      }
    },
  });
