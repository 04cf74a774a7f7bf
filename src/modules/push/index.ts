import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import { CalendarsRepository } from '../calendars/index.js';
import { ConnectionRepository } from '../connections/index.js';
import type { ActivityService } from '../crm/index.js';
import type { Db } from '../../adapters/db/database.js';
import type { CalendarApi } from '../../adapters/google/calendar-api.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import { EventsWriteService } from './events-write.service.js';
import { EventsRepository } from '../events/index.js';
import { EventPusher } from './event-pusher.js';
import { GoogleEventWrites } from './google-writes.js';
import { LocalEventChanges } from './local-changes.js';
import { MeetingActivitySync } from './meeting-activity.js';
import { PushRecovery } from './push-recovery.js';
import { PushSettler, type ReminderScheduler } from './push-settle.js';
import { PushRepository } from '../events/index.js';
import { ReminderDefaultsService } from '../users/index.js';
import { SeriesWrites } from './series-writes.js';
import { WriteTargets } from './write-targets.js';

export { EventPusher } from './event-pusher.js';

/** The CRM -> Google side of sync, as the app's Services expose it. */
export interface PushSyncServices {
  /** Create, change, delete and RSVP from the CRM (local change + push job in one transaction). */
  eventsWrite: EventsWriteService;
  /** Pushes one event's current state to Google (the `event.push` job). */
  eventPusher: EventPusher;
  /** Re-enqueues pending pushes after a reconnect and in the periodic sweep. */
  pushRecovery: PushRecovery;
  /** The connection and calendar a write (or a free/busy query) goes to. */
  writeTargets: WriteTargets;
  /** The user's default reminders for new events. */
  reminderDefaults: ReminderDefaultsService;
}

interface PushSyncDeps {
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
  const calendars = new CalendarsRepository(deps.db);
  const targets = new WriteTargets(
    deps.db,
    new EventsRepository(deps.db),
    calendars,
    new ConnectionRepository(deps.db),
  );
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
    repo,
    calendars,
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
    writeTargets: targets,
    reminderDefaults: new ReminderDefaultsService(deps.db),
  };
}
export { WriteTargets } from './write-targets.js';
export { PushRecovery } from './push-recovery.js';
