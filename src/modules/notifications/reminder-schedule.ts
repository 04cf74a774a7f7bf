import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { CalendarsRepository } from '../calendars/index.js';
import type { EventRow } from '../events/index.js';
import { eventLookupsRepository, eventZone } from '../events/index.js';
import { expandSeries, RecurrenceError } from '../../kernel/recurrence/recurrence.js';
import {
  dayOccurrence,
  declinedBySelf,
  popupMinutesOf,
  remindersOf,
  singleOccurrence,
  usesDefaults,
  type CalendarDefaults,
  type Occurrence,
  type WantedReminder,
  type ReminderPayload,
  REMINDER_HORIZON_MS,
} from './reminder-times.js';

export type { ReminderPayload } from './reminder-times.js';

/** A reminder computed slightly in the past (an event created right at reminder time) still fires. */
const NEW_REMINDER_GRACE_MS = 60_000;
/** New reminder rows per INSERT (6 parameters each, well under PostgreSQL's 65,535). */
const INSERT_CHUNK = 1000;

/**
 * The CRM's own reminder notifications: one `notifications` row per (event, fire time) for each
 * popup reminder of an event (its overrides, or its calendar's default reminders with useDefault).
 * Recurring series get rows for the occurrences whose reminders fall within the horizon; an hourly
 * job moves the horizon forward. Rows are (re)computed whenever an event row changes.
 */
