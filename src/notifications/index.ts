import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/queue.js';
import { CrmWebhookSender } from './crm-webhook.js';
import { NotificationStreamHub } from './notification-stream.js';
import { NotificationService } from './notification.service.js';
import { ReminderFiring } from './reminder-firing.js';
import { ReminderScheduleService } from './reminder-schedule.js';
import { StreamTicketService } from './stream-tickets.js';

export { signWebhookBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './crm-webhook.js';
export { notificationItemJson, type NotificationItem } from './notification-item.js';
export { REMINDER_HORIZON_MS, type ReminderPayload } from './reminder-schedule.js';
export { STREAM_TICKET_TTL_MS } from './stream-tickets.js';
export {
  CrmWebhookSender,
  NotificationService,
  NotificationStreamHub,
  ReminderFiring,
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
  return {
    notifications: new ReminderScheduleService({ clock: deps.clock, logger }),
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
