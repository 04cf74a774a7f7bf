import { comparisonWindow } from '../commands/base.js';
import type { CrmUserName, Model } from '../model.js';
import type { World } from '../world.js';
import {
  attendeeSet,
  crmReminders,
  eventName,
  googleAttendees,
  googleBound,
  googleList,
  googleReminders,
  instant,
  liveGoogle,
  meetLink,
  recurrenceText,
  text,
  type CrmItem,
  type EventRow,
  type GoogleEvent,
  type Report,
  type Snapshot,
} from './shared.js';

/**
 * The CRM against Google, per CRM user: every live Google event of the user's calendar has
 * exactly one stored row and vice versa, field by field, nothing left pending, failed or
 * half-deleted; and the CRM's expanded listing of the comparison window shows what Google's does.
 */

function compareRowToGoogle(
  report: Report,
  subject: string,
  row: EventRow,
  g: GoogleEvent,
  zone: string,
): void {
  const check = 'crm-vs-google' as const;
  report.field(check, subject, 'status', row.status, g.status ?? 'confirmed');
  report.field(check, subject, 'recurring_event_id', row.recurring_event_id, g.recurringEventId ?? null);
  if (g.recurringEventId) {
    const original = g.originalStartTime;
    report.field(
      check,
      subject,
      'original start',
      row.original_start_date ?? instant(row.original_start_at),
      googleBound(original ?? undefined),
    );
  }
  if (g.status === 'cancelled') return;
  report.field(check, subject, 'title', text(row.title), text(g.summary));
  report.field(check, subject, 'description', text(row.description), text(g.description));
  report.field(check, subject, 'location', text(row.location), text(g.location));
  report.field(check, subject, 'all-day', row.all_day, typeof g.start?.date === 'string');
  report.field(
    check,
    subject,
    'start',
    row.all_day ? row.start_date : instant(row.start_at),
    googleBound(g.start),
  );
  report.field(check, subject, 'end', row.all_day ? row.end_date : instant(row.end_at), googleBound(g.end));
  // An all-day event carries no zone in Google; the CRM keeps the one it returns to when timed.
  if (!row.all_day || g.start?.timeZone != null)
    report.field(check, subject, 'time zone', row.time_zone, g.start?.timeZone ?? zone);
  report.field(check, subject, 'recurrence', recurrenceText(row.recurrence), recurrenceText(g.recurrence));
  report.field(
    check,
    subject,
    'attendees',
    attendeeSet(
      (row.attendees ?? []).map((a) => ({ email: a.email, status: a.status, optional: a.optional })),
    ),
    googleAttendees(g),
  );
  report.field(check, subject, 'reminders', crmReminders(row.reminders), googleReminders(g));
  report.field(check, subject, 'Meet link', row.meet_link, meetLink(g));
  report.field(
    check,
    subject,
    'organizer',
    row.organizer_email?.toLowerCase() ?? null,
    g.organizer?.email?.toLowerCase() ?? null,
  );
  report.field(check, subject, 'etag', row.google_etag, g.etag ?? null);
}

/** Stored rows against Google's events of one user's calendar. */
export function checkRows(
  report: Report,
  model: Model,
  world: World,
  snap: Snapshot,
  user: CrmUserName,
): void {
  const who = world.users[user];
  const rows = snap.rows.filter((r) => r.user_id === who.userId);
  const google = liveGoogle(snap.google[user]);
  const byGoogleId = new Map<string, EventRow[]>();
  for (const row of rows)
    byGoogleId.set(row.google_event_id, [...(byGoogleId.get(row.google_event_id) ?? []), row]);
  for (const [googleId, copies] of byGoogleId) {
    const subject = `${user}'s ${eventName(model, googleId, copies[0]?.title)}`;
    if (copies.length > 1)
      report.add('crm-vs-google', subject, 'rows', `the CRM stores it ${copies.length} times`);
    for (const row of copies) {
      if (row.sync_state !== 'synced')
        report.add(
          'crm-vs-google',
          subject,
          'sync state',
          `${row.sync_state}${row.sync_error ? ` (${row.sync_error})` : ''}`,
        );
      if (row.deleted_at !== null)
        report.add('crm-vs-google', subject, 'deleted', 'deleted in the CRM but still stored');
    }
  }
  const googleIds = new Set(google.map((g) => g.id ?? ''));
  for (const g of google) {
    const subject = `${user}'s ${eventName(model, g.id, g.summary)}`;
    const row = byGoogleId.get(g.id ?? '')?.[0];
    if (row === undefined) {
      report.add('crm-vs-google', subject, 'presence', `in Google (${g.status ?? ''}) but not in the CRM`);
      continue;
    }
    compareRowToGoogle(report, subject, row, g, who.zone);
  }
  for (const [googleId, copies] of byGoogleId) {
    if (googleIds.has(googleId)) continue;
    const row = copies[0]!;
    report.add(
      'crm-vs-google',
      `${user}'s ${eventName(model, googleId, row.title)}`,
      'presence',
      `in the CRM (${row.status}, ${row.sync_state}) but no longer in Google`,
    );
  }
}

