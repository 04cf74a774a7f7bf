import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { formatUtcCompact } from '../src/kernel/time.js';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { api, connectedUser, expectOk, removed, settled, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/** A series whose occurrences are deleted one by one from the CRM ends once none is left. */

interface Item {
  id: string;
  google_event_id: string;
  start_time: string;
  sync_state: string;
  status: string;
}

interface Activity {
  status: string;
  event_id: string | null;
  title: string;
}

const WEEK = 7 * 86_400_000;

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'series-alice', { timeZone: 'America/New_York' });
  google = await googleAs(t, alice.email);
});

async function deal(name: string): Promise<string> {
  return expectOk(await api<{ id: string }>(t, alice, 'POST', '/crm/deals', { name })).id;
}

/** The deal's one meeting activity (its event link is cleared once the event row is gone). */
async function activityOf(dealId: string): Promise<Activity | undefined> {
  const res = await api<{ items: Activity[] }>(t, alice, 'GET', `/crm/deals/${dealId}/activities`);
  expect(res.status).toBe(200);
  expect(res.body.items.length).toBeLessThanOrEqual(1);
  return res.body.items[0];
}

/**
 * A weekly 09:00 New York series starting on Monday 3 March 2031, linked to the deal and confirmed
 * by Google; its third occurrence falls after the DST change of 9 March.
 */
async function weekly(title: string, dealId: string, rule: string): Promise<Item> {
  const item = expectOk(
    await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
      title,
      start: '2031-03-03T09:00:00',
      end: '2031-03-03T10:00:00',
      time_zone: 'America/New_York',
      recurrence: [rule],
      entity_type: 'deal',
      entity_id: dealId,
      send_updates: 'none',
    }),
  );
  expect(item.sync_state).toBe('synced');
  return item;
}

/** Occurrence `n` (0-based) of a series made by weekly(): 09:00 New York on the wall clock. */
function occurrence(series: Item, n: number): string {
  const wall = new Date(Date.parse('2031-03-03T09:00:00Z') + n * WEEK);
  // 14:00 UTC before the DST change (EST), 13:00 UTC after it (EDT).
  const utc = new Date(wall.getTime() + (wall < new Date('2031-03-09T00:00:00Z') ? 5 : 4) * 3_600_000);
  return `${series.id}:${series.google_event_id}_${formatUtcCompact(utc)}`;
}

async function instancesAtGoogle(series: Item): Promise<calendar_v3.Schema$Event[]> {
  const { data } = await google.events.instances({ calendarId: 'primary', eventId: series.google_event_id });
  return data.items ?? [];
}

describe('deleting the occurrences of a series one by one', () => {
  it('the last one ends the series on both sides and cancels its activity', async () => {
    const dealId = await deal('Three-week pilot');
    const series = await weekly('Pilot check-in', dealId, 'RRULE:FREQ=WEEKLY;COUNT=3');
    expect((await activityOf(dealId))?.status).toBe('scheduled');

    for (const n of [0, 1]) {
      expect(
        (await api(t, alice, 'DELETE', `/calendar/events/${occurrence(series, n)}?scope=this`)).status,
      ).toBe(204);
      // Occurrences are left: the series lives on.
      expect((await api(t, alice, 'GET', `/calendar/events/${series.id}`)).status).toBe(200);
      expect((await activityOf(dealId))?.status).toBe('scheduled');
    }
    await waitFor(
      'two occurrences cancelled at Google',
      async () => (await instancesAtGoogle(series)).length === 1,
    );

    expect(
      (await api(t, alice, 'DELETE', `/calendar/events/${occurrence(series, 2)}?scope=this`)).status,
    ).toBe(204);
    expect((await api(t, alice, 'GET', `/calendar/events/${series.id}`)).status).toBe(404);
    expect((await api(t, alice, 'GET', `/calendar/events/${occurrence(series, 2)}`)).status).toBe(404);
    expect((await activityOf(dealId))?.status).toBe('cancelled');
    await removed(t, series.id);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: series.google_event_id });
    expect(data.status).toBe('cancelled');
    // Nothing of the series is left in the CRM, and its activity stays cancelled.
    const rows = await t.ctx.db
      .selectFrom('events')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('google_event_id', '=', series.google_event_id),
          eb('recurring_event_id', '=', series.google_event_id),
        ]),
      )
      .execute();
    expect(rows).toEqual([]);
    expect((await activityOf(dealId))?.status).toBe('cancelled');
  });

  it('a series that ends with UNTIL ends the same way', async () => {
    const dealId = await deal('Two-week trial');
    // UNTIL on the second Monday, 14:00 UTC: two occurrences.
    const series = await weekly('Trial check-in', dealId, 'RRULE:FREQ=WEEKLY;UNTIL=20310310T130000Z');
    for (const n of [1, 0]) {
      expect((await api(t, alice, 'DELETE', `/calendar/events/${occurrence(series, n)}`)).status).toBe(204);
    }
    expect((await api(t, alice, 'GET', `/calendar/events/${series.id}`)).status).toBe(404);
    expect((await activityOf(dealId))?.status).toBe('cancelled');
    await removed(t, series.id);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: series.google_event_id });
    expect(data.status).toBe('cancelled');
  });

  it('a series without an end always has occurrences left', async () => {
    const dealId = await deal('Retainer');
    const series = await weekly('Retainer sync', dealId, 'RRULE:FREQ=WEEKLY');
    for (const n of [0, 1, 2]) {
      expect((await api(t, alice, 'DELETE', `/calendar/events/${occurrence(series, n)}`)).status).toBe(204);
    }
    const read = expectOk(await api<Item>(t, alice, 'GET', `/calendar/events/${series.id}`), 200);
    expect(read.status).toBe('confirmed');
    expect((await activityOf(dealId))?.status).toBe('scheduled');
    expect((await settled(t, series.id)).sync_state).toBe('synced');
  });
});
