import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { ActivityService } from '../../crm/index.js';
import type { Db } from '../../db/database.js';
import type { CalendarApi } from '../../google/calendar-api.js';
import type { JobQueue } from '../../jobs/queue.js';
import { AvailabilityService } from '../availability.service.js';
import { EventsWriteService } from '../events-write.service.js';
import { EventsRepository } from '../events.repository.js';
import { EventPusher } from './event-pusher.js';
import { GoogleEventWrites } from './google-writes.js';
import { LocalEventChanges } from './local-changes.js';
import { MeetingActivitySync } from './meeting-activity.js';
import { PushRecovery } from './push-recovery.js';
import { PushSettler, type ReminderScheduler } from './push-settle.js';
import { PushRepository } from './push.repository.js';
import { ReminderDefaultsService } from './reminder-defaults.js';
import { SeriesWrites } from './series-writes.js';
import { WriteTargets } from './write-targets.js';

export { EventPusher, PermanentPushError, WAITING_FOR_RECONNECT, type PushResult } from './event-pusher.js';
export type { ReminderScheduler } from './push-settle.js';

/** The CRM -> Google side of sync, as the app's Services expose it. */
export interface PushSyncServices {
  /** Create, change, delete and RSVP from the CRM (local change + push job in one transaction). */
  eventsWrite: EventsWriteService;
  /** Pushes one event's current state to Google (the `event.push` job). */
  eventPusher: EventPusher;
  /** Re-enqueues pending pushes after a reconnect and in the periodic sweep. */
  pushRecovery: PushRecovery;
  /** Free slots from Google free/busy. */
  availability: AvailabilityService;
  /** The user's default reminders for new events. */
  reminderDefaults: ReminderDefaultsService;
}

export interface PushSyncDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  queue: JobQueue;
  activities: ActivityService;
  calendarApi: CalendarApi;
  reminders: ReminderScheduler;
}

export function createPushSyncServices(deps: PushSyncDeps): PushSyncServices {
  const logger = deps.logger.child({ component: 'push' });
  const repo = new PushRepository(deps.db);
  const targets = new WriteTargets(deps.db, new EventsRepository(deps.db));
  const meetings = new MeetingActivitySync(deps.activities);
  const settler = new PushSettler({
    db: deps.db,
    clock: deps.clock,
    logger,
    repo,
    meetings,
    reminders: deps.reminders,
  });
  const changes = new LocalEventChanges({
    queue: deps.queue,
    activities: deps.activities,
    meetings,
    reminders: deps.reminders,
  });
  return {
    eventsWrite: new EventsWriteService({
      db: deps.db,
      queue: deps.queue,
      clock: deps.clock,
      targets,
      changes,
      series: new SeriesWrites({ changes, activities: deps.activities }),
      activities: deps.activities,
    }),
    eventPusher: new EventPusher({
      logger,
      repo,
      writes: new GoogleEventWrites(deps.calendarApi),
      settler,
    }),
    pushRecovery: new PushRecovery({ repo, queue: deps.queue, clock: deps.clock, logger }),
    availability: new AvailabilityService({ api: deps.calendarApi, targets }),
    reminderDefaults: new ReminderDefaultsService(deps.db),
  };
}
