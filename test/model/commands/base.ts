import type { AsyncCommand } from 'fast-check';
import { DateTime } from 'luxon';
import {
  isCrmUser,
  liveEvents,
  type CrmUserName,
  type Model,
  type ModelEvent,
  type Person,
  type RecordName,
  type Reminders,
  type ResponseStatus,
  type SeriesRule,
  type Timing,
} from '../model.js';
import type { RunStats } from '../stats.js';
import type { World } from '../world.js';

/** What every command acts on: the run's world and the counters of the whole test or soak. */
export interface Real {
  world: World;
  stats: RunStats;
}

/**
 * A command of the model-based test. `check` looks at the model only; `run` acts on the real
 * system, asserts what it answered, and updates the model. Targets are chosen with `pick` among
 * the model's candidates when the command runs, so a shrunk sequence still finds one.
 */
export abstract class ModelCommand implements AsyncCommand<Model, Real> {
  abstract readonly name: string;
  abstract check(m: Readonly<Model>): boolean;
  protected abstract act(m: Model, r: Real): Promise<void>;
  abstract toString(): string;

  async run(m: Model, r: Real): Promise<void> {
    r.stats.command(this.name);
    r.world.note(`> ${this.toString()}`);
    await this.act(m, r);
  }
}

/** The `pick`-th of `items` (modulo), or undefined when there are none. */
export function choose<T>(items: readonly T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[pick % items.length];
}

export function isActive(m: Readonly<Model>, user: Person): user is CrmUserName {
  return isCrmUser(user) && m.connection[user] === 'active';
}

/** Whether the test can see (or wait for) the event in the organizer's Google calendar. */
export function reachableInGoogle(m: Readonly<Model>, e: ModelEvent): boolean {
  return e.inGoogle || (isCrmUser(e.organizer) && m.connection[e.organizer] === 'active');
}

/** Events a command may target; `extra` narrows further. */
export function targets(m: Readonly<Model>, extra: (e: ModelEvent) => boolean): ModelEvent[] {
  return liveEvents(m as Model).filter(extra);
}

/* ---------- What the generators produce ---------- */

export const EVENT_ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Sydney',
  'UTC',
] as const;

export interface TimingSpec {
  /** 'soon': the coming weeks; 'dst': the weeks around next spring's DST changes. */
  base: 'soon' | 'dst';
  dayOffset: number;
  hour: number;
  minute: number;
  durationMinutes: number;
  allDay: boolean;
  allDayDays: number;
  /** null: the organizer's calendar zone (the CRM's and Google's default). */
  zone: string | null;
}

export type ReminderSpec = 'omit' | 'useDefault' | Reminders['overrides'];

export interface EventSpec {
  word: string;
  description: string | null;
  location: string | null;
  timing: TimingSpec;
  attendees: { who: Person; optional: boolean }[];
  reminders: ReminderSpec;
  series: SeriesRule | null;
  link: RecordName | null;
  /** Ask for a Meet link. */
  conference: boolean;
}

export type FieldChange =
  | { kind: 'title'; word: string }
  | { kind: 'description'; value: string | null }
  | { kind: 'location'; value: string | null }
  | { kind: 'move'; days: number; minutes: number }
  | { kind: 'allDay'; hour: number }
  | { kind: 'zone'; zone: string }
  | { kind: 'reminders'; value: Exclude<ReminderSpec, 'omit'> }
  | { kind: 'addAttendee'; who: Person; optional: boolean }
  | { kind: 'removeAttendee'; pick: number }
  /** A new rule for the whole series (null: a single event again), or a single event made recurring. */
  | { kind: 'recurrence'; rule: SeriesRule | null }
  /** Add or remove the Meet link (the CRM's `conference` field). */
  | { kind: 'conference'; on: boolean };

/** Changes that touch the time of the event (or of every occurrence of a series). */
export function touchesTime(change: FieldChange): boolean {
  return (
    change.kind === 'move' ||
    change.kind === 'allDay' ||
    change.kind === 'zone' ||
    change.kind === 'recurrence'
  );
}

function nextDst(now: DateTime): DateTime {
  // Around the last Sundays of March (Europe) and the second of March (US), and early April (Sydney).
  let year = now.year;
  if (now > DateTime.utc(year, 2, 15)) year += 1;
  return DateTime.utc(year, 3, 10);
}

/** The first day of the spec's base, in UTC. */
export function baseDay(base: TimingSpec['base']): DateTime {
  const today = DateTime.utc().startOf('day');
  return base === 'soon' ? today.plus({ days: 2 }) : nextDst(today);
}

/** The window the checks compare in: every event the generators make falls inside it. */
export function comparisonWindow(): { from: Date; to: Date } {
  const today = DateTime.utc().startOf('day');
  return {
    from: today.minus({ days: 2 }).toJSDate(),
    to: nextDst(today).plus({ days: 200 }).toJSDate(),
  };
}

/** The spec's timing, resolved for an organizer whose calendar is in `calendarZone`. */
export function resolveTiming(spec: TimingSpec, calendarZone: string): Timing {
  const zone = spec.zone ?? calendarZone;
  const day = baseDay(spec.base).plus({ days: spec.dayOffset });
  if (spec.allDay) {
    const start = day.toISODate() ?? '';
    return { allDay: true, start, end: day.plus({ days: spec.allDayDays }).toISODate() ?? '', zone };
  }
  const local = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: spec.hour, minute: spec.minute },
    { zone },
  );
  const startMs = local.toMillis();
  return {
    allDay: false,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + spec.durationMinutes * 60_000).toISOString(),
    zone,
  };
}

