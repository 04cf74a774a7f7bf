import type { ExceptionRow, SeriesRow } from './recurrence.js';
import { shapeOf } from './recurrence.js';
import { parseRecurrenceLines, RecurrenceError, type ParsedRecurrence } from './rules.js';
import { allOccurrenceStarts, firstStarts, type Shape } from './walk.js';
import { floatingToDate, floatingToInstant } from '../time.js';

/** What telling the occurrences left reads of an exception (an `events` row fits). */
type StoredException = Pick<ExceptionRow, 'status' | 'original_start_at' | 'original_start_date'>;

/**
 * Whether a series still has an occurrence: a start its rules and RDATEs give (less its EXDATEs
 * and EXRULEs) that no cancelled exception removes. A modified exception is an occurrence that
 * takes place (somewhere else). A series whose rule never ends (no COUNT or UNTIL) always has
 * occurrences left; so does one that cannot be told (lines that do not parse, a rule too long to
 * walk to its end), so that nothing is ended on a doubt.
 */
export function hasOccurrencesLeft(master: SeriesRow, exceptions: readonly StoredException[]): boolean {
  let parsed: ParsedRecurrence;
  let shape: Shape;
  try {
    parsed = parseRecurrenceLines(master.recurrence ?? []);
    shape = shapeOf(master);
  } catch (error) {
    if (error instanceof RecurrenceError) return true;
    throw error;
  }
  const cancelled = new Set<string>();
  for (const exception of exceptions) {
    if (exception.status !== 'cancelled') continue;
    const key = exception.original_start_date ?? exception.original_start_at?.getTime();
    if (key !== undefined) cancelled.add(String(key));
  }
  // Each cancelled exception and each EXDATE value removes at most one start (a DATE in EXDATE of a
  // timed series removes a whole day, an EXRULE any number): a rule with more starts than they can
  // remove has one left, without walking it to its end.
  const removable = cancelled.size + parsed.exdates.length;
  const countable =
    parsed.exrules.length === 0 && (shape.allDay || parsed.exdates.every((value) => value.kind !== 'date'));
  if (countable && parsed.rules.some((rule) => firstStarts(rule, shape, removable + 1).length > removable)) {
    return true;
  }
  const starts = allOccurrenceStarts(parsed, shape);
  if (starts === null) return true;
  // Exceptions are matched by original start, as expandSeries matches them.
  const keyOf = (floating: Date) =>
    shape.allDay ? floatingToDate(floating) : String(floatingToInstant(floating, shape.zone).getTime());
  return starts.some((start) => !cancelled.has(keyOf(start)));
}
