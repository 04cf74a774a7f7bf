import type { EventRow } from '../events/index.js';
import { eventZone } from '../events/index.js';
import { dateStartInstant } from '../../kernel/time.js';
import { isMeetingType } from '../../kernel/event-types.js';

/**
 * When an event's popup reminders fire, and what each carries: pure functions of the event row,
 * its calendar's default reminders and the clock.
 */

/** How far ahead reminders of recurring series are materialized. */
export const REMINDER_HORIZON_MS = 7 * 86_400_000;
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

export interface Occurrence {
  itemId: string;
  allDay: boolean;
  startAt: Date;
  endAt: Date;
  start: string;
  end: string;
}

export type CalendarDefaults = { method: string; minutes: number }[] | null;

export interface WantedReminder {
  fireAt: Date;
  payload: ReminderPayload;
}

/** Google does not remind people of invitations they declined. */
export function declinedBySelf(row: EventRow): boolean {
  return (row.attendees ?? []).some((a) => a.self === true && a.status === 'declined');
}

export function usesDefaults(row: EventRow): boolean {
  return row.reminders === null || row.reminders.use_default;
}

/**
 * Popup minutes of the event: its overrides, or its calendar's defaults with useDefault. None for
 * an item that is not a meeting (out of office, focus time, working location, birthday, from Gmail).
 */
export function popupMinutesOf(row: EventRow, defaults: CalendarDefaults | undefined): number[] {
  if (!isMeetingType(row.event_type)) return [];
  const own = usesDefaults(row) ? (defaults ?? null) : (row.reminders?.overrides ?? []);
  if (own === null) return FALLBACK_POPUP_MINUTES;
  return [...new Set(own.filter((r) => r.method === 'popup').map((r) => r.minutes))];
}

/** One reminder per popup minute per occurrence still to come (series: within the horizon). */
export function remindersOf(
  row: EventRow,
  occurrences: readonly Occurrence[],
  minutesList: readonly number[],
  now: Date,
  isSeries: boolean,
): WantedReminder[] {
  const zone = eventZone(row, null);
  const horizon = now.getTime() + REMINDER_HORIZON_MS;
  const result: WantedReminder[] = [];
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

export function dayOccurrence(itemId: string, startDate: string, endDate: string, zone: string): Occurrence {
  return {
    itemId,
    allDay: true,
    startAt: dateStartInstant(startDate, zone),
    endAt: dateStartInstant(endDate, zone),
    start: startDate,
    end: endDate,
  };
}

export function singleOccurrence(row: EventRow, zone: string, itemId: string): Occurrence[] {
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
