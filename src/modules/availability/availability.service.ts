import { z } from 'zod';
import type { Owner } from '../../kernel/refs.js';
import { AppError } from '../../kernel/errors.js';
import type { CalendarApi } from '../../adapters/google/calendar-api.js';
import {
  alignedSlots,
  freeWindows,
  intersect,
  mergeIntervals,
  workingWindows,
  type Interval,
} from '../../kernel/availability-slots.js';
import { EventInputError, parseBound } from '../../kernel/event-input/timing.js';
import type { WriteTargets } from '../push/index.js';
import type { EventsRepository } from '../events/index.js';
import { pendingBusy } from './pending-busy.js';
import { dateStartInstant, isValidTimeZone } from '../../kernel/time.js';
import { isInQueryWindow, SUPPORTED_YEARS } from '../../kernel/time-range.js';

/** Google's freeBusy takes at most 50 calendars per query (the user's own is one of them). */
const MAX_AVAILABILITY_ATTENDEES = 49;
/** Longest range asked at once. */
const MAX_AVAILABILITY_DAYS = 62;
const MAX_SLOTS = 500;
const DAY_MS = 86_400_000;

export const availabilityBodySchema = z.strictObject({
  attendees: z.array(z.string()).default([]).describe('Emails whose free/busy Google is asked for'),
  start: z.string().describe('ISO 8601; without an offset, wall-clock time in time_zone'),
  end: z.string(),
  duration_minutes: z.number().describe('Length of the meeting, 5..1440'),
  time_zone: z.string().optional().describe("IANA zone; default: the user's primary calendar zone"),
  slot_minutes: z.number().optional().describe('Grid the slots start on (default 15)'),
  working_hours: z
    .strictObject({
      start: z.string().describe('HH:MM'),
      end: z.string().describe('HH:MM'),
      days: z.array(z.number()).optional().describe('ISO weekdays, 1 = Monday (default 1-5)'),
    })
    .optional(),
});
type AvailabilityBody = z.infer<typeof availabilityBodySchema>;

class AvailabilityInputError extends AppError {
  constructor(
    readonly code: string,
    field: string,
    message: string,
  ) {
    super(message, { field });
  }
}

interface AvailabilityResult {
  timeZone: string;
  start: Date;
  end: Date;
  durationMinutes: number;
  calendars: { id: string; busy: Interval[] }[];
  /** Calendars Google could not answer for (no access, unknown address...), with its reason. */
  unknown: { id: string; reason: string }[];
  free: Interval[];
  slots: Interval[];
  truncated: boolean;
}

function minutesOf(value: string, field: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  const minutes = m === null ? NaN : Number(m[1]) * 60 + Number(m[2]);
  if (!(minutes >= 0 && minutes <= 24 * 60) || Number(m?.[2]) > 59) {
    throw new AvailabilityInputError('invalid_working_hours', field, `${field} must be HH:MM (00:00-24:00)`);
  }
  return minutes;
}

function boundInstant(value: string, zone: string, field: string): Date {
  const bound = parseBound(value, zone, field);
  return bound.kind === 'instant' ? bound.instant : dateStartInstant(bound.date, zone);
}

/**
 * Free meeting slots for the user and attendees, from Google's free/busy (which counts opaque
 * events only: a meeting marked free, a working location or a birthday is not busy time), plus
 * the user's own CRM changes Google does not have yet (pending-busy.ts).
 */
export class AvailabilityService {
  constructor(private readonly deps: { api: CalendarApi; targets: WriteTargets; events: EventsRepository }) {}