async function crmListing(world: World, user: CrmUserName, from: Date, to: Date): Promise<CrmItem[]> {
  const items: CrmItem[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({
      start_date: from.toISOString(),
      end_date: to.toISOString(),
      limit: '250',
    });
    if (cursor !== null) query.set('cursor', cursor);
    const page: { items: CrmItem[]; next_cursor: string | null } = await world.crmOk(
      user,
      'GET',
      `/calendar/events?${query.toString()}`,
      undefined,
      200,
    );
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return items;
}

/** What the CRM's listing shows against Google's expanded listing of the same window. */
export async function checkListing(
  report: Report,
  model: Model,
  world: World,
  user: CrmUserName,
): Promise<void> {
  const { from, to } = comparisonWindow();
  const crm = await crmListing(world, user, from, to);
  const google = await googleList(await world.google(user), {
    calendarId: 'primary',
    singleEvents: true,
    timeMin: from.toISOString(),
    timeMax: to.toISOString(),
  });
  const zone = world.users[user].zone;
  const crmById = new Map<string, CrmItem[]>();
  for (const item of crm) {
    const key = item.google_event_id ?? `crm:${item.id}`;
    crmById.set(key, [...(crmById.get(key) ?? []), item]);
  }
  const check = 'crm-vs-google' as const;
  for (const g of google) {
    const subject = `${user}'s listing, ${eventName(model, g.id, g.summary)}`;
    const items = crmById.get(g.id ?? '') ?? [];
    if (items.length === 0) {
      report.add(check, subject, 'listing', 'Google lists it, the CRM does not');
      continue;
    }
    if (items.length > 1) report.add(check, subject, 'listing', `the CRM lists it ${items.length} times`);
    const item = items[0]!;
    report.field(check, subject, 'title', text(item.title), text(g.summary));
    report.field(
      check,
      subject,
      'start',
      item.all_day ? item.start_date : instant(item.start_time),
      googleBound(g.start),
    );
    report.field(
      check,
      subject,
      'end',
      item.all_day ? item.end_date : instant(item.end_time),
      googleBound(g.end),
    );
    if (!item.all_day || g.start?.timeZone != null)
      report.field(check, subject, 'time zone', item.time_zone, g.start?.timeZone ?? zone);
    report.field(check, subject, 'description', text(item.description), text(g.description));
    report.field(check, subject, 'location', text(item.location), text(g.location));
    report.field(check, subject, 'attendees', attendeeSet(item.attendees), googleAttendees(g));
    report.field(check, subject, 'reminders', crmReminders(item.reminders), googleReminders(g));
    report.field(check, subject, 'Meet link', item.meet_link, meetLink(g));
    report.field(check, subject, 'status', item.status, g.status ?? 'confirmed');
    report.field(check, subject, 'series', item.recurring_event_id, g.recurringEventId ?? null);
  }
  const googleIds = new Set(google.map((g) => g.id));
  for (const [id, items] of crmById) {
    if (!googleIds.has(id)) {
      report.add(
        check,
        `${user}'s listing, ${eventName(model, id, items[0]?.title)}`,
        'listing',
        'the CRM lists it, Google does not',
      );
    }
  }
}
