import { describe, expect, it } from 'vitest';
import { formatUtcCompact } from '../src/kernel/time.js';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { listEvents } from './support/sync-pull.js';
import {
  api,
  connectedUser,
  expectOk,
  settled,
  withReadOnlyGrant,
  type PushUser,
} from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

interface Item {
  id: string;
  google_event_id: string;
  start_time: string;
}

let t: TestApp;
let alice: PushUser;
const WEEK = 7 * 86_400_000;
const HOUR = 3_600_000;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'occurrence-refusals');
});

/** A weekly series of 4 (09:00-10:00 UTC) starting on `first`, confirmed by Google. */
async function weekly(title: string, first: string): Promise<Item> {
  const start = new Date(first);
  const item = expectOk(
    await api<Item & { sync_state: string }>(t, alice, 'POST', '/calendar/events?wait=true', {
      title,
      start: start.toISOString(),
      end: new Date(start.getTime() + HOUR).toISOString(),
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    }),
  );
  expect(item.sync_state).toBe('synced');
  return item;
}

function occurrenceOf(series: Item, n: number): { apiId: string; googleId: string; start: Date } {
  const start = new Date(new Date(series.start_time).getTime() + n * WEEK);
  const googleId = `${series.google_event_id}_${formatUtcCompact(start)}`;
  return { apiId: `${series.id}:${googleId}`, googleId, start };
}

async function occurrenceRow(googleId: string) {
  return waitFor(`the row of ${googleId}`, () =>
    t.ctx.db.selectFrom('events').selectAll().where('google_event_id', '=', googleId).executeTakeFirst(),
  );
}

/** The occurrence as GET /calendar/events lists it around its day, if listed. */
async function listed(series: Item, start: Date) {
  const { items } = await listEvents(t, alice.userId, {
    start_date: new Date(start.getTime() - 86_400_000).toISOString(),
    end_date: new Date(start.getTime() + 86_400_000).toISOString(),
  });
  return items.find((i) => i.recurring_event_id === series.google_event_id);
}

async function googleInstances(series: Item) {
  const google = await googleAs(t, alice.email);
  const { data } = await google.events.instances({ calendarId: 'primary', eventId: series.google_event_id });
  return data.items ?? [];
}

describe('cancelling one occurrence that Google refuses', () => {
  it('a plain occurrence comes back at its series time, failed with the reason', async () => {
    const series = await weekly('Refused cancel', '2031-03-03T09:00:00Z');
    const second = occurrenceOf(series, 1);

    const restoreGrant = await withReadOnlyGrant(t, alice);
    try {
      expect((await api(t, alice, 'DELETE', `/calendar/events/${second.apiId}?scope=this`)).status).toBe(204);
      const row = await settled(t, (await occurrenceRow(second.googleId)).id);
      expect(row.sync_state).toBe('failed');
      expect(row.sync_error).toMatch(/Google refused the change \(403 insufficientPermissions/);
      expect(row).toMatchObject({ status: 'confirmed', all_day: false });
      expect(row.start_at?.toISOString()).toBe(second.start.toISOString());
      expect(row.end_at?.toISOString()).toBe(new Date(second.start.getTime() + HOUR).toISOString());
    } finally {
      await restoreGrant();
    }
    // The CRM shows the occurrence Google still has.
    expect(await listed(series, second.start)).toMatchObject({
      title: 'Refused cancel',
      start_time: second.start.toISOString(),
      status: 'confirmed',
      sync_state: 'failed',
    });
    expect((await googleInstances(series)).map((i) => i.id)).toContain(second.googleId);

    // With write access back, the same cancel goes through.
    expect((await api(t, alice, 'DELETE', `/calendar/events/${second.apiId}?scope=this`)).status).toBe(204);
    const cancelled = await settled(t, (await occurrenceRow(second.googleId)).id);
    expect(cancelled).toMatchObject({ sync_state: 'synced', status: 'cancelled' });
    expect(await listed(series, second.start)).toBeUndefined();
    expect((await googleInstances(series)).map((i) => i.id)).not.toContain(second.googleId);
  });

  it('a modified occurrence comes back as Google has it', async () => {
    const series = await weekly('Moved then refused', '2031-04-07T09:00:00Z');
    const third = occurrenceOf(series, 2);
    const movedStart = new Date(third.start.getTime() + 2 * HOUR);
    const moved = expectOk(
      await api<{ sync_state: string }>(t, alice, 'PATCH', `/calendar/events/${third.apiId}?wait=true`, {
        scope: 'this',
        title: 'Moved one',
        start: movedStart.toISOString(),
        end: new Date(movedStart.getTime() + HOUR).toISOString(),
      }),
      200,
    );
    expect(moved.sync_state).toBe('synced');

    const restoreGrant = await withReadOnlyGrant(t, alice);
    try {
      expect((await api(t, alice, 'DELETE', `/calendar/events/${third.apiId}?scope=this`)).status).toBe(204);
      const row = await settled(t, (await occurrenceRow(third.googleId)).id);
      expect(row.sync_state).toBe('failed');
      expect(row.status).toBe('confirmed');
      expect(row.start_at?.toISOString()).toBe(movedStart.toISOString());
      expect(row.end_at?.toISOString()).toBe(new Date(movedStart.getTime() + HOUR).toISOString());
    } finally {
      await restoreGrant();
    }
    expect(await listed(series, movedStart)).toMatchObject({
      title: 'Moved one',
      start_time: movedStart.toISOString(),
      sync_state: 'failed',
    });
  });
});
