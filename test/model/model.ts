import { DateTime } from 'luxon';

/**
 * The model of the convergence test: what the people of one run did to their meetings, reduced
 * to what must be true afterwards on both sides. It is deliberately simpler than the service: it
 * knows nothing of etags, outboxes or pulls, only of the last write to each field (the merge rule
 * of docs/ARCHITECTURE.md "Push": per field, the later change wins; attendees per person). Its
 * calendar arithmetic uses luxon, not the service's or the emulator's recurrence code.
 */

export const CRM_USERS = ['alice', 'bob', 'carol'] as const;
export type CrmUserName = (typeof CRM_USERS)[number];
/** The three CRM users of the run's tenant, and one Google user outside the CRM. */
export type Person = CrmUserName | 'guest';
export const PEOPLE: readonly Person[] = [...CRM_USERS, 'guest'];

export function isCrmUser(person: Person): person is CrmUserName {
  return person !== 'guest';
}

export type ResponseStatus = 'needsAction' | 'accepted' | 'declined' | 'tentative';

/** Timed: ISO instants (`toISOString`). All-day: dates, the end exclusive. `zone`: the event's zone. */
export interface Timing {
  allDay: boolean;
  start: string;
  end: string;
  zone: string;
}

export interface Reminders {
  useDefault: boolean;
  overrides: { method: 'email' | 'popup'; minutes: number }[];
}

export interface SeriesRule {
  freq: 'DAILY' | 'WEEKLY';
  interval: number;
  /** Occurrences the series has (a split or a "following" delete lowers it). */
  count: number;
}

/** The CRM records every run creates in its tenant. Two contacts share an email with an attendee. */
export const RECORDS = ['guestContact', 'carolContact', 'otherContact', 'company', 'deal'] as const;
export type RecordName = (typeof RECORDS)[number];

/** A CRM link set in the CRM; 'none': unlinked in the CRM (no link derived from attendees). */
export type Link = { record: RecordName } | 'none' | null;

export type Exception = { kind: 'cancelled' } | { kind: 'modified'; title: string; timing: Timing };

export interface AttendeeState {
  optional: boolean;
  /** null: not known (a series split off another one); both sides must still agree. */
  response: ResponseStatus | null;
}

export interface ModelEvent {
  /** Creation order in the run: E0, E1, ... */
  key: number;
  organizer: Person;
  origin: 'crm' | 'google';
  googleId: string;
  /** The organizer's CRM event id (CRM creates; looked up when needed for Google creates). */
  crmId: string | null;
  /** Google has confirmed it (a CRM create Google answered, or a Google create). */
  inGoogle: boolean;
  title: string;
  description: string | null;
  location: string | null;
  timing: Timing;
  /** The organizer's reminders. */
  reminders: Reminders;
  attendees: Partial<Record<Person, AttendeeState>>;
  series: SeriesRule | null;
  /** A Meet link was asked for. */
  conference: boolean;
  /** By occurrence index. */
  exceptions: Record<number, Exception>;
  /** The organizer's CRM link. */
  link: Link;
  /** Links invitees set in the CRM on their own copies. */
  inviteeLinks: Partial<Record<CrmUserName, Link>>;
  deleted: boolean;
}

export type ConnectionState = 'active' | 'revoked' | 'disconnected';

/** Which paths of the known defects the generators may take (see arbitraries.ts). */
export interface Gates {
  knownDefects: boolean;
  /** Also the paths of divergences this test found and recorded (docs/RELIABILITY.md). */
  openFindings: boolean;
}

export interface Model {
  events: ModelEvent[];
  connection: Record<CrmUserName, ConnectionState>;
  gates: Gates;
}

export function initialModel(gates: Gates): Model {
  return {
    events: [],
    connection: { alice: 'active', bob: 'active', carol: 'active' },
    gates,
  };
}

export function liveEvents(m: Readonly<Model>): ModelEvent[] {
  return m.events.filter((e) => !e.deleted);
}

export function attendeesOf(e: ModelEvent): Person[] {
  return PEOPLE.filter((p) => e.attendees[p] !== undefined);
}

/** Everyone who has a copy of the event in Google: the organizer and the attendees. */
export function participants(e: ModelEvent): Person[] {
  return [e.organizer, ...attendeesOf(e).filter((p) => p !== e.organizer)];
}

export function hasModifiedExceptions(e: ModelEvent): boolean {
  return Object.values(e.exceptions).some((x) => x.kind === 'modified');
}

export function hasExceptions(e: ModelEvent): boolean {
  return Object.keys(e.exceptions).length > 0;
}

function stepDays(rule: SeriesRule): number {
  return (rule.freq === 'WEEKLY' ? 7 : 1) * rule.interval;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate() ?? date;
}

/** The timing of occurrence `index` of a series starting at `first`: same wall clock in its zone. */
export function occurrenceTiming(first: Timing, rule: SeriesRule, index: number): Timing {
  const days = index * stepDays(rule);
  if (first.allDay) return { ...first, start: addDays(first.start, days), end: addDays(first.end, days) };
  const start = DateTime.fromISO(first.start, { zone: first.zone }).plus({ days });
  const duration = Date.parse(first.end) - Date.parse(first.start);
  const startMs = start.toMillis();
  return {
    ...first,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + duration).toISOString(),
  };
}

/** `YYYYMMDDTHHMMSSZ` of an instant, or `YYYYMMDD` of a date: Google's occurrence id suffixes. */
export function compactStart(timing: Timing): string {
  if (timing.allDay) return timing.start.replaceAll('-', '');
  return `${timing.start.slice(0, 19).replace(/[-:]/g, '')}Z`;
}

export function occurrenceId(e: ModelEvent, index: number): string {
  if (e.series === null) throw new Error(`E${e.key} is not a series`);
  return `${e.googleId}_${compactStart(occurrenceTiming(e.timing, e.series, index))}`;
}

export interface ExpectedInstance {
  index: number;
  id: string;
  title: string;
  timing: Timing;
}

/** The occurrences a live series shows, modified ones with their changes, cancelled ones left out. */
export function expectedInstances(e: ModelEvent): ExpectedInstance[] {
  if (e.series === null) return [];
  const out: ExpectedInstance[] = [];
  for (let index = 0; index < e.series.count; index += 1) {
    const exception = e.exceptions[index];
    if (exception?.kind === 'cancelled') continue;
    out.push({
      index,
      id: occurrenceId(e, index),
      title: exception?.kind === 'modified' ? exception.title : e.title,
      timing: exception?.kind === 'modified' ? exception.timing : occurrenceTiming(e.timing, e.series, index),
    });
  }
  return out;
}

/** Occurrence indexes still shown (not cancelled). */
export function liveOccurrences(e: ModelEvent): number[] {
  return expectedInstances(e).map((i) => i.index);
}

export function describeEvent(e: ModelEvent): string {
  const kind = e.series === null ? 'event' : `${e.series.freq.toLowerCase()} series of ${e.series.count}`;
  return `E${e.key} "${e.title}" (${kind} organized by ${e.organizer}, made in ${e.origin === 'crm' ? 'the CRM' : 'Google'}, Google id ${e.googleId})`;
}
