import type { Db } from '../../adapters/db/database.js';
import type { EventRow } from '../events/index.js';
import type { ReminderScheduleService } from './reminder-schedule.js';

const PAGE = 200;

/** Reads series masters page by page (the events module's repository). */
type SeriesPager = (after: string, limit: number) => Promise<EventRow[]>;

/**
 * Moves the reminder horizon of recurring series forward: reminders are kept for the occurrences
 * of the next REMINDER_HORIZON_MS, so every series is rescheduled periodically (hourly job).
 */
export class ReminderHorizon {
  constructor(
    private readonly deps: {
      db: Db;
      series: SeriesPager;
      schedule: Pick<ReminderScheduleService, 'scheduleForEvent'>;
    },
  ) {}

  /** Reschedules every live series' reminders; returns how many series it walked. */
  async advance(): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let walked = 0;
    for (;;) {
      const series = await this.deps.series(after, PAGE);
      for (const row of series) {
        await this.deps.db.transaction().execute((trx) => this.deps.schedule.scheduleForEvent(trx, row));
      }
      walked += series.length;
      const last = series.at(-1);
      if (last === undefined || series.length < PAGE) return walked;
      after = last.id;
    }
  }
}
