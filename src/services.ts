import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { ActivityService, CrmService } from './crm/index.js';
import { createConnectionServices, type ConnectionServices } from './connections/index.js';
import type { DatabaseHandle, Db } from './db/database.js';
import { UsersRepository } from './db/repositories/users.repository.js';
import type { JobQueue } from './jobs/queue.js';
import { createPullSyncServices, type PullSyncServices } from './sync/pull/index.js';
import { createPushSyncServices, type PushSyncServices } from './sync/push/index.js';
import { createNotificationServices, type NotificationServices } from './notifications/index.js';
import type { Metrics } from './observability/metrics.js';
import type { TokenCipher } from './security/token-cipher.js';

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
export interface ServiceDeps extends AppAdapters {
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
}

export function createServices(deps: ServiceDeps): Services {
  const users = new UsersRepository(deps.db, deps.clock);
  const connectionServices = createConnectionServices({ ...deps, users });
  const activities = new ActivityService(deps);
  const notifications = createNotificationServices(deps);
  const pull = createPullSyncServices({
    ...deps,
    google: connectionServices.google,
    connections: connectionServices.connections,
    activities,
    reminders: notifications.notifications,
  });
  return {
    ...connectionServices,
    users,
    crm: new CrmService(deps),
    activities,
    ...pull,
    ...notifications,
    ...createPushSyncServices({
      ...deps,
      activities,
      calendarApi: pull.calendarApi,
      reminders: notifications.notifications,
    }),
  };
}