  async find(owner: Owner, body: AvailabilityBody): Promise<AvailabilityResult> {
    const connection = await this.deps.targets.activeConnection(owner);
    const primary = await this.deps.targets.primaryCalendar(owner, connection.id);
    const zone = body.time_zone ?? primary?.time_zone ?? 'UTC';
    if (!isValidTimeZone(zone)) {
      throw new EventInputError('invalid_time_zone', 'time_zone', `Unknown time zone '${zone}'`);
    }
    const start = boundInstant(body.start, zone, 'start');
    const end = boundInstant(body.end, zone, 'end');
    for (const [field, instant] of [
      ['start', start],
      ['end', end],
    ] as const) {
      if (!isInQueryWindow(instant)) {
        throw new EventInputError('invalid_date', field, `${field} must lie in the years ${SUPPORTED_YEARS}`);
      }
    }
    if (end <= start) throw new EventInputError('end_before_start', 'end', 'end must be after start');
    if (end.getTime() - start.getTime() > MAX_AVAILABILITY_DAYS * DAY_MS) {
      throw new AvailabilityInputError(
        'range_too_long',
        'end',
        `The range may span at most ${MAX_AVAILABILITY_DAYS} days`,
      );
    }
    const duration = body.duration_minutes;
    if (!Number.isInteger(duration) || duration < 5 || duration > 1440) {
      throw new AvailabilityInputError(
        'invalid_duration',
        'duration_minutes',
        'duration_minutes must be an integer from 5 to 1440',
      );
    }
    const step = body.slot_minutes ?? 15;
    if (!Number.isInteger(step) || step < 5 || step > 240) {
      throw new AvailabilityInputError(
        'invalid_slot_minutes',
        'slot_minutes',
        'slot_minutes must be an integer from 5 to 240',
      );
    }
    const emails = this.attendees(body.attendees, connection.google_email);
    const hours = body.working_hours;
    const working =
      hours === undefined
        ? null
        : {
            startMinute: minutesOf(hours.start, 'working_hours.start'),
            endMinute: minutesOf(hours.end, 'working_hours.end'),
            days: hours.days ?? [1, 2, 3, 4, 5],
          };
    if (
      working !== null &&
      (working.endMinute <= working.startMinute ||
        working.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    ) {
      throw new AvailabilityInputError(
        'invalid_working_hours',
        'working_hours',
        'working_hours: end after start, days from 1 (Monday) to 7',
      );
    }

    const selfId = primary?.google_calendar_id ?? 'primary';
    const ids = [selfId, ...emails];
    const { data } = await this.deps.api.call({ id: connection.id, ...owner }, (api) =>
      api.freebusy.query({
        requestBody: {
          timeMin: start.toISOString(),
          timeMax: end.toISOString(),
          timeZone: 'UTC',
          items: ids.map((id) => ({ id })),
        },
      }),
    );
    const calendars: AvailabilityResult['calendars'] = [];
    const unknown: AvailabilityResult['unknown'] = [];
    for (const id of ids) {
      const entry = data.calendars?.[id];
      const error = entry?.errors?.[0];
      if (entry === undefined || error !== undefined) {
        unknown.push({ id, reason: error?.reason ?? 'notFound' });
        continue;
      }
      const busy = (entry.busy ?? []).flatMap((b) =>
        typeof b.start === 'string' && typeof b.end === 'string'
          ? [{ start: new Date(b.start), end: new Date(b.end) }]
          : [],
      );
      if (id === selfId && primary !== undefined) {
        busy.push(...(await pendingBusy(this.deps.events, owner, primary, { start, end })));
      }
      calendars.push({ id, busy: mergeIntervals(busy) });
    }
    const busy = mergeIntervals(calendars.flatMap((c) => c.busy));
    let free = freeWindows({ start, end }, busy);
    if (working !== null) free = intersect(free, workingWindows({ start, end }, working, zone));
    const { slots, truncated } = alignedSlots(free, duration, step, zone, MAX_SLOTS);
    return {
      timeZone: zone,
      start,
      end,
      durationMinutes: duration,
      calendars,
      unknown,
      free,
      slots,
      truncated,
    };
  }

  private attendees(list: readonly string[], selfEmail: string | null): string[] {
    const seen = new Set<string>();
    list.forEach((raw, index) => {
      const email = raw.trim().toLowerCase();
      if (!z.email().safeParse(email).success) {
        throw new EventInputError(
          'invalid_email',
          `attendees.${index}`,
          `'${raw}' is not a valid email address`,
        );
      }
      if (email !== selfEmail?.toLowerCase()) seen.add(email);
    });
    if (seen.size > MAX_AVAILABILITY_ATTENDEES) {
      throw new EventInputError(
        'too_many_attendees',
        'attendees',
        `Free/busy can be asked for at most ${MAX_AVAILABILITY_ATTENDEES} attendees at once (got ${seen.size})`,
      );
    }
    return [...seen];
  }
}
