import type { MeetingWhen } from './crm.types.js';

/**
 * A meeting boundary as callers hand it over: a Date or an ISO 8601 instant with an offset for
 * timed meetings, or a 'YYYY-MM-DD' date for all-day meetings (Google's `date`, end exclusive).
 */
export type MeetingTime = Date | string;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An instant must say where it is: a trailing Z or a numeric offset. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

type Boundary = { kind: 'instant'; value: Date } | { kind: 'date'; value: string };

function isValidDate(text: string): boolean {
  const match = DATE_ONLY.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function readBoundary(value: MeetingTime, name: string): Boundary | string {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? `${name} is an invalid Date` : { kind: 'instant', value };
  }
  if (DATE_ONLY.test(value)) {
    return isValidDate(value) ? { kind: 'date', value } : `${name} is not a calendar date: ${value}`;
  }
  if (INSTANT.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) return { kind: 'instant', value: instant };
  }
  return `${name} must be a 'YYYY-MM-DD' date or an ISO 8601 instant with an offset, got ${JSON.stringify(value)}`;
}

/**
 * Turns a start/end pair into a {@link MeetingWhen}. Both must be of the same kind and the end
 * must come after the start (all-day ends are exclusive, so a one-day meeting ends the next day).
 * Returns an error message instead of throwing so that callers pick their error type.
 */
export function resolveMeetingWhen(start: MeetingTime, end: MeetingTime): MeetingWhen | { error: string } {
  const from = readBoundary(start, 'start');
  if (typeof from === 'string') return { error: from };
  const to = readBoundary(end, 'end');
  if (typeof to === 'string') return { error: to };
  if (from.kind === 'instant' && to.kind === 'instant') {
    if (to.value.getTime() < from.value.getTime()) return { error: 'end must not be before start' };
    return { allDay: false, start: from.value, end: to.value };
  }
  if (from.kind === 'date' && to.kind === 'date') {
    if (to.value <= from.value)
      return { error: 'an all-day end date (exclusive) must be after the start date' };
    return { allDay: true, start: from.value, end: to.value };
  }
  return { error: 'start and end must both be instants or both be dates' };
}
