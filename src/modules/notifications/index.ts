import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Config } from '../../adapters/config.js';
import type { Db } from '../../adapters/db/database.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import { CrmWebhookSender } from './crm-webhook.js';
import { NotificationStreamHub } from './notification-stream.js';
import { NotificationService } from './notification.service.js';
import { ReminderFiring } from './reminder-firing.js';
import { CalendarsRepository } from '../calendars/index.js';
import { EventsRepository } from '../events/index.js';
import { ReminderHorizon } from './reminder-horizon.js';
import { ReminderScheduleService } from './reminder-schedule.js';
import { StreamTicketService } from './stream-tickets.js';

export { notificationItemJson, type NotificationItem } from './notification-item.js';
export { STREAM_TICKET_TTL_MS } from './stream-tickets.js';
export {
  CrmWebhookSender,
  NotificationService,
  NotificationStreamHub,
  ReminderFiring,
  ReminderHorizon,
  ReminderScheduleService,
  StreamTicketService,
};

/** The CRM's reminder notifications as the app's Services expose them. */
export interface NotificationServices {
  /**
   * `scheduleForEvent(trx, row)` / `scheduleForEvents(trx, rows)`: (re)computes events' reminder
   * rows; call after any event row change.
   */
  notifications: ReminderScheduleService;
  /** Listing and marking read (GET /notifications). */
  notificationInbox: NotificationService;
  /** Claims due reminders once across workers and delivers them. */
  reminderFiring: ReminderFiring;
  /** Fan-out to this process's Server-Sent Events streams. */
  notificationStream: NotificationStreamHub;
  streamTickets: StreamTicketService;
  /** Moves recurring series' reminders forward (hourly). */
  reminderHorizon: ReminderHorizon;
  crmWebhook: CrmWebhookSender;
}

export function createNotificationServices(deps: {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  queue: JobQueue;
}): NotificationServices {
  const logger = deps.logger.child({ component: 'notifications' });
  const hub = new NotificationStreamHub({ db: deps.db, clock: deps.clock, logger });
  const crmWebhook = new CrmWebhookSender({
    db: deps.db,
    clock: deps.clock,
    logger,
    webhook: deps.config.crmWebhook,
  });
  const schedule = new ReminderScheduleService({
    clock: deps.clock,
    logger,
    calendars: new CalendarsRepository(deps.db),
  });
  const events = new EventsRepository(deps.db);
  return {
    notifications: schedule,
    reminderHorizon: new ReminderHorizon({
      db: deps.db,
      series: (after, limit) => events.seriesMastersAfter(after, limit),
      schedule,
    }),
    notificationInbox: new NotificationService({ db: deps.db, clock: deps.clock }),
    reminderFiring: new ReminderFiring({
      db: deps.db,
      clock: deps.clock,
      logger,
      queue: deps.queue,
      hub,
      webhookEnabled: crmWebhook.enabled,
    }),
    notificationStream: hub,
    streamTickets: new StreamTicketService({ db: deps.db, clock: deps.clock }),
    crmWebhook,
  };
}
