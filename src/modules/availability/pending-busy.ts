import type { Owner } from '../../kernel/refs.js';
import type { Interval } from '../../kernel/availability-slots.js';
import { blocksTime } from '../../kernel/event-types.js';
import { expandSeries, RecurrenceError } from '../../kernel/recurrence/recurrence.js';
import { dateStartInstant } from '../../kernel/time.js';
import { eventZone, type EventRow, type EventsRepository } from '../events/index.js';

/**
 * Busy time Google's free/busy cannot know yet: the user's own events the CRM changed and has not
 * pushed (a meeting just scheduled, moved or made busy while Google is slow or down). An event
 * counts as Google counts it: opaque, not an item that never blocks time (working location,
 * birthday; src/kernel/event-types.ts), not declined by the user. Until the push lands Google
 * still reports what it had, so a pending move or a change to free leaves the old time busy:
 * availability errs on the side of a slot too few, never a double booking.
 */

interface CalendarOfUser {
  id: string;
  time_zone: string | null;
}

function counts(row: EventRow): boolean {
  if (!blocksTime(row.event_type, row.transparency)) return false;
  return !(row.attendees ?? []).some((a) => a.self === true && a.status === 'declined');
}

function spanOf(
  times: Pick<EventRow, 'all_day' | 'start_at' | 'end_at' | 'start_date' | 'end_date'>,
  zone: string,
): Interval | null {
  if (times.all_day) {
    if (times.start_date === null || times.end_date === null) return null;
    return { start: dateStartInstant(times.start_date, zone), end: dateStartInstant(times.end_date, zone) };
  }
  if (times.start_at === null || times.end_at === null) return null;
  return { start: times.start_at, end: times.end_at };
}

/** The busy intervals of the calendar's pending CRM changes within `range`, clipped to it. */
export async function pendingBusy(
  events: EventsRepository,
  owner: Owner,
  calendar: CalendarOfUser,
  range: Interval,
): Promise<Interval[]> {
  const rows = await events.pendingEvents(owner, calendar.id, range.start, range.end);
  const spans: Interval[] = [];
  for (const row of rows) {
    if (!counts(row)) continue;
    const zone = eventZone(row, calendar.time_zone);
    if (row.recurrence === null || row.recurring_event_id !== null) {
      const span = spanOf(row, zone);
      if (span !== null) spans.push(span);
      continue;
    }
    let instances;
    try {
      instances = expandSeries(row, await events.listExceptions(owner, [row]), {
        from: range.start,
        to: range.end,
        timeZone: zone,
      });
    } catch (error) {
      // A series whose rule cannot be read has no times to count (the listing leaves it out too).
      if (error instanceof RecurrenceError) continue;
      throw error;
    }
    for (const instance of instances) {
      const span = spanOf(
        {
          all_day: instance.allDay,
          start_at: instance.startAt,
          end_at: instance.endAt,
          start_date: instance.startDate,
          end_date: instance.endDate,
        },
        zone,
      );
      if (span !== null) spans.push(span);
    }
  }
  return spans.flatMap((span) => {
    const start = span.start > range.start ? span.start : range.start;
    const end = span.end < range.end ? span.end : range.end;
    return end > start ? [{ start, end }] : [];
  });
}
