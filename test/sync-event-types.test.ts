import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import { api, connectedUser, expectOk, futureHour, settled, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/**
 * Google's special calendar items (out of office, focus time, working location, birthday, from
 * Gmail) are stored with their type and are never meetings: no activity, no link to the contacts
 * among their attendees, no CRM reminders. Working locations and birthdays are never busy time;
 * out of office and focus time are. The CRM changes them only where their type allows.
 */

type Item = {
  id: string;
  google_event_id: string;
  title: string | null;
  event_type: string;
  entity_type: string | null;
  entity_id: string | null;
  sync_state: string;
};
type ErrorJson = { error: { code: string; message: string; details?: { field?: string } } };
type Slot = { start: string; end: string };
type Activity = { event_id: string | null; status: string };

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;
let contactId: string;
const CONTACT_EMAIL = 'carla.contact@example.net';

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'alice', { timeZone: 'UTC' });
  google = await googleAs(t, alice.email);
  contactId = expectOk(
    await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', { name: 'Carla', email: CONTACT_EMAIL }),
  ).id;
});

const DAY = new Date(futureHour(20, 0).getTime());
const at = (hour: number) => new Date(DAY.getTime() + hour * 3_600_000).toISOString();
const dateOf = (days: number) => new Date(DAY.getTime() + days * 86_400_000).toISOString().slice(0, 10);
const popup = { useDefault: false, overrides: [{ method: 'popup', minutes: 10 }] };

/** Google ids of the items made in `beforeAll`-like setup, by type. */
const ids: Record<string, string> = {};

async function insert(body: calendar_v3.Schema$Event): Promise<string> {
  const { data } = await google.events.insert({ calendarId: 'primary', requestBody: body });
  return data.id ?? '';
}

/** The CRM event (for a series, the series itself) of a Google event, as GET /calendar/events/{id} shows it. */
async function itemOf(googleEventId: string): Promise<Item> {
  const row = await t.ctx.db
    .selectFrom('events')
    .select('id')
    .where('user_id', '=', alice.userId)
    .where('google_event_id', '=', googleEventId)
    .executeTakeFirst();
  if (row === undefined) throw new Error(`no CRM event for ${googleEventId}`);
  return expectOk(await api<Item>(t, alice, 'GET', `/calendar/events/${row.id}`), 200);
}

async function reminderCount(eventId: string): Promise<number> {
  const rows = await t.ctx.db
    .selectFrom('notifications')
    .select('id')
    .where('event_id', '=', eventId)
    .execute();
  return rows.length;
}

async function contactActivities(): Promise<Activity[]> {
  const res = await api<{ items: Activity[] }>(t, alice, 'GET', `/crm/contacts/${contactId}/activities`);
  return expectOk(res, 200).items;
}

async function listTypes(query: string): Promise<{ status: number; types: string[]; body: unknown }> {
  const res = await api<{ items: Item[] } & ErrorJson>(t, alice, 'GET', `/calendar/events?${query}`);
  return {
    status: res.status,
    types: res.status === 200 ? [...new Set(res.body.items.map((i) => i.event_type))].sort() : [],
    body: res.body,
  };
}

