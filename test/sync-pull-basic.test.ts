import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { authHeader } from './support/oauth-flow.js';
import {
  connectAndSync,
  listCalendars,
  listEvents,
  pullsIdle,
  syncNow,
  waitForEvents,
} from './support/sync-pull.js';
import { googleAs, googleCalls, resetGoogleCalls } from './support/emulator-client.js';
import { waitFor } from './support/wait-for.js';

let t: TestApp;
let google: calendar_v3.Calendar;
const USER = 'pull-basic';
const EMAIL = 'pull-basic@example.com';

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
});

describe('Google -> CRM through push channels', () => {
  it('shows an event created in Google, then its changes, its move and its deletion', async () => {
    const { data: created } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Quarterly review',
        description: 'Numbers',
        location: 'Room 1',
        start: { dateTime: '2031-03-10T09:00:00-05:00', timeZone: 'America/New_York' },
        end: { dateTime: '2031-03-10T10:00:00-05:00', timeZone: 'America/New_York' },
        attendees: [{ email: 'guest@example.org', displayName: 'Guest', responseStatus: 'tentative' }],
        reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 15 }] },
      },
    });
    const [item] = await waitForEvents(t, USER, 'the new event', (items) =>
      items.some((i) => i.google_event_id === created.id),
    );
    expect(item).toMatchObject({
      title: 'Quarterly review',
      description: 'Numbers',
      location: 'Room 1',
      start_time: '2031-03-10T14:00:00.000Z',
      end_time: '2031-03-10T15:00:00.000Z',
      all_day: false,
      start_date: null,
      time_zone: 'America/New_York',
      attendees: [
        {
          email: 'guest@example.org',
          name: 'Guest',
          status: 'tentative',
          optional: false,
          organizer: false,
          self: false,
        },
      ],
      organizer_email: EMAIL,
      reminders: { use_default: false, overrides: [{ method: 'popup', minutes: 15 }] },
      html_link: created.htmlLink,
      sync_state: 'synced',
      status: 'confirmed',
    });

    await google.events.patch({
      calendarId: 'primary',
      eventId: created.id!,
      requestBody: { summary: 'Quarterly review (moved)' },
    });
    await waitForEvents(t, USER, 'the renamed event', (items) =>
      items.some((i) => i.title === 'Quarterly review (moved)'),
    );

    await google.events.patch({
      calendarId: 'primary',
      eventId: created.id!,
      requestBody: {
        start: { dateTime: '2031-03-12T16:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2031-03-12T17:30:00Z', timeZone: 'UTC' },
      },
    });
    const moved = await waitForEvents(t, USER, 'the moved event', (items) =>
      items.some((i) => i.start_time === '2031-03-12T16:00:00.000Z'),
    );
    expect(moved.filter((i) => i.google_event_id === created.id)).toHaveLength(1);

    const one = await t.app.inject({
      method: 'GET',
      url: `/calendar/events/${item!.id}`,
      headers: await authHeader(t, USER),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: item!.id, end_time: '2031-03-12T17:30:00.000Z' });

    await google.events.delete({ calendarId: 'primary', eventId: created.id! });
    await waitForEvents(
      t,
      USER,
      'the deletion',
      (items) => !items.some((i) => i.google_event_id === created.id),
    );
    const gone = await t.app.inject({
      method: 'GET',
      url: `/calendar/events/${item!.id}`,
      headers: await authHeader(t, USER),
    });
    expect(gone.statusCode).toBe(404);
  });

  it('reports per-calendar sync status and what a manual sync changed', async () => {
    await google.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Manual', start: { date: '2031-05-01' }, end: { date: '2031-05-02' } },
    });
    const result = await syncNow(t, USER);
    const primary = (await listCalendars(t, USER)).find((c) => c.primary)!;
    expect(result.calendars).toHaveLength(1);
    expect(result.calendars[0]).toMatchObject({ calendar_id: primary.id, full_sync: false });
    // The push channel may already have pulled it; either way the event is there exactly once.
    const { items } = await listEvents(t, USER, { q: 'manual' });
    expect(items.map((i) => i.title)).toEqual(['Manual']);
    expect(primary.last_error).toBeNull();
    // A pull the push notification queued may still be running; the status settles to idle.
    const status = await waitFor('an idle status', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/integrations/calendar/status',
        headers: await authHeader(t, USER),
      });
      return res.json().calendars[0].sync_status === 'idle' ? res : undefined;
    });
    expect(status.json().calendars[0]).toMatchObject({ sync_status: 'idle', last_error: null });
    expect(status.json().last_sync_at).not.toBeNull();
  });

  it('an idle incremental pull costs exactly one Google call', async () => {
    await pullsIdle(t);
    await resetGoogleCalls(t);
    const result = await syncNow(t, USER);
    expect(result.calendars[0]).toMatchObject({
      status: 'pulled',
      created: 0,
      updated: 0,
      deleted: 0,
      fetched: 0,
    });
    expect(await googleCalls(t)).toEqual({ 'calendar.events.list': 1 });
  });
});
