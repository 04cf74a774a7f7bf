import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs, googleCalls, resetGoogleCalls } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import { connectWithoutWorkers, listCalendars } from './support/sync-pull.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * An event moved between two synced calendars in Google (events.move: same id, cancelled in the
 * source's sync, new in the destination's) is one meeting in the CRM before and after: the same
 * row, now on the new calendar, with its CRM link and its meeting activity, whichever calendar is
 * pulled first. The app runs without job workers, so each test chooses the order of the pulls.
 */

const TENANT = 'default';
const USER = 'moves-alice';
const EMAIL = 'moves-alice@example.com';

let t: TestApp;
let google: calendar_v3.Calendar;
let primaryId: string;
let projectsId: string;
let projectsGoogleId: string;
let contactCounter = 0;

interface EventJson {
  id: string;
  calendar_id: string;
  google_event_id: string;
  title: string;
  entity_type: string | null;
  entity_id: string | null;
  entity_source: string | null;
}
interface ActivityJson {
  id: string;
  type: string;
  status: string;
  event_id: string | null;
}

async function api<T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object): Promise<T> {
  const res = await t.app.inject({
    method,
    url,
    headers: await authHeader(t, USER),
    ...(payload === undefined ? {} : { payload }),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}

const pull = (calendarId: string) =>
  t.ctx.services.pull.pull({ tenantId: TENANT, userId: USER, calendarId }, { trigger: 'webhook' });

async function rowsOf(googleEventId: string): Promise<{ id: string; calendar_id: string }[]> {
  return t.ctx.db
    .selectFrom('events')
    .select(['id', 'calendar_id'])
    .where('tenant_id', '=', TENANT)
    .where('user_id', '=', USER)
    .where('google_event_id', '=', googleEventId)
    .execute();
}

async function meetingsOf(contactId: string): Promise<ActivityJson[]> {
  const { items } = await api<{ items: ActivityJson[] }>('GET', `/crm/contacts/${contactId}/activities`);
  return items.filter((a) => a.type === 'meeting');
}

async function newContact(): Promise<{ id: string; email: string }> {
  contactCounter += 1;
  const email = `moved-client-${contactCounter}@example.net`;
  const contact = await api<{ id: string }>('POST', '/crm/contacts', {
    name: `Client ${contactCounter}`,
    email,
  });
  return { id: contact.id, email };
}

/** A meeting with a CRM contact, made in Google on the primary calendar and pulled into the CRM. */
async function pulledMeeting(summary: string) {
  const contact = await newContact();
  const { data } = await google.events.insert({
    calendarId: 'primary',
    requestBody: {
      summary,
      start: { dateTime: '2031-10-01T09:00:00Z' },
      end: { dateTime: '2031-10-01T10:00:00Z' },
      attendees: [{ email: contact.email }],
    },
  });
  await pull(primaryId);
  const [row] = await rowsOf(data.id!);
  expect(row).toMatchObject({ calendar_id: primaryId });
  const [activity] = await meetingsOf(contact.id);
  expect(activity).toMatchObject({ status: 'scheduled', event_id: row!.id });
  return { googleEventId: data.id!, rowId: row!.id, contact, activityId: activity!.id };
}

/** The meeting is one row, on the Projects calendar, with its activity scheduled as before. */
async function expectMovedIntact(moved: Awaited<ReturnType<typeof pulledMeeting>>) {
  expect(await rowsOf(moved.googleEventId)).toEqual([{ id: moved.rowId, calendar_id: projectsId }]);
  expect(await meetingsOf(moved.contact.id)).toEqual([
    expect.objectContaining({ id: moved.activityId, status: 'scheduled', event_id: moved.rowId }),
  ]);
  const shown = await api<EventJson>('GET', `/calendar/events/${moved.rowId}`);
  expect(shown).toMatchObject({
    calendar_id: projectsId,
    entity_type: 'contact',
    entity_id: moved.contact.id,
  });
  const listed = await api<{ items: EventJson[] }>('GET', '/calendar/events');
  expect(listed.items.filter((i) => i.google_event_id === moved.googleEventId)).toHaveLength(1);
}

const moveToProjects = (eventId: string) =>
  google.events.move({ calendarId: 'primary', eventId, destination: projectsGoogleId });

useTestApp({ workers: false }, async (app) => {
  t = app;
  primaryId = await connectWithoutWorkers(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
  const { data } = await google.calendars.insert({ requestBody: { summary: 'Projects' } });
  projectsGoogleId = data.id!;
  await t.ctx.services.calendars.refresh({ tenantId: TENANT, userId: USER });
  const projects = (await listCalendars(t, USER)).find((c) => c.google_calendar_id === projectsGoogleId)!;
  projectsId = projects.id;
  await t.ctx.services.calendars.setSelected(
    { tenantId: TENANT, userId: USER, calendarId: projectsId },
    true,
  );
  await pull(projectsId);
});

describe('an event moved to another synced calendar', () => {
  it('keeps its row and activity when the destination is pulled first', async () => {
    const moved = await pulledMeeting('Moved, destination first');
    await moveToProjects(moved.googleEventId);
    await pull(projectsId);
    await expectMovedIntact(moved);
    // The source's sync then lists the event as cancelled: nothing of the CRM's goes.
    await pull(primaryId);
    await expectMovedIntact(moved);
  });

  it('keeps its row and activity when the source is pulled first', async () => {
    const moved = await pulledMeeting('Moved, source first');
    await moveToProjects(moved.googleEventId);
    await pull(primaryId);
    expect(await rowsOf(moved.googleEventId)).toEqual([{ id: moved.rowId, calendar_id: projectsId }]);
    await pull(projectsId);
    await expectMovedIntact(moved);
  });

  it("keeps a link set in the CRM, and the CRM's next change goes to the new calendar", async () => {
    const contact = await newContact();
    const created = await api<EventJson>('POST', '/calendar/events', {
      title: 'Linked in the CRM',
      start: '2031-10-02T09:00:00Z',
      end: '2031-10-02T10:00:00Z',
      entity_type: 'contact',
      entity_id: contact.id,
    });
    const key = { eventId: created.id, tenantId: TENANT, userId: USER };
    await t.ctx.services.eventPusher.push(key);
    const [activity] = await meetingsOf(contact.id);
    expect(activity).toMatchObject({ status: 'scheduled', event_id: created.id });

    await moveToProjects(created.google_event_id);
    await pull(primaryId);
    await pull(projectsId);
    expect(await rowsOf(created.google_event_id)).toEqual([{ id: created.id, calendar_id: projectsId }]);
    expect(await api<EventJson>('GET', `/calendar/events/${created.id}`)).toMatchObject({
      calendar_id: projectsId,
      entity_type: 'contact',
      entity_id: contact.id,
      entity_source: 'crm',
    });
    expect(await meetingsOf(contact.id)).toEqual([
      expect.objectContaining({ id: activity!.id, status: 'scheduled', event_id: created.id }),
    ]);

    await api('PATCH', `/calendar/events/${created.id}`, { title: 'Linked, renamed after the move' });
    await t.ctx.services.eventPusher.push(key);
    const { data } = await google.events.get({
      calendarId: projectsGoogleId,
      eventId: created.google_event_id,
    });
    expect(data.summary).toBe('Linked, renamed after the move');
  });

  it('is deleted with its activity cancelled when it is moved to a calendar the CRM does not sync', async () => {
    const { data: elsewhere } = await google.calendars.insert({ requestBody: { summary: 'Not synced' } });
    const moved = await pulledMeeting('Moved out of sync');
    await google.events.move({
      calendarId: 'primary',
      eventId: moved.googleEventId,
      destination: elsewhere.id!,
    });
    await resetGoogleCalls(t);
    await pull(primaryId);
    expect(await rowsOf(moved.googleEventId)).toEqual([]);
    expect(await meetingsOf(moved.contact.id)).toEqual([
      expect.objectContaining({ id: moved.activityId, status: 'cancelled' }),
    ]);
    // One look at the other synced calendar told a move there from a deletion.
    expect(await googleCalls(t)).toMatchObject({ 'calendar.events.list': 1, 'calendar.events.get': 1 });
  });
});
