import type { AnyJobDefinition } from '../definition.js';
import { purgeOAuthStatesJob } from './purge-oauth-states.job.js';
import { calendarInitialSyncJob } from './calendar-initial-sync.job.js';
import { calendarPullJob } from './calendar-pull.job.js';
import { calendarRenewChannelsJob } from './calendar-renew-channels.job.js';
import { calendarScheduledPullsJob } from './calendar-scheduled-pulls.job.js';
import { eventPushJob } from './event-push.job.js';
import { eventPushResumeJob, eventPushSweepJob } from './event-push-recovery.job.js';
import {
  notificationsFireJob,
  notificationsRefreshJob,
  notificationsWebhookJob,
} from './notifications.job.js';

/**
 * Every job the service runs. Workers register a handler for each; every process creates each
 * queue at start, so any role can send any job. Add one line per job file.
 */
export const jobDefinitions: readonly AnyJobDefinition[] = [
  purgeOAuthStatesJob,
  calendarInitialSyncJob,
  calendarPullJob,
  calendarScheduledPullsJob,
  calendarRenewChannelsJob,
  eventPushJob,
  eventPushResumeJob,
  eventPushSweepJob,
  notificationsFireJob,
  notificationsRefreshJob,
  notificationsWebhookJob,
];
