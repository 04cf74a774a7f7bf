import type { calendar_v3 } from '@googleapis/calendar';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { authHeader, freshAccount, getStatus } from './support/oauth-flow.js';
import { googleAs } from './support/emulator-client.js';
import {
  connectAndSync,
  listCalendars,
  listAllEvents,
  pullsIdle,
  syncNow,
  waitForEvents,
  type CalendarJson,
  type EventItemJson,
} from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

/**
 * Hostile events made in Google through the official client: text PostgreSQL cannot store (NUL,
 * lone surrogates) in every field, and a date the database refuses. One such event must never
 * stop its calendar: it is stored with the text made storable, or set aside with the reason
 * (shown per calendar in the status), while the rest of the page and every later change sync.
 */

let t: TestApp;
let google: calendar_v3.Calendar;
let userId: string;
let calendarId: string;

useTestApp({}, async (app) => {
  t = app;
});

const hour = (h: number) => ({
  start: { dateTime: `2030-02-01T${String(h).padStart(2, '0')}:00:00Z` },
  end: { dateTime: `2030-02-01T${String(h).padStart(2, '0')}:30:00Z` },
});

async function insert(body: calendar_v3.Schema$Event): Promise<calendar_v3.Schema$Event> {
  return (await google.events.insert({ calendarId: 'primary', requestBody: body })).data;
}

async function calendar(): Promise<CalendarJson> {
  const found = (await listCalendars(t, userId)).find((c) => c.id === calendarId);
  if (found === undefined) throw new Error('calendar gone');
  return found;
}

async function metric(outcome: string): Promise<number> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith(`sync_pull_events_total{outcome="${outcome}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

const titled = (items: EventItemJson[], title: string) => items.find((item) => item.title === title);

describe('poison events from Google', () => {
  let yearZero: calendar_v3.Schema$Event;

  beforeAll(async () => {
    const account = freshAccount('poison');
    userId = account.userId;
    calendarId = (await connectAndSync(t, userId, account.email)).id;
    google = await googleAs(t, account.email);
    await insert({ ...hour(8), summary: 'Before' });
    await insert({
      ...hour(9),
      summary: 'Deal\u0000 review',
      description: 'Q4\u0000 numbers',
      location: 'Room\u0000 2',
      attendees: [{ email: 'guest\u0000@example.org', displayName: 'Ana\u0000' }],
      extendedProperties: { private: { 'note\u0000': 'x\u0000' }, shared: { k: 'v\u0000' } },
    });
    await insert({ ...hour(10), summary: 'Broken \uD800 text' });
    // Google reads 00:30 at +01:00 on 0001-01-01 as 0000-12-31T23:30Z: a year PostgreSQL refuses.
    yearZero = await insert({
      summary: 'Year zero',
      start: { dateTime: '0001-01-01T00:30:00+01:00' },
      end: { dateTime: '0001-01-01T02:00:00+01:00' },
    });
    await insert({ ...hour(11), summary: 'After' });
  });

  it('stores the rest of the page, text made storable, and sets aside what the database refuses', async () => {
    const items = await waitForEvents(t, userId, 'the events around the poison ones', (all) =>
      ['Before', 'Deal review', 'After'].every((title) => titled(all, title) !== undefined),
    );
    expect(titled(items, 'Deal review')).toMatchObject({
      description: 'Q4 numbers',
      location: 'Room 2',
      attendees: [expect.objectContaining({ email: 'guest@example.org', name: 'Ana' })],
      sync_state: 'synced',
    });
    expect(titled(items, 'Broken \uFFFD text')).toBeDefined();
    expect(items.some((item) => item.google_event_id === yearZero.id)).toBe(false);

    const shown = await waitFor('the skipped event in the calendar list', async () => {
      const c = await calendar();
      return c.skipped_events === 1 ? c : undefined;
    });
    expect(shown.last_skip_reason).toMatch(/date\/time field value out of range/);
    expect(shown.last_skipped_at).not.toBeNull();
    expect(shown.sync_status).toBe('idle');
    expect(shown.last_error).toBeNull();

    const status = await getStatus(t, userId);
    expect(status.calendars).toContainEqual(
      expect.objectContaining({
        id: calendarId,
        skipped_events: 1,
        last_skip_reason: shown.last_skip_reason,
      }),
    );
    expect(await metric('skipped')).toBeGreaterThanOrEqual(1);
    expect(await metric('sanitised')).toBeGreaterThanOrEqual(2);
  });

  it('keeps syncing later changes, and a full resync counts the set-aside event once', async () => {
    await pullsIdle(t);
    await insert({ ...hour(12), summary: 'Later' });
    await waitForEvents(t, userId, 'a change made after the poison events', (all) =>
      all.some((item) => item.title === 'Later'),
    );

    const full = await syncNow(t, userId, { full: true });
    expect(full.calendars).toEqual([
      expect.objectContaining({ calendar_id: calendarId, status: 'pulled', full_sync: true, skipped: 1 }),
    ]);
    expect((await calendar()).skipped_events).toBe(1);
    const titles = (await listAllEvents(t, userId)).map((item) => item.title);
    expect(titles).toEqual(
      expect.arrayContaining(['Before', 'Deal review', 'Broken \uFFFD text', 'After', 'Later']),
    );
  });

  it('pushes a CRM change to an event whose Google copy keeps text the database cannot store', async () => {
    const { data: imported } = await google.events.import({
      calendarId: 'primary',
      requestBody: { ...hour(14), summary: 'Imported', iCalUID: 'poison\u0000@example.org' },
    });
    const [item] = await waitForEvents(t, userId, 'the imported event', (all) =>
      all.some((i) => i.google_event_id === imported.id),
    ).then((all) => all.filter((i) => i.google_event_id === imported.id));
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/calendar/events/${item!.id}`,
      headers: await authHeader(t, userId),
      payload: { title: 'Imported, renamed in the CRM', send_updates: 'none' },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    // Google answers the write with its copy, NUL and all: the CRM stores what it can of it.
    await waitForEvents(t, userId, 'the change synced', (all) =>
      all.some(
        (i) => i.id === item!.id && i.sync_state === 'synced' && i.title === 'Imported, renamed in the CRM',
      ),
    );
    const { data: inGoogle } = await google.events.get({ calendarId: 'primary', eventId: imported.id! });
    expect(inGoogle.summary).toBe('Imported, renamed in the CRM');
  });

  it('stores the set-aside event once Google has a storable version, and forgets its skip', async () => {
    await pullsIdle(t);
    await google.events.patch({
      calendarId: 'primary',
      eventId: yearZero.id!,
      requestBody: { ...hour(13), summary: 'Year zero, fixed' },
    });
    await waitForEvents(t, userId, 'the fixed event', (all) =>
      all.some((item) => item.google_event_id === yearZero.id && item.title === 'Year zero, fixed'),
    );
    const after = await waitFor('the skip forgotten', async () => {
      const c = await calendar();
      return c.skipped_events === 0 ? c : undefined;
    });
    expect(after.last_skip_reason).toBeNull();
    expect(after.last_skipped_at).toBeNull();
  });
});
