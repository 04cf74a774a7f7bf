import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Config } from '../../adapters/config.js';
import { ConnectionRepository, type ConnectionService } from '../connections/index.js';
import type { ActivityService } from '../crm/index.js';
import type { Db } from '../../adapters/db/database.js';
import { CalendarApi } from '../../adapters/google/calendar-api.js';
import type { GoogleClients } from '../../adapters/google/google-clients.js';
import { RequestBudget } from '../../adapters/google/request-budget.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { Metrics } from '../../adapters/observability/metrics.js';
import { CalendarsRepository, CalendarSyncRepository } from '../calendars/index.js';
import { CalendarsService } from '../calendars/index.js';
import { PushChannelRepository } from '../calendars/index.js';
import { PushChannelService } from '../calendars/index.js';
import { PushChannelReceiver } from './push-channel-receiver.js';
import { enqueuePull } from '../calendars/index.js';
import { PageWriter, type ReminderScheduler } from './page-writer.js';
import { PullMetrics } from './pull-metrics.js';
import { PullService } from './pull.service.js';
import { SyncNowService } from './sync-now.service.js';

/** The Google -> CRM side of sync, as the app's Services expose it. */
export interface PullSyncServices {
  /** Budgeted, retrying Calendar API calls; every sync call to Google goes through it. */
  calendarApi: CalendarApi;
  /** Per-connection Google request budget shared across processes. */
  requestBudget: RequestBudget;
  /** The user's calendars and which of them sync. */
  calendars: CalendarsService;
  /** Pulls one calendar's changes from Google (one pull per calendar at a time, across processes). */
  pull: PullService;
  /** Push channels: open, renew, stop, verify notifications. */
  channels: PushChannelService;
  /** Google's push notifications: verified, then a (collapsed) pull is queued. */
  pushChannelNotifications: PushChannelReceiver;
  /** "Sync now": pulls the user's selected calendars in the caller's process (POST /calendar/sync, the CLI). */
  syncNow: SyncNowService;
  /** Prometheus metrics of pulls. */
  pullMetrics: PullMetrics;
}

interface PullSyncDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  queue: JobQueue;
  metrics: Metrics;
  google: GoogleClients;
  activities: ActivityService;
  connections: ConnectionService;
  /** Recomputes reminder notifications of a changed event (the notifications module), when present. */
  reminders?: ReminderScheduler | undefined;
}

/** Wires the pull side: the Calendar API wrapper, calendars, channels, the pull and the event reads. */
export function createPullSyncServices(deps: PullSyncDeps): PullSyncServices {
  const logger = deps.logger.child({ component: 'sync-pull' });
  const requestBudget = new RequestBudget(deps.db, deps.clock, {
    perMinute: deps.config.googleRequestsPerMinute,
  });
  const calendarApi = new CalendarApi({ clients: deps.google, budget: requestBudget });
  const pullMetrics = new PullMetrics(deps.metrics.registry);
  const isConnectionActive = (ref: { id: string; tenantId: string; userId: string }) =>
    deps.connections.isActive(ref);
  const publicUrl = deps.config.publicUrl;
  const { push } = deps.config;
  if (push.offReason !== undefined) logger.warn({ publicUrl }, push.offReason);
  const channels = new PushChannelService({
    channels: new PushChannelRepository(deps.db),
    api: calendarApi,
    clock: deps.clock,
    logger,
    publicUrl,
    enabled: push.enabled,
    ...(push.offReason !== undefined ? { offReason: push.offReason } : {}),
  });
  const calendars = new CalendarsService({
    db: deps.db,
    calendars: new CalendarsRepository(deps.db),
    activities: deps.activities,
    api: calendarApi,
    channels,
    queue: deps.queue,
    clock: deps.clock,
    logger,
    findConnection: async (owner) => {
      const connection = await deps.connections.find(owner);
      if (connection === undefined) return undefined;
      const ref = { id: connection.id, tenantId: connection.tenantId, userId: connection.userId };
      return { ref, active: connection.status === 'active' };
    },
  });
  const calendarSync = new CalendarSyncRepository(deps.db);
  const pull = new PullService({
    clock: deps.clock,
    logger,
    api: calendarApi,
    calendars: calendarSync,
    connections: new ConnectionRepository(deps.db),
    writer: new PageWriter({
      db: deps.db,
      clock: deps.clock,
      logger,
      activities: deps.activities,
      metrics: pullMetrics,
      reminders: deps.reminders,
    }),
    metrics: pullMetrics,
    queue: deps.queue,
    followUpMaxWaitMs: deps.config.pullFollowUpMaxWaitMs,
    isConnectionActive,
    confirmGone: (calendar) => calendars.confirmGone(calendar),
  });
  const pushChannelNotifications = new PushChannelReceiver(
    channels,
    (ref) => enqueuePull(deps.queue, ref, 'webhook'),
    (ref) => calendarSync.markRequestedIfLeased(ref, deps.clock.now()),
    pullMetrics,
    logger,
  );
  const syncNow = new SyncNowService(calendars, pull, logger);
  return {
    calendarApi,
    requestBudget,
    calendars,
    pull,
    syncNow,
    channels,
    pushChannelNotifications,
    pullMetrics,
  };
}
export { type PullMetrics } from './pull-metrics.js';
export { type CalendarSyncResult } from './sync-now.service.js';
export { PullService } from './pull.service.js';