describe('special items pulled from Google', () => {
  it('are stored with their type and are not meetings', async () => {
    ids.meeting = await insert({
      summary: 'Call with Carla',
      start: { dateTime: at(9) },
      end: { dateTime: at(10) },
      attendees: [{ email: CONTACT_EMAIL }],
      reminders: popup,
    });
    ids.outOfOffice = await insert({
      eventType: 'outOfOffice',
      summary: 'Dentist',
      start: { dateTime: at(10) },
      end: { dateTime: at(11) },
      outOfOfficeProperties: { autoDeclineMode: 'declineNone' },
      reminders: popup,
    });
    ids.focusTime = await insert({
      eventType: 'focusTime',
      summary: 'Deep work',
      start: { dateTime: at(12) },
      end: { dateTime: at(13) },
      focusTimeProperties: { chatStatus: 'doNotDisturb' },
      reminders: popup,
    });
    ids.workingLocation = await insert({
      eventType: 'workingLocation',
      summary: 'Home',
      start: { date: dateOf(0) },
      end: { date: dateOf(1) },
      workingLocationProperties: { type: 'homeOffice', homeOffice: {} },
    });
    ids.birthday = await insert({
      eventType: 'birthday',
      summary: "Carla's birthday",
      start: { date: dateOf(0) },
      end: { date: dateOf(1) },
      recurrence: ['RRULE:FREQ=YEARLY'],
      birthdayProperties: { type: 'birthday' },
      reminders: popup,
    });
    // Gmail's items cannot be made through the API: the emulator's admin API makes one as Google would.
    const gmail = await emulatorAdmin<{ id: string }>(
      t,
      'POST',
      `/users/${encodeURIComponent(alice.email)}/events`,
      {
        event: {
          eventType: 'fromGmail',
          summary: 'Flight to Lisbon',
          start: { dateTime: at(15) },
          end: { dateTime: at(17) },
          attendees: [{ email: alice.email }, { email: CONTACT_EMAIL }],
          reminders: popup,
        },
      },
    );
    ids.fromGmail = gmail.id;
    await api(t, alice, 'POST', '/calendar/sync', {});
    await waitFor('every item to reach the CRM', async () => {
      for (const id of Object.values(ids)) await itemOf(id);
      return true;
    });

    for (const [type, googleId] of Object.entries(ids)) {
      const item = await itemOf(googleId);
      expect(item.event_type, googleId).toBe(type === 'meeting' ? 'default' : type);
      if (type === 'meeting') {
        // The ordinary meeting is linked to the contact, logs the activity and gets its reminder.
        expect(item).toMatchObject({ entity_type: 'contact', entity_id: contactId });
        expect(await reminderCount(item.id)).toBe(1);
        continue;
      }
      expect([item.entity_type, item.entity_id], type).toEqual([null, null]);
      expect(await reminderCount(item.id), type).toBe(0);
    }
    const activities = await contactActivities();
    const meeting = await itemOf(ids.meeting);
    const gmailItem = await itemOf(ids.fromGmail);
    expect(activities.map((a) => a.event_id)).toEqual([meeting.id]);
    expect(activities.some((a) => a.event_id === gmailItem.id)).toBe(false);
  });

  it('can be listed by type, repeated or comma-separated; an unknown type is a clear 400', async () => {
    expect((await listTypes('event_type=outOfOffice,focusTime')).types).toEqual(['focusTime', 'outOfOffice']);
    expect((await listTypes('event_type=birthday&event_type=workingLocation')).types).toEqual([
      'birthday',
      'workingLocation',
    ]);
    expect((await listTypes('event_type=default')).types).toEqual(['default']);
    // The birthday series is expanded like any series, and filtered like its master.
    const birthdays = await api<{ items: Item[] }>(
      t,
      alice,
      'GET',
      `/calendar/events?event_type=birthday&start_date=${dateOf(-1)}&end_date=${dateOf(400)}`,
    );
    expect(birthdays.body.items.map((i) => i.title)).toEqual(["Carla's birthday", "Carla's birthday"]);
    for (const query of ['event_type=meeting', 'event_type=outOfOffice,', 'event_type=']) {
      const res = await listTypes(query);
      expect(res.status, query).toBe(400);
      expect((res.body as ErrorJson).error.code).toBe('invalid_request');
      expect((res.body as ErrorJson).error.message).toContain('event_type');
    }
  });

  it('are busy time only when out of office or focus time', async () => {
    const res = await api<{ calendars: { id: string; busy: Slot[] }[] }>(
      t,
      alice,
      'POST',
      '/calendar/availability',
      { attendees: [], start: at(0), end: at(24), duration_minutes: 30, time_zone: 'UTC' },
    );
    const busy = expectOk(res, 200).calendars.find((c) => c.id === alice.email)?.busy;
    // The meeting 9-10, out of office 10-11, focus time 12-13, the flight 15-17; not the all-day
    // working location nor the birthday.
    expect(busy).toEqual([
      { start: new Date(at(9)).toISOString(), end: new Date(at(11)).toISOString() },
      { start: new Date(at(12)).toISOString(), end: new Date(at(13)).toISOString() },
      { start: new Date(at(15)).toISOString(), end: new Date(at(17)).toISOString() },
    ]);
  });

  it('stored before types were read take their type from a full sync, and lose what made them meetings', async () => {
    const gmail = await itemOf(ids.fromGmail!);
    // As a row stored before event types were kept: a meeting linked to the contact, with an activity.
    await t.ctx.db
      .updateTable('events')
      .set({ event_type: 'default', entity_type: 'contact', entity_id: contactId, entity_source: 'attendee' })
      .where('id', '=', gmail.id)
      .execute();
    await t.ctx.services.activities.logMeeting({
      tenantId: alice.tenant,
      userId: alice.userId,
      entityType: 'contact',
      entityId: contactId,
      eventId: gmail.id,
      title: 'Flight to Lisbon',
      description: null,
      start: new Date(at(15)),
      end: new Date(at(17)),
      attendees: [],
    });
    expect((await contactActivities()).find((a) => a.event_id === gmail.id)?.status).toBe('scheduled');

    expect((await api(t, alice, 'POST', '/calendar/sync', { full: true })).status).toBe(200);
    const item = await itemOf(ids.fromGmail!);
    expect(item).toMatchObject({ event_type: 'fromGmail', entity_type: null, entity_id: null });
    expect((await contactActivities()).find((a) => a.event_id === gmail.id)?.status).toBe('cancelled');
  });
});

