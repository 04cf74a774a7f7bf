import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { authHeader, emulatorAdmin } from './support/oauth-flow.js';
import {
  connectAndSync,
  createGoogleUser,
  listCalendars,
  pullsIdle,
  refreshCalendars,
  shareCalendar,
  storedEventCount,
  waitForEvents,
} from './support/sync-pull.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * The calendar list as Google keeps it for the user: a calendar they hide in Google stays synced
 * (Google lists it only with showHidden), one they remove from their list (unsubscribe, while
 * keeping access) leaves the CRM with its events, and their meetings are cancelled.
 */

const USER = 'calendar-list-alice';
const EMAIL = 'calendar-list-alice@example.com';
const COLLEAGUE = 'calendar-list-colleague@example.com';

let t: TestApp;
let google: calendar_v3.Calendar;
let colleague: calendar_v3.Calendar;

async function inject<T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object): Promise<T> {
  const res = await t.app.inject({
    method,
    url,
    headers: await authHeader(t, USER),
    ...(payload === undefined ? {} : { payload }),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}

/** A colleague's calendar shared with the user, selected in the CRM and synced, with a meeting of a CRM contact. */
async function sharedSyncedCalendar(summary: string) {
  const email = `${summary.toLowerCase().replace(/\W+/g, '-')}@example.net`;
  const contact = await inject<{ id: string }>('POST', '/crm/contacts', { name: `${summary} client`, email });
  const { data } = await colleague.calendars.insert({ requestBody: { summary } });
  const googleCalendarId = data.id!;
  await colleague.events.insert({
    calendarId: googleCalendarId,
    requestBody: {
      summary: `${summary} review`,
      start: { dateTime: '2031-11-03T10:00:00Z' },
      end: { dateTime: '2031-11-03T11:00:00Z' },
      attendees: [{ email }],
    },
  });
  await shareCalendar(colleague, googleCalendarId, EMAIL, 'reader');
  const calendar = (await refreshCalendars(t, USER)).find((c) => c.google_calendar_id === googleCalendarId)!;
  await inject('PATCH', `/calendar/calendars/${calendar.id}`, { selected: true });
  await waitForEvents(t, USER, `the ${summary} meeting`, (items) =>
    items.some((i) => i.calendar_id === calendar.id && i.entity_id === contact.id),
  );
  await pullsIdle(t);
  return { calendar, googleCalendarId, contactId: contact.id };
}

async function meetingStatuses(contactId: string): Promise<string[]> {
  const { items } = await inject<{ items: { type: string; status: string }[] }>(
    'GET',
    `/crm/contacts/${contactId}/activities`,
  );
  return items.filter((a) => a.type === 'meeting').map((a) => a.status);
}

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
  await createGoogleUser(t, COLLEAGUE);
  colleague = await googleAs(t, COLLEAGUE);
});

describe('the calendar list read from Google', () => {
  it('keeps a calendar the user hid in Google: still listed, selected and synced', async () => {
    const shared = await sharedSyncedCalendar('Hidden team');
    await google.calendarList.patch({ calendarId: shared.googleCalendarId, requestBody: { hidden: true } });

    const rows = await refreshCalendars(t, USER);
    expect(rows.find((c) => c.id === shared.calendar.id)).toMatchObject({ selected: true });
    expect(await storedEventCount(t, shared.calendar.id)).toBe(1);
    expect(await meetingStatuses(shared.contactId)).toEqual(['scheduled']);
  });

  it('removes a calendar the user unsubscribed from in Google, with its events and meetings', async () => {
    const shared = await sharedSyncedCalendar('Left team');
    const channelId = (
      await t.ctx.db
        .selectFrom('calendars')
        .select('channel_id')
        .where('id', '=', shared.calendar.id)
        .executeTakeFirstOrThrow()
    ).channel_id;

    // The user takes it off their list; the sharing rule stays, so Google still serves its events.
    await google.calendarList.delete({ calendarId: shared.googleCalendarId });
    expect((await google.events.list({ calendarId: shared.googleCalendarId })).status).toBe(200);

    const rows = await refreshCalendars(t, USER);
    expect(rows.map((c) => c.id)).not.toContain(shared.calendar.id);
    expect((await listCalendars(t, USER)).map((c) => c.id)).not.toContain(shared.calendar.id);
    expect(await storedEventCount(t, shared.calendar.id)).toBe(0);
    expect(await meetingStatuses(shared.contactId)).toEqual(['cancelled']);
    const channels = await emulatorAdmin<{ id: string; stopped: boolean }[]>(t, 'GET', '/channels');
    expect(channels.find((c) => c.id === channelId)).toMatchObject({ stopped: true });
  });

  it('shows each calendar in the colour the user gave it in Google, and only a #rrggbb colour', async () => {
    await google.calendarList.patch({
      calendarId: 'primary',
      colorRgbFormat: true,
      requestBody: { backgroundColor: '#D06B64', foregroundColor: '#000000' },
    });
    const rows = await refreshCalendars(t, USER);
    expect(rows.find((c) => c.primary)).toMatchObject({
      background_color: '#d06b64',
      foreground_color: '#000000',
    });
    const shared = await sharedSyncedCalendar('Coloured team');
    const listed = (await refreshCalendars(t, USER)).find((c) => c.id === shared.calendar.id);
    const { data } = await google.calendarList.get({ calendarId: shared.googleCalendarId });
    expect(data.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(listed?.background_color).toBe(data.backgroundColor?.toLowerCase());
  });

  it('says on each calendar that push notifications are on (no reason to fall back)', async () => {
    const calendars = await inject<{ items: { push_off_reason: string | null }[] }>(
      'GET',
      '/calendar/calendars',
    );
    expect(calendars.items.length).toBeGreaterThan(0);
    expect(calendars.items.every((c) => c.push_off_reason === null)).toBe(true);
  });
});
