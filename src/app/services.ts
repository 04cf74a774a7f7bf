import type { Logger } from 'pino';
import type { Clock } from '../adapters/clock.js';
import type { Config } from '../adapters/config.js';
import { AvailabilityService } from '../modules/availability/index.js';
import { ActivityService, CrmService } from '../modules/crm/index.js';
import { eventLookupsRepository, EventsRepository } from '../modules/events/index.js';
import { EventsQueryService } from '../modules/events-read/index.js';
import { createConnectionServices, type ConnectionServices } from '../modules/connections/index.js';
import type { DatabaseHandle, Db } from '../adapters/db/database.js';
import { UsersRepository } from '../modules/users/index.js';
import type { JobQueue } from '../adapters/queue/queue.js';
import { createPullSyncServices, type PullSyncServices } from '../modules/pull/index.js';
import { createPushSyncServices, type PushSyncServices } from '../modules/push/index.js';
import { createNotificationServices, type NotificationServices } from '../modules/notifications/index.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import type { TokenCipher } from '../adapters/security/token-cipher.js';

/** The adapters the app owns; the running process shares them with every service (AppContext). */
export interface AppAdapters {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: DatabaseHandle;
  db: Db;
  queue: JobQueue;
  metrics: Metrics;
}

/** What services are built from: the adapters plus the cipher of OAuth tokens at rest. */
interface ServiceDeps extends AppAdapters {
  tokenCipher: TokenCipher;
}

/**
 * The service objects routes and jobs call. Each module adds its service here and builds it in
 * createServices, so the whole object graph is composed in one place.
 */
export interface Services
  extends ConnectionServices, PullSyncServices, PushSyncServices, NotificationServices {
  users: UsersRepository;
  crm: CrmService;
  activities: ActivityService;
  /** GET /calendar/events: listing with series expansion and cursors, and one event. */
  calendarEvents: EventsQueryService;
  /** Free slots from Google free/busy. */
  availability: AvailabilityService;
}

export function createServices(deps: ServiceDeps): Services {
  const users = new UsersRepository(deps.db, deps.clock);
  const activities = new ActivityService({
    ...deps,
    findEvent: (db, tenantId, eventId) => eventLookupsRepository.idInTenant(db, tenantId, eventId),
  });
  const connectionServices = createConnectionServices({ ...deps, users, meetings: activities });
  const notifications = createNotificationServices(deps);
  const pull = createPullSyncServices({
    ...deps,
    google: connectionServices.google,
    connections: connectionServices.connections,
    activities,
    reminders: notifications.notifications,
  });
  const push = createPushSyncServices({
    ...deps,
    activities,
    calendarApi: pull.calendarApi,
    reminders: notifications.notifications,
  });
  return {
    ...connectionServices,
    users,
    crm: new CrmService(deps),
    activities,
    ...pull,
    ...notifications,
    ...push,
    calendarEvents: new EventsQueryService(
      new EventsRepository(deps.db),
      deps.clock,
      deps.logger.child({ component: 'events' }),
    ),
    availability: new AvailabilityService({
      api: pull.calendarApi,
      targets: push.writeTargets,
      events: new EventsRepository(deps.db),
    }),
  };
}