export class ReminderScheduleService {
  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      /** The calendars' default reminders (src/modules/calendars owns them). */
      calendars: Pick<CalendarsRepository, 'defaultReminders'>;
    },
  ) {}

  /** Recomputes the unfired reminders of `row` (and of its series, for an occurrence). */
  async scheduleForEvent(trx: Transaction<Database>, row: EventRow): Promise<void> {
    if (row.recurring_event_id === null) {
      await this.scheduleOne(trx, row, row.id);
      return;
    }
    const master = await eventLookupsRepository.rowByGoogleId(trx, row.calendar_id, row.recurring_event_id);
    await this.scheduleOne(trx, row, master === undefined ? row.id : `${master.id}:${row.google_event_id}`);
    // The series skips occurrences that have their own row: its reminders change too.
    if (master !== undefined) await this.scheduleOne(trx, master, master.id);
  }

  /**
   * `scheduleForEvent` for many rows (a page of a pull) with a fixed number of statements for the
   * single events among them: one read of their calendars' defaults, one delete of the reminders no
   * longer wanted, one insert per 1,000 new ones. Series and their occurrences go one by one.
   */
  async scheduleForEvents(trx: Transaction<Database>, rows: readonly EventRow[]): Promise<void> {
    const singles: EventRow[] = [];
    for (const row of rows) {
      if (row.recurring_event_id === null && row.recurrence === null) singles.push(row);
      else await this.scheduleForEvent(trx, row);
    }
    if (singles.length === 0) return;
    const now = this.deps.clock.now();
    const defaults = await this.calendarDefaults(trx, singles);
    const wanted = singles.flatMap((row) =>
      row.deleted_at === null && row.status !== 'cancelled'
        ? this.wantedOnce(row, now, row.id, popupMinutesOf(row, defaults.get(row.calendar_id))).map((w) => ({
            row,
            ...w,
          }))
        : [],
    );
    // Unfired reminders no longer wanted go; fired ones stay (history, and they never fire twice).
    const keep = JSON.stringify(wanted.map((w) => ({ event_id: w.row.id, fire_at: w.fireAt.toISOString() })));
    await trx
      .deleteFrom('notifications')
      .where(
        'event_id',
        'in',
        singles.map((row) => row.id),
      )
      .where('fired_at', 'is', null)
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(${keep}::jsonb) AS w(event_id uuid, fire_at timestamptz) WHERE w.event_id = notifications.event_id AND w.fire_at = notifications.fire_at)`,
      )
      .execute();
    const fresh = wanted.filter((w) => w.fireAt.getTime() >= now.getTime() - NEW_REMINDER_GRACE_MS);
    for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
      await this.insertReminders(
        trx,
        fresh.slice(i, i + INSERT_CHUNK).map((w) => ({ row: w.row, fireAt: w.fireAt, payload: w.payload })),
      );
    }
  }

  /** Deletes the event's reminders that have not fired yet; fired ones stay (history). */
  async dropUnfired(trx: Transaction<Database>, eventId: string): Promise<void> {
    await trx
      .deleteFrom('notifications')
      .where('event_id', '=', eventId)
      .where('fired_at', 'is', null)
      .execute();
  }

  private async scheduleOne(trx: Transaction<Database>, row: EventRow, itemId: string): Promise<void> {
    const now = this.deps.clock.now();
    const live = row.deleted_at === null && row.status !== 'cancelled';
    const wanted = live ? await this.wanted(trx, row, now, itemId) : [];
    const times = [...new Set(wanted.map((w) => w.fireAt.getTime()))].map((ms) => new Date(ms));
    // Unfired reminders no longer wanted go; fired ones stay (history, and they never fire twice).
    let stale = trx.deleteFrom('notifications').where('event_id', '=', row.id).where('fired_at', 'is', null);
    if (times.length > 0) stale = stale.where('fire_at', 'not in', times);
    await stale.execute();

    const fresh = wanted.filter((w) => w.fireAt.getTime() >= now.getTime() - NEW_REMINDER_GRACE_MS);
    await this.insertReminders(
      trx,
      fresh.map((w) => ({ row, fireAt: w.fireAt, payload: w.payload })),
    );
  }

  private async insertReminders(
    trx: Transaction<Database>,
    reminders: readonly { row: EventRow; fireAt: Date; payload: ReminderPayload }[],
  ): Promise<void> {
    if (reminders.length === 0) return;
    await trx
      .insertInto('notifications')
      .values(
        reminders.map(({ row, fireAt, payload }) => ({
          tenant_id: row.tenant_id,
          user_id: row.user_id,
          event_id: row.id,
          kind: 'reminder',
          fire_at: fireAt,
          payload: JSON.stringify(payload),
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['event_id', 'kind', 'fire_at'])
          .doUpdateSet((eb) => ({ payload: eb.ref('excluded.payload') }))
          .where('notifications.fired_at', 'is', null),
      )
      .execute();
  }

  private async wanted(
    trx: Transaction<Database>,
    row: EventRow,
    now: Date,
    itemId: string,
  ): Promise<WantedReminder[]> {
    if (declinedBySelf(row)) return [];
    const minutesList = popupMinutesOf(row, await this.defaultsOf(trx, row));
    if (minutesList.length === 0) return [];
    const isSeries = row.recurrence !== null && row.recurring_event_id === null;
    const occurrences = isSeries
      ? await this.seriesOccurrences(trx, row, now, Math.max(...minutesList))
      : singleOccurrence(row, eventZone(row, null), itemId);
    return remindersOf(row, occurrences, minutesList, now, isSeries);
  }

  /** `wanted` for an event that is not part of a series, with its popup minutes already known. */
  private wantedOnce(row: EventRow, now: Date, itemId: string, minutesList: number[]): WantedReminder[] {
    if (declinedBySelf(row) || minutesList.length === 0) return [];
    return remindersOf(row, singleOccurrence(row, eventZone(row, null), itemId), minutesList, now, false);
  }

  /** The calendar's default reminders when the event uses them (`undefined` when it has its own). */
  private async defaultsOf(trx: Transaction<Database>, row: EventRow): Promise<CalendarDefaults | undefined> {
    if (!usesDefaults(row)) return undefined;
    return (await this.calendarDefaults(trx, [row])).get(row.calendar_id) ?? null;
  }

  /** Default reminders of the calendars of `rows` that use them, in one query. */
  private async calendarDefaults(
    trx: Transaction<Database>,
    rows: readonly EventRow[],
  ): Promise<Map<string, CalendarDefaults>> {
    const ids = [...new Set(rows.filter(usesDefaults).map((row) => row.calendar_id))];
    if (ids.length === 0) return new Map();
    const calendars = await this.deps.calendars.defaultReminders(trx, ids);
    return new Map(calendars.map((calendar) => [calendar.id, calendar.default_reminders]));
  }

  private async seriesOccurrences(
    trx: Transaction<Database>,
    master: EventRow,
    now: Date,
    maxMinutes: number,
  ): Promise<Occurrence[]> {
    const exceptions = await eventLookupsRepository.occurrenceRows(trx, master);
    try {
      const instances = expandSeries(master, exceptions, {
        from: now,
        to: new Date(now.getTime() + REMINDER_HORIZON_MS + maxMinutes * 60_000),
      });
      const zone = eventZone(master, null);
      // Modified occurrences have rows of their own, which schedule their own reminders.
      return instances
        .filter((instance) => instance.exception === null)
        .map((instance) => {
          const itemId = `${master.id}:${instance.id}`;
          if (instance.allDay && instance.startDate !== null && instance.endDate !== null) {
            return dayOccurrence(itemId, instance.startDate, instance.endDate, zone);
          }
          const startAt = instance.startAt as Date;
          const endAt = instance.endAt as Date;
          return {
            itemId,
            allDay: false,
            startAt,
            endAt,
            start: startAt.toISOString(),
            end: endAt.toISOString(),
          };
        });
    } catch (error) {
      if (!(error instanceof RecurrenceError)) throw error;
      this.deps.logger.warn({ eventId: master.id, err: error }, 'Cannot expand series for reminders');
      return [];
    }
  }
}
