import { parseEventInput } from '../../../../emulator/src/calendar/event-input.js';
import { occurrences, seriesOf } from '../../../../emulator/src/calendar/recurrence.js';
import { GoogleApiError } from '../../../../emulator/src/errors.js';
import type { StoredEvent } from '../../../../emulator/src/state/types.js';
import { EventInputError, parseCreateEventInput } from '../../event-input/event-input.js';
import { expandSeries, type SeriesRow } from '../recurrence.js';
import { validateRecurrence } from '../rules.js';
import type { CaseStart } from './cases.js';

/**
 * Test support of the agreement tests: each implementation run on the same event start and
 * recurrence lines, the way it runs in production. Only tests import this file (the service and
 * the emulator never import each other); the answers are in the table's terms so they compare.
 */

/** Google's answer to every recurrence it refuses, as emulatorOutcome words a refusal. */
export const GOOGLE_REFUSAL = '400 invalid: Invalid recurrence rule.';

/** A refusal with what the side answered, or the occurrence starts in the window. */
export type Outcome = { refused: string } | { starts: string[] };

export interface Run {
  start: CaseStart;
  recurrence: string[];
  window: { from: string; to: string };
}

/** How long the generated events last, on the wall clock. */
export const DURATION_MS = 2 * 3_600_000;
const DAY_MS = 86_400_000;

/** A wall time 'YYYY-MM-DDTHH:MM:SS' plus `ms`, still on the wall clock. */
const wallPlus = (wall: string, ms: number) =>
  new Date(new Date(`${wall}Z`).getTime() + ms).toISOString().slice(0, 19);
const nextDay = (date: string) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY_MS).toISOString().slice(0, 10);
const isoSeconds = (instant: Date) => instant.toISOString().replace(/\.000Z$/, 'Z');

/**
 * Each side is asked for a window two days wider on both ends, and only the starts inside the
 * window are kept: the comparison is of starts alone. (Which occurrences overlap a window also
 * depends on their ends, and there the two differ across DST changes: the service keeps the
 * master's wall-clock duration, the emulator its exact duration.)
 */
const widened = (window: Run['window']) => ({
  fromMs: Date.parse(window.from) - 2 * DAY_MS,
  toMs: Date.parse(window.to) + 2 * DAY_MS,
});
const startsIn = (window: Run['window'], starts: { ms: number; text: string }[]) =>
  starts
    .filter(({ ms }) => ms >= Date.parse(window.from) && ms < Date.parse(window.to))
    .map(({ text }) => text);

/**
 * The service: validateRecurrence decides what the CRM lets through to Google (its message becomes
 * the 400 invalid_recurrence); the CRM's own input parsing gives the times; expandSeries the rest.
 */
export function serviceOutcome(run: Run): Outcome {
  const error = validateRecurrence(run.recurrence);
  if (error !== null) return { refused: error };
  const { start } = run;
  const input = parseCreateEventInput(
    start.kind === 'timed'
      ? {
          title: 'Agreement',
          start: start.dateTime,
          end: wallPlus(start.dateTime, DURATION_MS),
          time_zone: start.timeZone,
        }
      : {
          title: 'Agreement',
          start: start.date,
          end: nextDay(start.date),
          all_day: true,
          time_zone: start.timeZone,
        },
    { defaultTimeZone: 'UTC' },
  );
  const master: SeriesRow = {
    google_event_id: 'agreement',
    all_day: input.allDay,
    start_at: input.startAt,
    end_at: input.endAt,
    start_date: input.startDate,
    end_date: input.endDate,
    time_zone: input.timeZone,
    recurrence: run.recurrence,
  };
  const { fromMs, toMs } = widened(run.window);
  const instances = expandSeries(master, [], { from: new Date(fromMs), to: new Date(toMs) });
  const starts = instances.map((i) =>
    i.allDay
      ? { ms: dateStartMs(i.startDate as string, input.timeZone), text: i.startDate as string }
      : { ms: (i.startAt as Date).getTime(), text: isoSeconds(i.startAt as Date) },
  );
  return { starts: startsIn(run.window, starts) };
}

/** The service's answer through the CRM API's input rules: the EventInputError code, or null when accepted. */
export function serviceApiRefusal(run: Run): string | null {
  try {
    serviceApiRecurrence(run);
    return null;
  } catch (error) {
    if (error instanceof EventInputError) return error.code;
    throw error;
  }
}

/** The recurrence lines the CRM API stores (and pushes) for the run; throws EventInputError when refused. */
export function serviceApiRecurrence(run: Run): string[] | null {
  const { start } = run;
  return parseCreateEventInput(
    start.kind === 'timed'
      ? {
          title: 'Agreement',
          start: start.dateTime,
          end: wallPlus(start.dateTime, DURATION_MS),
          time_zone: start.timeZone,
          recurrence: run.recurrence,
        }
      : {
          title: 'Agreement',
          start: start.date,
          all_day: true,
          time_zone: start.timeZone,
          recurrence: run.recurrence,
        },
    { defaultTimeZone: 'UTC' },
  ).recurrence;
}

/**
 * The emulator: its events.insert body validation (Google's 400s, as `code reason: message`), then
 * its series expansion over the window, as events.list and events.instances use it.
 */
export function emulatorOutcome(run: Run): Outcome {
  const { start } = run;
  const body =
    start.kind === 'timed'
      ? {
          start: { dateTime: start.dateTime, timeZone: start.timeZone },
          end: { dateTime: wallPlus(start.dateTime, DURATION_MS), timeZone: start.timeZone },
          recurrence: run.recurrence,
        }
      : { start: { date: start.date }, end: { date: nextDay(start.date) }, recurrence: run.recurrence };
  let input: ReturnType<typeof parseEventInput>;
  try {
    input = parseEventInput(body, start.timeZone, 'organizer@example.com');
  } catch (error) {
    if (!(error instanceof GoogleApiError)) throw error;
    return { refused: `${error.code} ${error.items[0]?.reason ?? ''}: ${error.message}` };
  }
  const person = { email: 'organizer@example.com', self: true };
  const stored: StoredEvent = {
    id: 'agreement0',
    calendarId: 'organizer@example.com',
    seq: 1,
    createdMs: 0,
    updatedMs: 0,
    startMs: input.start.ms,
    endMs: input.end.ms,
    allDay: input.start.allDay,
    organizerCalendarId: 'organizer@example.com',
    data: {
      status: 'confirmed',
      creator: person,
      organizer: person,
      start: input.start.value,
      end: input.end.value,
      ...(input.recurrence === undefined ? {} : { recurrence: input.recurrence }),
      iCalUID: 'agreement0@google.com',
      sequence: 0,
      reminders: input.reminders,
    },
  };
  const series = seriesOf(stored, start.timeZone);
  const { fromMs, toMs } = widened(run.window);
  const starts = occurrences(series, fromMs, toMs).map((ms) => {
    if (start.kind === 'timed') return { ms, text: isoSeconds(new Date(ms)) };
    const date = new Date(ms + offsetMs(ms, start.timeZone)).toISOString().slice(0, 10);
    return { ms: dateStartMs(date, start.timeZone), text: date };
  });
  return { starts: startsIn(run.window, starts) };
}

/** Midnight starting `date` in `zone` (where an all-day occurrence starts on the timeline). */
function dateStartMs(date: string, zone: string): number {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at the instant found, not at the guess: they differ when midnight is near a change.
  const guess = midnight - offsetMs(midnight, zone);
  return midnight - offsetMs(guess, zone);
}

/** Offset of `zone` from UTC at an instant, without either implementation's time code. */
function offsetMs(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - ms;
}
