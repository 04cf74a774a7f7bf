import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database, EventRow } from '../db/schema.js';
import { eventZone } from '../sync/push/event-fields.js';
import type { ReminderScheduler } from '../sync/push/push-settle.js';
import { expandSeries, RecurrenceError } from '../sync/recurrence.js';
import { dateStartInstant } from '../sync/time.js';
import '../sync/push/push.schema.js';

/**
 * The CRM's own reminder notifications: one `notifications` row per (event, fire time) for each
 * popup reminder of an event (its overrides, or its calendar's default reminders with useDefault).
 * Recurring series get rows for the occurrences whose reminders fall within the horizon; an hourly
 * job moves the horizon forward. Rows are (re)computed whenever an event row changes.
 */

/** How far ahead reminders of recurring series are materialized. */
export const REMINDER_HORIZON_MS = 7 * 86_400_000;
/** A reminder computed slightly in the past (an event created right at reminder time) still fires. */
const NEW_REMINDER_GRACE_MS = 60_000;
/** Google's popup default for a calendar that reports none we know of. */
const FALLBACK_POPUP_MINUTES = [10];

/** What a reminder notification carries (stored as `payload`; sent to the page and the webhook). */
export interface ReminderPayload {
  event_id: string;
  /** The occurrence's API id for a series (`<series id>:<occurrence Google id>`), else the event id. */
  item_id: string;
  title: string | null;
  all_day: boolean;
  /** ISO instant, or 'YYYY-MM-DD' for all-day events. */
  start: string;
  end: string;
  /** When the occurrence ends: a reminder claimed after this is skipped. */
  ends_at: string;
  minutes_before: number;
  time_zone: string;
  location: string | null;
  meet_link: string | null;
  html_link: string | null;
}

interface Occurrence {
  itemId: string;
  allDay: boolean;
  startAt: Date;
  endAt: Date;
  start: string;
  end: string;
}

export class ReminderScheduleService implements ReminderScheduler {
  constructor(private readonly deps: { clock: Clock; logger: Logger }) {}

  /** Recomputes the unfired reminders of `row` (and of its series, for an occurrence). */
  async scheduleForEvent(trx: Transaction<Database>, row: EventRow): Promise<void> {
    if (row.recurring_event_id === null) {
      await this.scheduleOne(trx, row, row.id);
      return;
    }
    const master = await trx
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', row.calendar_id)
      .where('google_event_id', '=', row.recurring_event_id)
      .executeTakeFirst();
    await this.scheduleOne(trx, row, master === undefined ? row.id : `${master.id}:${row.google_event_id}`);
    // The series skips occurrences that have their own row: its reminders change too.
    if (master !== undefined) await this.scheduleOne(trx, master, master.id);
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
    if (fresh.length === 0) return;
    await trx
      .insertInto('notifications')
      .values(
        fresh.map((w) => ({
          tenant_id: row.tenant_id,
          user_id: row.user_id,
          event_id: row.id,
          kind: 'reminder',
          fire_at: w.fireAt,
          payload: JSON.stringify(w.payload),
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
  ): Promise<{ fireAt: Date; payload: ReminderPayload }[]> {
    // Google does not remind people of invitations they declined.
    if ((row.attendees ?? []).some((a) => a.self === true && a.status === 'declined')) return [];
    const minutesList = await this.popupMinutes(trx, row);
    if (minutesList.length === 0) return [];
    const zone = eventZone(row, null);
    const isSeries = row.recurrence !== null && row.recurring_event_id === null;
    const occurrences = isSeries
      ? await this.seriesOccurrences(trx, row, now, Math.max(...minutesList))
      : singleOccurrence(row, zone, itemId);
    const horizon = now.getTime() + REMINDER_HORIZON_MS;
    const result: { fireAt: Date; payload: ReminderPayload }[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.endAt.getTime() <= now.getTime()) continue;
      for (const minutes of minutesList) {
        const fireAt = new Date(occurrence.startAt.getTime() - minutes * 60_000);
        if (isSeries && fireAt.getTime() > horizon) continue;
        result.push({
          fireAt,
          payload: {
            event_id: row.id,
            item_id: occurrence.itemId,
            title: row.title,
            all_day: occurrence.allDay,
            start: occurrence.start,
            end: occurrence.end,
            ends_at: occurrence.endAt.toISOString(),
            minutes_before: minutes,
            time_zone: zone,
            location: row.location,
            meet_link: row.meet_link,
            html_link: row.html_link,
          },
        });
      }
    }
    return result;
  }

  /** Popup minutes of the event: its overrides, or its calendar's defaults with useDefault. */
  private async popupMinutes(trx: Transaction<Database>, row: EventRow): Promise<number[]> {
    const reminders = row.reminders;
    if (reminders !== null && !reminders.use_default) {
      return [...new Set(reminders.overrides.filter((r) => r.method === 'popup').map((r) => r.minutes))];
    }
    const calendar = await trx
      .selectFrom('calendars')
      .select('default_reminders')
      .where('id', '=', row.calendar_id)
      .executeTakeFirst();
    const defaults = calendar?.default_reminders;
    if (defaults === null || defaults === undefined) return FALLBACK_POPUP_MINUTES;
    return [...new Set(defaults.filter((r) => r.method === 'popup').map((r) => r.minutes))];
  }

  private async seriesOccurrences(
    trx: Transaction<Database>,
    master: EventRow,
    now: Date,
    maxMinutes: number,
  ): Promise<Occurrence[]> {
    const exceptions = await trx
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', master.calendar_id)
      .where('recurring_event_id', '=', master.google_event_id)
      .execute();
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

function dayOccurrence(itemId: string, startDate: string, endDate: string, zone: string): Occurrence {
  return {
    itemId,
    allDay: true,
    startAt: dateStartInstant(startDate, zone),
    endAt: dateStartInstant(endDate, zone),
    start: startDate,
    end: endDate,
  };
}

function singleOccurrence(row: EventRow, zone: string, itemId: string): Occurrence[] {
  if (row.all_day) {
    if (row.start_date === null || row.end_date === null) return [];
    return [dayOccurrence(itemId, row.start_date, row.end_date, zone)];
  }
  if (row.start_at === null || row.end_at === null) return [];
  return [
    {
      itemId,
      allDay: false,
      startAt: row.start_at,
      endAt: row.end_at,
      start: row.start_at.toISOString(),
      end: row.end_at.toISOString(),
    },
  ];
}
