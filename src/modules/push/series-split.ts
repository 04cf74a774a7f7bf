import type { EventRow } from '../events/index.js';
import type { EventTiming } from '../../kernel/event-input/event-input.js';
import { expandSeries, splitDateLine, type Instance } from '../../kernel/recurrence/recurrence.js';
import {
  addDays,
  daysBetween,
  floatingToInstant,
  formatDateCompact,
  formatUtcCompact,
  instantToDate,
  instantToFloating,
} from '../../kernel/time.js';

/**
 * Recurrence arithmetic of the recurring scopes: ending a series before an occurrence ("this and
 * following" splits a series in two, as Google Calendar's own UI does) and moving a whole series
 * when one of its occurrences is moved with scope "all".
 */

const DAY_MS = 86_400_000;

function ruleParts(line: string): { name: string; parts: string[] } {
  const colon = line.indexOf(':');
  return { name: line.slice(0, colon).toUpperCase(), parts: line.slice(colon + 1).split(';') };
}

function withoutBounds(parts: string[]): string[] {
  return parts.filter((part) => !/^(UNTIL|COUNT)=/i.test(part));
}

/** The UNTIL that ends a series just before `instance` (RFC 5545: UTC for timed series). */
function untilBefore(instance: Instance): string {
  if (instance.originalStartDate !== null) return formatDateCompact(addDays(instance.originalStartDate, -1));
  const start = instance.originalStartAt as Date;
  return formatUtcCompact(new Date(start.getTime() - 1000));
}

/**
 * The series' lines, ended before `instance`: an RRULE with a COUNT gets the count of its
 * occurrences before it (so the series keeps that many when it is moved later), any other RRULE
 * an UNTIL; RDATE and EXDATE lines keep only their dates before it (later ones belong to no
 * occurrence left).
 */
export function truncateRecurrence(master: EventRow, instance: Instance): string[] {
  const until = untilBefore(instance);
  const splitAt = instance.originalStartAt ?? new Date(`${instance.originalStartDate ?? ''}T00:00:00Z`);
  return (master.recurrence ?? []).flatMap((line) => {
    const dates = splitDateLine(master, line, instance);
    if (dates !== null) return dates.before === null ? [] : [dates.before];
    const { name, parts } = ruleParts(line);
    if (name !== 'RRULE') return [line];
    if (parts.some((part) => /^COUNT=/i.test(part))) {
      const before = occurrencesBefore({ ...master, recurrence: [line] }, splitAt);
      if (before > 0) return [`RRULE:${[...withoutBounds(parts), `COUNT=${before}`].join(';')}`];
    }
    return [`RRULE:${[...withoutBounds(parts), `UNTIL=${until}`].join(';')}`];
  });
}

/**
 * The lines of the series that continues from `instance`: the same rules, with a COUNT reduced by
 * the occurrences before the split, an UNTIL kept as it was; the RDATEs and EXDATEs on or after the
 * split (the earlier ones stay with the first part).
 */
export function continuationRecurrence(master: EventRow, instance: Instance): string[] {
  const lines = master.recurrence ?? [];
  const splitAt = instance.originalStartAt ?? new Date(`${instance.originalStartDate ?? ''}T00:00:00Z`);
  const result: string[] = [];
  for (const line of lines) {
    const dates = splitDateLine(master, line, instance);
    if (dates !== null) {
      if (dates.from !== null) result.push(dates.from);
      continue;
    }
    const { name, parts } = ruleParts(line);
    const count = name === 'RRULE' ? parts.find((part) => /^COUNT=/i.test(part)) : undefined;
    if (count === undefined) {
      result.push(line);
      continue;
    }
    // RFC 5545: COUNT counts the rule's own occurrences, excluded dates included.
    const before = occurrencesBefore({ ...master, recurrence: [line] }, splitAt);
    const remaining = Math.max(1, Number(count.split('=')[1]) - before);
    result.push(`RRULE:${[...withoutBounds(parts), `COUNT=${remaining}`].join(';')}`);
  }
  return result;
}

/** How many occurrences the series has before `splitAt`. */
function occurrencesBefore(master: EventRow, splitAt: Date): number {
  const first = master.start_at ?? new Date(`${master.start_date ?? ''}T00:00:00Z`);
  const from = new Date(first.getTime() - 2 * DAY_MS);
  const to = new Date(splitAt.getTime() - 1);
  if (to <= from) return 0;
  return expandSeries(master, [], { from, to }, { maxInstances: 100_000 }).filter((instance) => {
    const start = instance.originalStartAt ?? new Date(`${instance.originalStartDate ?? ''}T00:00:00Z`);
    return start < splitAt;
  }).length;
}

/** Whether `instance` is the series' first occurrence (then "this and following" means the whole series). */
export function isFirstOccurrence(master: EventRow, instance: Instance): boolean {
  if (instance.originalStartDate !== null) return instance.originalStartDate === master.start_date;
  return instance.originalStartAt?.getTime() === master.start_at?.getTime();
}

/** The calendar date an occurrence originally started on, in `zone`. */
function originalDate(instance: Instance, zone: string): string {
  return instance.originalStartDate ?? instantToDate(instance.originalStartAt as Date, zone);
}

function shiftDays(timing: EventTiming, days: number): EventTiming {
  if (timing.allDay) {
    return {
      ...timing,
      startDate: addDays(timing.startDate as string, days),
      endDate: addDays(timing.endDate as string, days),
    };
  }
  // On the wall clock of the event's zone, so a 09:00 meeting stays at 09:00 across DST.
  const shift = (instant: Date) =>
    floatingToInstant(
      new Date(instantToFloating(instant, timing.timeZone).getTime() + days * DAY_MS),
      timing.timeZone,
    );
  return { ...timing, startAt: shift(timing.startAt as Date), endAt: shift(timing.endAt as Date) };
}

/**
 * The series' new timing when one occurrence is moved to `moved` with scope "all": the series keeps
 * its first date and takes the occurrence's new time of day, duration and kind (timed or all-day).
 */
export function seriesTimingFromOccurrence(
  master: EventRow,
  instance: Instance,
  moved: EventTiming,
): EventTiming {
  const zone = moved.timeZone;
  const masterDate = master.start_date ?? instantToDate(master.start_at as Date, zone);
  return shiftDays(moved, daysBetween(originalDate(instance, zone), masterDate));
}

/** The occurrence's current timing. */
export function occurrenceTiming(instance: Instance, timeZone: string): EventTiming {
  return {
    allDay: instance.allDay,
    startAt: instance.startAt,
    endAt: instance.endAt,
    startDate: instance.startDate,
    endDate: instance.endDate,
    timeZone,
  };
}
