import type { calendar_v3 } from '@googleapis/calendar';
import { PEOPLE, type Model, type Person } from '../model.js';
import type { World } from '../world.js';
import type { Divergence } from '../invariants.js';

/** What the checks share: the shapes they read, value normalizers, the report, one read of both sides. */

export interface EventRow {
  id: string;
  user_id: string;
  google_event_id: string;
  status: string;
  title: string | null;
  description: string | null;
  location: string | null;
  all_day: boolean;
  start_at: Date | null;
  end_at: Date | null;
  start_date: string | null;
  end_date: string | null;
  time_zone: string | null;
  recurrence: string[] | null;
  recurring_event_id: string | null;
  original_start_at: Date | null;
  original_start_date: string | null;
  organizer_email: string | null;
  attendees: { email: string; status: string; optional?: boolean; self?: boolean }[] | null;
  reminders: { use_default: boolean; overrides: { method: string; minutes: number }[] } | null;
  meet_link: string | null;
  entity_type: string | null;
  entity_id: string | null;
  entity_source: string | null;
  sync_state: string;
  sync_error: string | null;
  deleted_at: Date | null;
  google_etag: string | null;
}

export interface CrmItem {
  id: string;
  google_event_id: string | null;
  title: string | null;
  start_time: string | null;
  end_time: string | null;
  all_day: boolean;
  start_date: string | null;
  end_date: string | null;
  time_zone: string | null;
  description: string | null;
  location: string | null;
  attendees: { email: string; status: string; optional: boolean }[];
  reminders: { use_default: boolean; overrides: { method: string; minutes: number }[] } | null;
  meet_link: string | null;
  recurring_event_id: string | null;
  status: string;
}

export interface ActivityJson {
  id: string;
  type: string;
  title: string;
  status: string;
  entity_type: string;
  entity_id: string;
  event_id: string | null;
  user_id: string;
  all_day: boolean;
  meeting_start_time: string | null;
  meeting_end_time: string | null;
  meeting_start_date: string | null;
  meeting_end_date: string | null;
}

export type GoogleEvent = calendar_v3.Schema$Event;

export const text = (v: string | null | undefined): string | null =>
  v === undefined || v === null || v === '' ? null : v;
export const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

export function instant(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  return Number.isNaN(ms) ? String(value) : new Date(ms).toISOString();
}

/** A start or end as one comparable string: the date, or the instant in UTC. */
export function googleBound(bound: calendar_v3.Schema$EventDateTime | undefined): string | null {
  if (bound === undefined) return null;
  if (typeof bound.date === 'string') return bound.date;
  return instant(bound.dateTime ?? null);
}

export function attendeeSet(
  list: readonly {
    email: string | null | undefined;
    status: string | null | undefined;
    optional: boolean | null | undefined;
  }[],
): string {
  return list
    .filter((a) => typeof a.email === 'string' && a.email !== '')
    .map(
      (a) =>
        `${(a.email ?? '').toLowerCase()}=${a.status ?? 'needsAction'}${a.optional === true ? '(optional)' : ''}`,
    )
    .sort()
    .join(', ');
}

export function googleAttendees(g: GoogleEvent): string {
  return attendeeSet(
    (g.attendees ?? []).map((a) => ({ email: a.email, status: a.responseStatus, optional: a.optional })),
  );
}

export function reminderText(
  r: { useDefault: boolean; overrides: { method: string; minutes: number }[] } | null,
): string {
  if (r === null) return 'none';
  if (r.useDefault) return 'calendar default';
  return (
    r.overrides
      .map((o) => `${o.method} ${o.minutes}m`)
      .sort()
      .join(', ') || 'none'
  );
}

export function googleReminders(g: GoogleEvent): string {
  const r = g.reminders;
  if (r === undefined || r === null) return 'none';
  return reminderText({
    useDefault: r.useDefault === true,
    overrides: (r.overrides ?? []).map((o) => ({ method: o.method ?? '', minutes: o.minutes ?? 0 })),
  });
}

export function crmReminders(r: EventRow['reminders'] | CrmItem['reminders']): string {
  return r === null ? 'none' : reminderText({ useDefault: r.use_default, overrides: r.overrides });
}

/** Google's Meet link: `hangoutLink`, else the video entry point of the conference. */
export function meetLink(g: GoogleEvent): string | null {
  if (typeof g.hangoutLink === 'string' && g.hangoutLink !== '') return g.hangoutLink;
  return g.conferenceData?.entryPoints?.find((p) => p.entryPointType === 'video')?.uri ?? null;
}

/** 'link', 'pending' (asked for, not created yet) or 'none'. */
export function conferenceState(g: GoogleEvent): string {
  if (meetLink(g) !== null) return 'link';
  return g.conferenceData?.createRequest?.status?.statusCode === 'pending' ? 'pending' : 'none';
}

export function recurrenceText(lines: readonly string[] | null | undefined): string {
  return (
    [...(lines ?? [])]
      .map((l) => l.trim())
      .sort()
      .join(' | ') || 'none'
  );
}

export class Report {
  readonly list: Divergence[] = [];
  add(check: Divergence['check'], subject: string, field: string, detail: string): void {
    this.list.push({ check, subject, field, detail });
  }
  /** Records a difference of one field between the CRM and Google. */
  field(check: Divergence['check'], subject: string, field: string, crm: unknown, google: unknown): void {
    if (show(crm) !== show(google))
      this.add(check, subject, field, `CRM ${show(crm)}, Google ${show(google)}`);
  }
  expect(subject: string, field: string, expected: unknown, actual: unknown, where: string): void {
    if (show(expected) !== show(actual))
      this.add('model', subject, field, `expected ${show(expected)}, ${where} has ${show(actual)}`);
  }
}

export async function googleList(
  google: calendar_v3.Calendar,
  params: calendar_v3.Params$Resource$Events$List,
): Promise<GoogleEvent[]> {
  const items: GoogleEvent[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await google.events.list({
      ...params,
      maxResults: 2500,
      ...(pageToken ? { pageToken } : {}),
    });
    items.push(...(data.items ?? []));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return items;
}

/** Live events of a Google calendar: top-level ones not cancelled, and every exception of a live series. */
export function liveGoogle(items: readonly GoogleEvent[]): GoogleEvent[] {
  const live = new Set(items.filter((g) => !g.recurringEventId && g.status !== 'cancelled').map((g) => g.id));
  return items.filter((g) => (g.recurringEventId ? live.has(g.recurringEventId) : g.status !== 'cancelled'));
}

export function eventName(
  model: Model,
  googleId: string | null | undefined,
  title: string | null | undefined,
): string {
  const base = googleId?.split('_')[0];
  const e = model.events.find((x) => x.googleId === googleId || x.googleId === base);
  const key = e === undefined ? 'an event the run did not make' : `E${e.key}`;
  return `${key} "${title ?? ''}" (Google id ${googleId ?? '?'})`;
}

export interface Snapshot {
  google: Record<Person, GoogleEvent[]>;
  rows: EventRow[];
}

/** Reads both sides once. */
export async function snapshot(world: World): Promise<Snapshot> {
  const google = {} as Record<Person, GoogleEvent[]>;
  for (const person of PEOPLE) {
    google[person] = await googleList(await world.google(person), {
      calendarId: 'primary',
      showDeleted: true,
    });
  }
  const rows = await world.system.sql<EventRow>('SELECT * FROM events WHERE tenant_id = $1', [world.tenant]);
  return { google, rows };
}