/** Wall-clock text of an instant in a zone, without offset (`2027-03-25T09:00:00`). */
export function wallClock(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone }).toFormat("yyyy-LL-dd'T'HH:mm:ss");
}

export function reminders(spec: ReminderSpec, fallback: Reminders): Reminders {
  if (spec === 'omit') return fallback;
  if (spec === 'useDefault') return { useDefault: true, overrides: [] };
  return { useDefault: false, overrides: spec.map((o) => ({ ...o })) };
}

/** The user's default reminders, which a CRM create without reminders gets (README). */
export const CRM_DEFAULT_REMINDERS: Reminders = {
  useDefault: false,
  overrides: [
    { method: 'email', minutes: 1440 },
    { method: 'popup', minutes: 10 },
  ],
};

export function rruleLine(rule: SeriesRule): string {
  const interval = rule.interval === 1 ? '' : `;INTERVAL=${rule.interval}`;
  return `RRULE:FREQ=${rule.freq}${interval};COUNT=${rule.count}`;
}

export function titleFor(key: number, word: string): string {
  return `E${key} ${word}`;
}

/** A title change keeps the event's key (titles name the model event in failure reports). */
export function retitle(title: string, word: string): string {
  const prefix = /^E\d+/.exec(title)?.[0] ?? 'E?';
  return `${prefix} ${word}`;
}

/** Applies a time change to a timing (an all-day event moves by whole days, at least one). */
export function changedTiming(timing: Timing, change: FieldChange): Timing {
  switch (change.kind) {
    case 'move': {
      if (timing.allDay) {
        const days = change.days === 0 ? 1 : change.days;
        const shift = (d: string) => DateTime.fromISO(d, { zone: 'UTC' }).plus({ days }).toISODate() ?? d;
        return { ...timing, start: shift(timing.start), end: shift(timing.end) };
      }
      const ms = (change.days * 1440 + change.minutes) * 60_000;
      return {
        ...timing,
        start: new Date(Date.parse(timing.start) + ms).toISOString(),
        end: new Date(Date.parse(timing.end) + ms).toISOString(),
      };
    }
    case 'allDay': {
      if (timing.allDay) {
        const start = DateTime.fromISO(timing.start, { zone: timing.zone }).set({ hour: change.hour });
        return {
          ...timing,
          allDay: false,
          start: new Date(start.toMillis()).toISOString(),
          end: new Date(start.toMillis() + 3_600_000).toISOString(),
        };
      }
      const date = DateTime.fromISO(timing.start, { zone: timing.zone });
      return {
        ...timing,
        allDay: true,
        start: date.toISODate() ?? '',
        end: date.plus({ days: 1 }).toISODate() ?? '',
      };
    }
    case 'zone':
      return { ...timing, zone: change.zone };
    default:
      return timing;
  }
}

export function describeChange(change: FieldChange): string {
  switch (change.kind) {
    case 'title':
      return `title:${change.word}`;
    case 'description':
    case 'location':
      return `${change.kind}:${change.value === null ? 'cleared' : JSON.stringify(change.value)}`;
    case 'move':
      return `move:${change.days}d${change.minutes >= 0 ? '+' : ''}${change.minutes}m`;
    case 'allDay':
      return `toggle-all-day(${change.hour}h)`;
    case 'zone':
      return `zone:${change.zone}`;
    case 'reminders':
      return `reminders:${typeof change.value === 'string' ? change.value : change.value.map((o) => `${o.method}${o.minutes}`).join('+')}`;
    case 'addAttendee':
      return `+${change.who}${change.optional ? '(optional)' : ''}`;
    case 'removeAttendee':
      return `-attendee#${change.pick}`;
    case 'recurrence':
      return `recurrence:${change.rule === null ? 'none' : rruleLine(change.rule).slice(6)}`;
    case 'conference':
      return `conference:${change.on ? 'on' : 'off'}`;
  }
}

export function describeSpec(spec: EventSpec): string {
  const t = spec.timing;
  const when = t.allDay
    ? `all-day ${t.base}+${t.dayOffset}d x${t.allDayDays}`
    : `${t.base}+${t.dayOffset}d ${t.hour}:${String(t.minute).padStart(2, '0')} ${t.durationMinutes}m`;
  const parts = [
    spec.word,
    when,
    t.zone ?? 'calendar zone',
    spec.attendees.length === 0
      ? 'no attendees'
      : `with ${spec.attendees.map((a) => a.who + (a.optional ? '?' : '')).join(',')}`,
  ];
  if (spec.series !== null) parts.push(rruleLine(spec.series).slice(6));
  if (spec.link !== null) parts.push(`link ${spec.link}`);
  if (spec.conference) parts.push('Meet');
  if (spec.description !== null) parts.push('described');
  if (spec.location !== null) parts.push('located');
  if (spec.reminders !== 'omit')
    parts.push(
      `reminders ${spec.reminders === 'useDefault' ? 'default' : spec.reminders.map((o) => `${o.method}${o.minutes}`).join('+')}`,
    );
  return parts.join(', ');
}

/** A new event's answer of one of its attendees: Google has the organizer's own entry accepted. */
export function ownAnswer(who: Person, organizer: Person): ResponseStatus {
  return who === organizer ? 'accepted' : 'needsAction';
}
