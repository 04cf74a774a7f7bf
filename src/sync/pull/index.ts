import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { ConnectionService } from '../../connections/connection.service.js';
import type { ActivityService } from '../../crm/index.js';
import type { Db } from '../../db/database.js';
import { CalendarApi } from '../../google/calendar-api.js';
import type { GoogleClients } from '../../google/google-clients.js';
import { RequestBudget } from '../../google/request-budget.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Metrics } from '../../observability/metrics.js';
import { CalendarsRepository } from '../calendars.repository.js';
import { CalendarsService } from '../calendars.service.js';
import { ChannelRepository } from '../channels/channel.repository.js';
import { ChannelService } from '../channels/channel.service.js';
import { NotificationReceiver } from '../channels/notification-receiver.js';
import { EventsQueryService } from '../events-query.service.js';
import { EventsRepository } from '../events.repository.js';
import { CalendarSyncRepository } from './calendar-sync.repository.js';
import { enqueuePull } from './enqueue-pull.js';
import { PageWriter, type ReminderScheduler } from './page-writer.js';
import { PullMetrics } from './pull-metrics.js';
import { PullService } from './pull.service.js';
import { SyncNowService } from './sync-now.service.js';

export type { ReminderScheduler } from './page-writer.js';

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
  channels: ChannelService;
  /** Google's push notifications: verified, then a (collapsed) pull is queued. */
  channelNotifications: NotificationReceiver;
  /** GET /calendar/events: listing with series expansion and cursors, and one event. */
  calendarEvents: EventsQueryService;
  /** "Sync now": pulls the user's selected calendars in the caller's process (POST /calendar/sync, the CLI). */
  syncNow: SyncNowService;
  /** Prometheus metrics of pulls. */
  pullMetrics: PullMetrics;
}

export interface PullSyncDeps {
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
  const calendarApi = new CalendarApi({ clients: deps.google, budget: requestBudget, logger });
  const pullMetrics = new PullMetrics(deps.metrics.registry);
  const isConnectionActive = (ref: { id: string; tenantId: string; userId: string }) =>
    deps.connections.isActive(ref);
  const publicUrl = deps.config.publicUrl;
  const channelsEnabled = deps.config.google.mode === 'emulator' || publicUrl.startsWith('https://');
  if (!channelsEnabled) {
    logger.warn(
      { publicUrl },
      'Push channels are off: Google only delivers webhooks to https URLs. Set PUBLIC_URL to an https address Google can reach; until then changes arrive with the scheduled pull.',
    );
  }
  const channels = new ChannelService({
    channels: new ChannelRepository(deps.db),
    api: calendarApi,
    clock: deps.clock,
    logger,
    publicUrl,
    enabled: channelsEnabled,
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
  const pull = new PullService({
    clock: deps.clock,
    logger,
    api: calendarApi,
    calendars: new CalendarSyncRepository(deps.db),
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
    isConnectionActive,
    confirmGone: (calendar) => calendars.confirmGone(calendar),
  });
  const calendarEvents = new EventsQueryService(new EventsRepository(deps.db), deps.clock, logger);
  const channelNotifications = new NotificationReceiver(
    channels,
    (ref) => enqueuePull(deps.queue, ref, 'webhook'),
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
    channelNotifications,
    calendarEvents,
    pullMetrics,
  };
}
