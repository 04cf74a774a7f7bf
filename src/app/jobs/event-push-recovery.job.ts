import { defineJob, MAINTENANCE_POLLING_SECONDS } from '../../adapters/queue/definition.js';
import type { PushRecovery } from '../../modules/push/index.js';

/** After a reconnect: pushes every CRM change of the connection that waited for it. */
export const eventPushResumeJob = (deps: { pushRecovery: Pick<PushRecovery, 'resumeConnection'> }) =>
  defineJob({
    name: 'event.push-resume',
    queue: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
    async handle(data) {
      await deps.pushRecovery.resumeConnection(data.connectionId);
    },
  });

/** Safety net: pending CRM changes whose push job was lost or gave up are enqueued again. */
export const eventPushSweepJob = (deps: { pushRecovery: Pick<PushRecovery, 'sweep'> }) =>
  defineJob({
    name: 'event.push-sweep',
    queue: { retryLimit: 2, retryDelay: 30, expireInSeconds: 300, policy: 'singleton' },
    pollingIntervalSeconds: MAINTENANCE_POLLING_SECONDS,
    schedule: () => ({ cron: '*/5 * * * *', data: { olderThanSeconds: 120 } }),
    async handle(data) {
      await deps.pushRecovery.sweep(data.olderThanSeconds);
    },
  });
