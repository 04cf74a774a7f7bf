import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { AnyJobDefinition } from '../../adapters/queue/definition.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { Services } from '../services.js';
import { calendarInitialSyncJob } from './calendar-initial-sync.job.js';
import { calendarPullJob } from './calendar-pull.job.js';
import { calendarRenewChannelsJob } from './calendar-renew-channels.job.js';
import { calendarScheduledPullsJob } from './calendar-scheduled-pulls.job.js';
import { eventPushResumeJob, eventPushSweepJob } from './event-push-recovery.job.js';
import { eventPushJob } from './event-push.job.js';
import {
  notificationsFireJob,
  notificationsRefreshJob,
  notificationsWebhookJob,
} from './notifications.job.js';
import { purgeOAuthStatesJob } from './purge-oauth-states.job.js';

/** What the jobs are built from: the services, and the adapters some of them use directly. */
interface JobDeps {
  services: Services;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
}

/**
 * Every job the service runs, each bound to the collaborators it uses (never the whole app).
 * Workers register a handler for each; every process creates each queue at start, so any role can
 * send any job. Add one line per job file.
 */
export function buildJobs({ services: s, queue, clock, logger }: JobDeps): readonly AnyJobDefinition[] {
  return [
    purgeOAuthStatesJob({ oauthStates: s.oauthStates, clock, logger }),
    calendarInitialSyncJob({ connections: s.connections, calendars: s.calendars, logger }),
    calendarPullJob({ pull: s.pull, queue, logger }),
    calendarScheduledPullsJob({
      calendars: s.calendars,
      queue,
      requestBudget: s.requestBudget,
      clock,
      logger,
    }),
    calendarRenewChannelsJob({ channels: s.channels, logger }),
    eventPushJob({ eventPusher: s.eventPusher, queue }),
    eventPushResumeJob({ pushRecovery: s.pushRecovery }),
    eventPushSweepJob({ pushRecovery: s.pushRecovery }),
    notificationsFireJob({ reminderFiring: s.reminderFiring, queue }),
    notificationsRefreshJob({ reminderHorizon: s.reminderHorizon, streamTickets: s.streamTickets, clock }),
    notificationsWebhookJob({ crmWebhook: s.crmWebhook }),
  ];
}
