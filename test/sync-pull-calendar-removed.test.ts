import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { authHeader, emulatorAdmin, getStatus } from './support/oauth-flow.js';
import {
  connectAndSync,
  listAllEvents,
  listCalendars,
  pullsIdle,
  syncNow,
  waitForEvents,
  type CalendarJson,
} from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

let t: TestApp;
let google: calendar_v3.Calendar;
const USER = 'cal-removed';
const EMAIL = 'cal-removed@example.com';

interface Activity {
  type: string;
  status: string;
  title: string;
}

async function inject<T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: await authHeader(t, USER),
    ...(payload === undefined ? {} : { payload }),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}

async function meetingsOf(contactId: string): Promise<Activity[]> {
  const { items } = await inject<{ items: Activity[] }>('GET', `/crm/contacts/${contactId}/activities`);
  return items.filter((a) => a.type === 'meeting');
}

/** A secondary calendar made in Google, selected in the CRM, with one event linked to a CRM contact, synced. */
async function syncedSecondaryCalendar(name: string) {
  const contact = await inject<{ id: string }>('POST', '/crm/contacts', {
    name: `${name} client`,
    email: `${name.toLowerCase()}-client@example.net`,
  });
  const { data: created } = await google.calendars.insert({ requestBody: { summary: name } });
  const googleCalendarId = created.id!;
  await google.events.insert({
    calendarId: googleCalendarId,
    requestBody: {
      summary: `${name} review`,
      start: { dateTime: '2031-09-01T10:00:00Z' },
      end: { dateTime: '2031-09-01T11:00:00Z' },
      attendees: [{ email: `${name.toLowerCase()}-client@example.net` }],
    },
  });
  const listed = await inject<{ items: CalendarJson[] }>('GET', '/calendar/calendars?refresh=true');
  const calendar = listed.items.find((c) => c.google_calendar_id === googleCalendarId)!;
  const selected = await inject<CalendarJson>('PATCH', `/calendar/calendars/${calendar.id}`, {
    selected: true,
  });
  expect(selected.push_channel_expires_at).not.toBeNull();
  await waitForEvents(t, USER, `the ${name} event`, (items) =>
    items.some((i) => i.calendar_id === calendar.id && i.entity_id === contact.id),
  );
  expect(await meetingsOf(contact.id)).toMatchObject([{ status: 'scheduled' }]);
  await pullsIdle(t);
  const { rows } = await t.ctx.database.executeSql<{ channel_id: string }>(
    'SELECT channel_id FROM calendars WHERE id = $1',
    [calendar.id],
  );
  return { calendar, googleCalendarId, contactId: contact.id, channelId: rows[0]!.channel_id };
}

/** The CRM no longer shows the calendar, its events, or an error about it; its channel is stopped in Google. */
async function expectRemoved(removed: Awaited<ReturnType<typeof syncedSecondaryCalendar>>) {
  expect((await listCalendars(t, USER)).map((c) => c.id)).not.toContain(removed.calendar.id);
  expect(await listAllEvents(t, USER, { calendar_id: removed.calendar.id })).toEqual([]);
  expect((await listAllEvents(t, USER)).some((i) => i.calendar_id === removed.calendar.id)).toBe(false);
  expect(await meetingsOf(removed.contactId)).toMatchObject([{ status: 'cancelled' }]);
  const channels = await emulatorAdmin<{ id: string; stopped: boolean }[]>(t, 'GET', '/channels');
  expect(channels.find((c) => c.id === removed.channelId)).toMatchObject({ stopped: true });
  const status = await getStatus(t, USER);
  expect(status).toMatchObject({ status: 'active', last_error: null });
  const calendars = status.calendars as { id: string; sync_status: string; last_error: string | null }[];
  expect(calendars.map((c) => c.id)).not.toContain(removed.calendar.id);
  expect(calendars.every((c) => c.sync_status !== 'error' && c.last_error === null)).toBe(true);
}

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
});

describe('a calendar deleted in Google', () => {
  it('is removed by the next sync: channel stopped, events gone, meetings cancelled, no error left behind', async () => {
    const removed = await syncedSecondaryCalendar('Projects');
    const primary = (await listCalendars(t, USER)).find((c) => c.primary)!;

    await google.calendars.delete({ calendarId: removed.googleCalendarId });
    const first = await syncNow(t, USER);
    expect(first.calendars.find((c) => c.calendar_id === removed.calendar.id)).toMatchObject({
      status: 'skipped',
    });
    expect(first.calendars.find((c) => c.calendar_id === primary.id)).toMatchObject({ status: 'pulled' });
    await expectRemoved(removed);

    // Nothing is left to retry: the next sync pulls only the primary calendar, without failures.
    const again = await syncNow(t, USER);
    expect(again.calendars.map((c) => [c.calendar_id, c.status])).toEqual([[primary.id, 'pulled']]);
  });

  it('is removed when a push notification makes the queued pull find it gone', async () => {
    const removed = await syncedSecondaryCalendar('Hiring');
    // The channel's token, as Google sent it with the channel's first (`sync`) message.
    const headers = await waitFor('the sync message of the channel', async () => {
      const deliveries = await emulatorAdmin<{ channelId: string; headers: Record<string, string> }[]>(
        t,
        'GET',
        '/webhooks',
      );
      return deliveries.find((d) => d.channelId === removed.channelId)?.headers;
    });

    await google.calendars.delete({ calendarId: removed.googleCalendarId });
    const notified = await t.app.inject({
      method: 'POST',
      url: '/webhooks/google/calendar',
      headers: {
        'x-goog-channel-id': removed.channelId,
        'x-goog-channel-token': headers['X-Goog-Channel-Token']!,
        'x-goog-resource-id': headers['X-Goog-Resource-ID']!,
        'x-goog-resource-state': 'exists',
        'x-goog-message-number': '2',
      },
    });
    expect(notified.statusCode, notified.body).toBeLessThan(300);
    await waitFor('the calendar to be removed', async () =>
      (await listCalendars(t, USER)).some((c) => c.id === removed.calendar.id) ? undefined : true,
    );
    await pullsIdle(t);
    await expectRemoved(removed);
    // The job ended without a retry scheduled.
    const { rows } = await t.ctx.database.executeSql<{ n: number }>(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'calendar.pull' AND state IN ('retry', 'failed') AND data->>'calendarId' = $1",
      [removed.calendar.id],
    );
    expect(rows[0]!.n).toBe(0);
  });
});
