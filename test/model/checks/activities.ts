import { CRM_USERS, type Model } from '../model.js';
import type { World } from '../world.js';
import {
  eventName,
  instant,
  text,
  type ActivityJson,
  type EventRow,
  type Report,
  type Snapshot,
} from './shared.js';

/**
 * Meeting activities against the events they mirror: a scheduled activity belongs to a live
 * event (of the same user, never an occurrence) that still concerns its record, with the event's
 * title and times; a linked event has its scheduled activity.
 */

async function recordActivities(world: World, type: string, id: string): Promise<ActivityJson[]> {
  const items: ActivityJson[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '?limit=200' : `?limit=200&cursor=${encodeURIComponent(cursor)}`;
    const page: { items: ActivityJson[]; next_cursor: string | null } = await world.crmOk(
      'alice',
      'GET',
      `/crm/${type}/${id}/activities${query}`,
      undefined,
      200,
    );
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return items;
}

/** Meeting activities against the events they mirror. */
export async function checkActivities(
  report: Report,
  model: Model,
  world: World,
  snap: Snapshot,
): Promise<void> {
  const rowsById = new Map(snap.rows.map((r) => [r.id, r]));
  const activities: ActivityJson[] = [];
  for (const record of Object.values(world.records)) {
    activities.push(...(await recordActivities(world, record.type, record.id)));
  }
  const nameOf = (r: EventRow) =>
    `${CRM_USERS.find((u) => world.users[u].userId === r.user_id) ?? r.user_id}'s ${eventName(model, r.google_event_id, r.title)}`;
  for (const a of activities.filter((x) => x.type === 'meeting' && x.event_id !== null)) {
    const record = world.recordById(a.entity_id)?.name ?? a.entity_id;
    const row = rowsById.get(a.event_id ?? '');
    const subject = `activity "${a.title}" on ${record}`;
    if (a.status !== 'scheduled') continue;
    if (row === undefined || row.status === 'cancelled' || row.deleted_at !== null) {
      report.add(
        'activity',
        subject,
        'status',
        `scheduled, but its event (${a.event_id ?? ''}) ${row === undefined ? 'no longer exists' : 'is cancelled'}`,
      );
      continue;
    }
    const own = row.attendees?.find((x) => x.self === true)?.email.toLowerCase();
    // The records an event concerns: its CRM link, and the contacts among its attendees (a link
    // that came from an attendee counts only while that attendee is there).
    const concerned = new Set([
      ...(row.entity_source === 'crm' ? [row.entity_id] : []),
      ...world
        .contactsAmong((row.attendees ?? []).map((x) => x.email).filter((x) => x.toLowerCase() !== own))
        .map((c) => c.id),
    ]);
    const where = nameOf(row);
    if (!concerned.has(a.entity_id))
      report.add(
        'activity',
        subject,
        'record',
        `scheduled on ${record}, which ${where} no longer concerns (its link: ${row.entity_id ?? 'none'})`,
      );
    if (row.recurring_event_id !== null)
      report.add(
        'activity',
        subject,
        'event',
        `mirrors an occurrence (${where}); a series has one activity, on its master`,
      );
    report.field(
      'activity',
      `${subject} of ${where}`,
      'title',
      a.title,
      `Meeting scheduled: ${text(row.title) ?? '(No title)'}`,
    );
    report.field('activity', `${subject} of ${where}`, 'all-day', a.all_day, row.all_day);
    report.field(
      'activity',
      `${subject} of ${where}`,
      'start',
      a.all_day ? a.meeting_start_date : instant(a.meeting_start_time),
      row.all_day ? row.start_date : instant(row.start_at),
    );
    report.field(
      'activity',
      `${subject} of ${where}`,
      'end',
      a.all_day ? a.meeting_end_date : instant(a.meeting_end_time),
      row.all_day ? row.end_date : instant(row.end_at),
    );
  }
  for (const row of snap.rows) {
    if (row.entity_id === null || row.status === 'cancelled' || row.recurring_event_id !== null) continue;
    const has = activities.some(
      (a) =>
        a.type === 'meeting' &&
        a.event_id === row.id &&
        a.entity_id === row.entity_id &&
        a.status === 'scheduled',
    );
    if (!has) {
      const record = world.recordById(row.entity_id)?.name ?? row.entity_id;
      report.add(
        'activity',
        nameOf(row),
        'activity',
        `linked to ${record} (${row.entity_source ?? ''}) but ${record} has no scheduled meeting for it`,
      );
    }
  }
}
