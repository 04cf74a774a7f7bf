import type { calendar_v3 } from '@googleapis/calendar';
import { DateTime } from 'luxon';
import type { ModelEvent, Person, RecordName, Reminders, SeriesRule, Timing } from '../model.js';
import type { World } from '../world.js';
import { rruleLine, wallClock, type EventSpec, type FieldChange, type ReminderSpec } from './base.js';

/** Request bodies of the CRM API and of Google's events resource, built from the commands' specs. */

export function crmReminders(spec: Exclude<ReminderSpec, 'omit'>): unknown {
  return spec === 'useDefault' ? { use_default: true } : spec.map((o) => ({ ...o }));
}

/** `start`/`end` of a CRM body: dates, instants, or wall-clock times in the zone named next to them. */
export type TimeStyle = 'instant' | 'wallClock' | 'alias';

export function crmTimes(timing: Timing, style: TimeStyle): Record<string, unknown> {
  if (timing.allDay) return { all_day: true, start: timing.start, end: timing.end };
  if (style === 'instant') return { start: timing.start, end: timing.end };
  // The original spec's names for the same fields.
  if (style === 'alias') return { start_time: timing.start, end_time: timing.end };
  return { start: wallClock(timing.start, timing.zone), end: wallClock(timing.end, timing.zone) };
}

export function crmCreateBody(
  world: World,
  title: string,
  spec: EventSpec,
  timing: Timing,
  attendees: EventSpec['attendees'],
  style: TimeStyle,
): Record<string, unknown> {
  const body: Record<string, unknown> = { title, ...crmTimes(timing, style) };
  // The zone is named when the spec names one; a wall-clock time without it is read in the calendar's.
  if (spec.timing.zone !== null) body.time_zone = spec.timing.zone;
  if (spec.description !== null) body.description = spec.description;
  if (spec.location !== null) body.location = spec.location;
  if (attendees.length > 0) {
    body.attendees = attendees.map((a) =>
      a.optional ? { email: world.emailOf(a.who), optional: true } : world.emailOf(a.who),
    );
  }
  if (spec.reminders !== 'omit') body.reminders = crmReminders(spec.reminders);
  if (spec.series !== null) body.recurrence = [rruleLine(spec.series)];
  if (spec.conference) body.conference = true;
  if (spec.link !== null) {
    const record = world.records[spec.link];
    body.entity_type = record.type;
    body.entity_id = record.id;
  }
  return body;
}

export function crmLinkBody(world: World, record: RecordName | null): Record<string, unknown> {
  if (record === null) return { entity_type: null, entity_id: null };
  return { entity_type: world.records[record].type, entity_id: world.records[record].id };
}

/** Google's EventDateTime of a bound: a date, or the instant with its offset in the zone (and the zone). */
export function googleTime(
  value: string,
  timing: Timing,
  withZone: boolean,
): calendar_v3.Schema$EventDateTime {
  if (timing.allDay) return { date: value };
  const dateTime = DateTime.fromISO(value, { zone: timing.zone }).toISO() ?? value;
  return withZone ? { dateTime, timeZone: timing.zone } : { dateTime };
}

/** The same, as a patch: the other kind's fields are cleared (a patch merges objects). */
export function googleTimePatch(value: string, timing: Timing): calendar_v3.Schema$EventDateTime {
  if (timing.allDay) return { date: value, dateTime: null, timeZone: null };
  return { ...googleTime(value, timing, true), date: null };
}

export function googleReminders(reminders: Reminders): NonNullable<calendar_v3.Schema$Event['reminders']> {
  return reminders.useDefault
    ? { useDefault: true }
    : { useDefault: false, overrides: reminders.overrides.map((o) => ({ ...o })) };
}

export function googleAttendees(
  world: World,
  attendees: readonly { who: Person; optional: boolean }[],
): calendar_v3.Schema$EventAttendee[] {
  return attendees.map((a) => ({ email: world.emailOf(a.who), ...(a.optional ? { optional: true } : {}) }));
}

export function rruleLines(rule: SeriesRule): string[] {
  return [rruleLine(rule)];
}

export function googleRrule(rule: SeriesRule): string {
  return rruleLine(rule);
}

/** UNTIL just before occurrence `timing` (RFC 5545: UTC for timed series, a date for all-day ones). */
export function untilBefore(timing: Timing): string {
  if (timing.allDay) {
    return (DateTime.fromISO(timing.start, { zone: 'UTC' }).minus({ days: 1 }).toISODate() ?? '').replaceAll(
      '-',
      '',
    );
  }
  const before = new Date(Date.parse(timing.start) - 1000).toISOString();
  return `${before.slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** The series' lines ended before an occurrence: COUNT/UNTIL of each RRULE replaced by that UNTIL. */
export function endedRecurrence(lines: readonly string[], until: string): string[] {
  return lines.map((line) => {
    if (!line.toUpperCase().startsWith('RRULE:')) return line;
    const parts = line
      .slice(6)
      .split(';')
      .filter((p) => !/^(COUNT|UNTIL)=/i.test(p));
    return `RRULE:${[...parts, `UNTIL=${until}`].join(';')}`;
  });
}

/** Google's patch body of one field change made by the organizer in Google. */
export function googlePatchOf(
  e: ModelEvent,
  change: FieldChange,
  next: Timing,
  current: calendar_v3.Schema$Event,
  world: World,
  removed: Person | undefined,
): calendar_v3.Schema$Event {
  switch (change.kind) {
    case 'title':
      return { summary: e.title };
    case 'description':
      return { description: change.value };
    case 'location':
      return { location: change.value };
    case 'move':
    case 'allDay':
    case 'zone':
      return { start: googleTimePatch(next.start, next), end: googleTimePatch(next.end, next) };
    case 'reminders':
      return { reminders: googleReminders(e.reminders) };
    case 'addAttendee':
      return {
        attendees: [
          ...(current.attendees ?? []),
          { email: world.emailOf(change.who), ...(change.optional ? { optional: true } : {}) },
        ],
      };
    case 'removeAttendee': {
      const email = removed === undefined ? '' : world.emailOf(removed).toLowerCase();
      return { attendees: (current.attendees ?? []).filter((a) => a.email?.toLowerCase() !== email) };
    }
    case 'recurrence':
      // A recurring timed event needs its zone named (an event made with an offset only has none).
      return {
        recurrence: e.series === null ? [] : [rruleLine(e.series)],
        ...(e.series !== null && !next.allDay
          ? { start: googleTimePatch(next.start, next), end: googleTimePatch(next.end, next) }
          : {}),
      };
    case 'conference':
      // Google's patch semantics: null removes the conference (the client's typings omit null).
      return change.on
        ? { conferenceData: meetRequest() }
        : ({ conferenceData: null } as unknown as calendar_v3.Schema$Event);
  }
}

/** A Meet conference request (sent with conferenceDataVersion=1). */
export function meetRequest(): calendar_v3.Schema$ConferenceData {
  return {
    createRequest: {
      requestId: `model-${Math.random().toString(36).slice(2)}`,
      conferenceSolutionKey: { type: 'hangoutsMeet' },
    },
  };
}
