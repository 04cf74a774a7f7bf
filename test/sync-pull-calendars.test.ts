import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { authHeader, emulatorAdmin } from './support/oauth-flow.js';
import {
  connectAndSync,
  listAllEvents,
  listCalendars,
  refreshCalendars,
  type CalendarJson,
  waitForEvents,
} from './support/sync-pull.js';
import { googleAs } from './support/emulator-client.js';

let t: TestApp;
let google: calendar_v3.Calendar;
const USER = 'pull-cals';
const EMAIL = 'pull-cals@example.com';

async function calendars(refresh = false): Promise<CalendarJson[]> {
  return refresh ? refreshCalendars(t, USER) : listCalendars(t, USER);
}

async function select(id: string, selected: boolean) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/calendar/calendars/${id}`,
    headers: await authHeader(t, USER),
    payload: { selected },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<CalendarJson & { events_deleted: number; pull_queued: boolean }>();
}

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
});

describe('calendar selection', () => {
  it('lists the calendars with the primary one selected; others sync once selected and stop when deselected', async () => {
    const [primary] = await calendars();
    expect(primary).toMatchObject({
      google_calendar_id: EMAIL,
      primary: true,
      selected: true,
      sync_status: 'idle',
    });

    const { data: team } = await google.calendars.insert({
      requestBody: { summary: 'Team', timeZone: 'Europe/Paris' },
    });
    await google.events.insert({
      calendarId: team.id!,
      requestBody: {
        summary: 'Team lunch',
        start: { dateTime: '2031-06-02T12:00:00+02:00' },
        end: { dateTime: '2031-06-02T13:00:00+02:00' },
      },
    });
    const listed = await calendars(true);
    const secondary = listed.find((c) => c.google_calendar_id === team.id)!;
    expect(secondary).toMatchObject({ primary: false, selected: false, last_sync_at: null });
    expect(await listAllEvents(t, USER, { q: 'team lunch' })).toEqual([]);

    const selected = await select(secondary.id, true);
    expect(selected).toMatchObject({ selected: true, pull_queued: true });
    expect(selected.push_channel_expires_at).not.toBeNull();
    const items = await waitForEvents(t, USER, 'the team calendar', (list) =>
      list.some((i) => i.title === 'Team lunch'),
    );
    expect(items.find((i) => i.title === 'Team lunch')).toMatchObject({
      calendar_id: secondary.id,
      start_time: '2031-06-02T10:00:00.000Z',
    });
    expect((await listAllEvents(t, USER, { calendar_id: secondary.id })).map((i) => i.title)).toEqual([
      'Team lunch',
    ]);

    const channelId = (
      await t.ctx.database.executeSql<{ channel_id: string }>(
        'SELECT channel_id FROM calendars WHERE id = $1',
        [secondary.id],
      )
    ).rows[0]!.channel_id;
    const deselected = await select(secondary.id, false);
    expect(deselected).toMatchObject({ selected: false, events_deleted: 1, push_channel_expires_at: null });
    expect(await listAllEvents(t, USER, { calendar_id: secondary.id })).toEqual([]);
    const channels = await emulatorAdmin<{ id: string; stopped: boolean }[]>(t, 'GET', '/channels');
    expect(channels.find((c) => c.id === channelId)).toMatchObject({ stopped: true });

    // Changes to a deselected calendar are not pulled.
    await google.events.insert({
      calendarId: team.id!,
      requestBody: {
        summary: 'Team dinner',
        start: { dateTime: '2031-06-03T19:00:00Z' },
        end: { dateTime: '2031-06-03T21:00:00Z' },
      },
    });
    const sync = await t.app.inject({
      method: 'POST',
      url: '/calendar/sync',
      headers: await authHeader(t, USER),
      payload: {},
    });
    expect(sync.json().calendars.map((c: { calendar_id: string }) => c.calendar_id)).toEqual([primary!.id]);
    expect(await listAllEvents(t, USER, { q: 'team' })).toEqual([]);

    // Selecting it again lists it in full.
    await select(secondary.id, true);
    await waitForEvents(
      t,
      USER,
      'the calendar again',
      (list) => list.filter((i) => i.calendar_id === secondary.id).length === 2,
    );
  });

  it('answers clearly when there is no connection', async () => {
    const headers = await authHeader(t, 'pull-cals-nobody');
    const sync = await t.app.inject({ method: 'POST', url: '/calendar/sync', headers, payload: {} });
    expect(sync.statusCode).toBe(409);
    expect(sync.json().error).toMatchObject({
      code: 'precondition_failed',
      message: 'Google Calendar is not connected',
    });
    const list = await t.app.inject({ method: 'GET', url: '/calendar/calendars', headers });
    expect(list.json()).toEqual({ items: [] });
    const missing = await t.app.inject({
      method: 'PATCH',
      url: `/calendar/calendars/${crypto.randomUUID()}`,
      headers,
      payload: { selected: true },
    });
    expect(missing.statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'GET', url: '/calendar/events?start_date=tomorrow', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/start_date/);
    const badCursor = await t.app.inject({ method: 'GET', url: '/calendar/events?cursor=abc', headers });
    expect(badCursor.statusCode).toBe(400);
  });
});