describe('special items changed from the CRM', () => {
  const patch = (googleId: string, body: Record<string, unknown>) =>
    itemOf(googleId).then((item) =>
      api<Item & ErrorJson>(t, alice, 'PATCH', `/calendar/events/${item.id}?wait=true`, body),
    );

  it('take the fields their type allows, in Google too', async () => {
    const res = await patch(ids.outOfOffice!, { title: 'Dentist (moved)', start: at(13), end: at(14) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Dentist (moved)',
      event_type: 'outOfOffice',
      sync_state: 'synced',
    });
    const { data } = await google.events.get({ calendarId: 'primary', eventId: ids.outOfOffice! });
    expect(data).toMatchObject({ summary: 'Dentist (moved)', eventType: 'outOfOffice' });
    expect(new Date(data.start?.dateTime ?? '').toISOString()).toBe(new Date(at(13)).toISOString());
    expect(await reminderCount(res.body.id)).toBe(0);

    const gmail = await patch(ids.fromGmail!, { visibility: 'private', transparency: 'transparent' });
    expect(gmail.status, JSON.stringify(gmail.body)).toBe(200);
    expect(gmail.body.sync_state).toBe('synced');
    const { data: flight } = await google.events.get({ calendarId: 'primary', eventId: ids.fromGmail! });
    expect([flight.visibility, flight.transparency]).toEqual(['private', 'transparent']);

    const birthday = await patch(ids.birthday!, { title: "Carla's 40th" });
    expect(birthday.status, JSON.stringify(birthday.body)).toBe(200);
    expect(birthday.body.sync_state).toBe('synced');
  });

  it('refuse what their type does not allow with a 400 naming the field, and change nothing', async () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      [ids.outOfOffice!, { attendees: [CONTACT_EMAIL] }, 'unsupported_for_event_type', 'attendees'],
      [
        ids.outOfOffice!,
        { entity_type: 'contact', entity_id: contactId },
        'unsupported_for_event_type',
        'entity_type',
      ],
      [ids.focusTime!, { transparency: 'transparent' }, 'unsupported_for_event_type', 'transparency'],
      [ids.focusTime!, { conference: true }, 'unsupported_for_event_type', 'conference'],
      [ids.workingLocation!, { location: 'Office' }, 'unsupported_for_event_type', 'location'],
      [ids.birthday!, { start: dateOf(3) }, 'unsupported_for_event_type', 'start'],
      [ids.fromGmail!, { title: 'My flight' }, 'unsupported_for_event_type', 'title'],
      [ids.outOfOffice!, { event_type: 'default' }, 'invalid_event_type', 'event_type'],
      [ids.meeting!, { event_type: 'focusTime' }, 'invalid_event_type', 'event_type'],
      [ids.meeting!, { event_type: 'holiday' }, 'invalid_event_type', 'event_type'],
    ];
    for (const [googleId, body, code, field] of cases) {
      const before = await itemOf(googleId);
      const res = await patch(googleId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatchObject({ code, details: { field } });
      expect(res.body.error.message).toContain(field);
      expect(await itemOf(googleId)).toEqual(before);
    }
  });

  it('cannot be made through the CRM', async () => {
    const res = await api<ErrorJson>(t, alice, 'POST', '/calendar/events', {
      title: 'Away',
      start: at(18),
      end: at(19),
      event_type: 'outOfOffice',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_event_type', details: { field: 'event_type' } });
    const plain = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'A meeting',
        start: at(18),
        end: at(19),
        event_type: 'default',
      }),
    );
    expect((await settled(t, plain.id)).event_type).toBe('default');
  });
});
