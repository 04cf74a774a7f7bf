import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUtcCompact } from '../src/kernel/time.js';
import { googleAs } from './support/emulator-client.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { api, connectedUser, expectOk, settled, type PushUser } from './support/sync-push.js';

interface Item {
  id: string;
  google_event_id: string;
  sync_state: string;
  recurrence: string[] | null;
  start_time: string;
}

let t: TestApp;
let alice: PushUser;

beforeAll(async () => {
  t = await startTestApp();
  alice = await connectedUser(t, 'split-alice', { timeZone: 'America/New_York' });
});
afterAll(async () => {
  await t?.close();
});

/** Start times (UTC ISO) of the series' occurrences at Google. */
async function occurrenceStarts(googleId: string): Promise<string[]> {
  const { data } = await (
    await googleAs(t, alice.email)
  ).events.instances({ calendarId: 'primary', eventId: googleId });
  return (data.items ?? []).map((item) => new Date(item.start?.dateTime ?? '').toISOString());
}

describe("scope 'following' on a series with RDATE and EXDATE lines", () => {
  it('gives the extra and excluded dates from the split on to the new series', async () => {
    // Mondays 09:00 New York from 2031-02-03 (6 of them), plus Wednesdays Feb 5 and Mar 5, less Monday Mar 3.
    const series = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Planning',
        start: '2031-02-03T09:00:00',
        end: '2031-02-03T10:00:00',
        recurrence: [
          'RRULE:FREQ=WEEKLY;COUNT=6',
          'RDATE;TZID=America/New_York:20310205T090000,20310305T090000',
          'EXDATE;TZID=America/New_York:20310303T090000',
        ],
      }),
    );
    expect(series.sync_state).toBe('synced');
    const before = await occurrenceStarts(series.google_event_id);
    expect(before).toEqual([
      '2031-02-03T14:00:00.000Z',
      '2031-02-05T14:00:00.000Z',
      '2031-02-10T14:00:00.000Z',
      '2031-02-17T14:00:00.000Z',
      '2031-02-24T14:00:00.000Z',
      '2031-03-05T14:00:00.000Z',
      '2031-03-10T13:00:00.000Z',
    ]);

    // "This and following" from the 4th Monday (Feb 24).
    const fourth = new Date('2031-02-24T14:00:00Z');
    const apiId = `${series.id}:${series.google_event_id}_${formatUtcCompact(fourth)}`;
    const next = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${apiId}`, {
        title: 'Planning v2',
        scope: 'following',
      }),
      200,
    );
    expect(next.recurrence).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'RDATE;TZID=America/New_York:20310305T090000',
      'EXDATE;TZID=America/New_York:20310303T090000',
    ]);
    expect((await settled(t, series.id)).sync_state).toBe('synced');
    expect((await settled(t, next.id)).sync_state).toBe('synced');

    const { data: old } = await (
      await googleAs(t, alice.email)
    ).events.get({ calendarId: 'primary', eventId: series.google_event_id });
    // Its rule's three Mondays before the split (COUNT counts rule dates, excluded or not).
    expect(old.recurrence).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'RDATE;TZID=America/New_York:20310205T090000',
    ]);
    const first = await occurrenceStarts(series.google_event_id);
    const rest = await occurrenceStarts(next.google_event_id);
    expect(first).toEqual([
      '2031-02-03T14:00:00.000Z',
      '2031-02-05T14:00:00.000Z',
      '2031-02-10T14:00:00.000Z',
      '2031-02-17T14:00:00.000Z',
    ]);
    expect(rest).toEqual([
      '2031-02-24T14:00:00.000Z',
      '2031-03-05T14:00:00.000Z',
      '2031-03-10T13:00:00.000Z',
    ]);
    // Every occurrence is in exactly one of the two series.
    expect([...first, ...rest]).toEqual(before);
  });
});

describe("scope 'following' on a series that ends after a number of occurrences", () => {
  it('leaves the first part with a count, so moving it keeps its occurrences', async () => {
    const series = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Kickoff',
        all_day: true,
        start: '2031-03-28',
        end: '2031-03-29',
        recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
      }),
    );
    const second = `${series.id}:${series.google_event_id}_20310329`;
    expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${second}?wait=true`, {
        title: 'Kickoff, day two',
        scope: 'following',
      }),
      200,
    );
    // The first part, one occurrence, moved a day earlier: still one occurrence.
    const moved = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${series.id}?wait=true`, {
        start: '2031-03-27',
        end: '2031-03-28',
      }),
      200,
    );
    expect(moved.sync_state).toBe('synced');
    const { data } = await (
      await googleAs(t, alice.email)
    ).events.instances({ calendarId: 'primary', eventId: series.google_event_id });
    expect((data.items ?? []).map((item) => item.start?.date)).toEqual(['2031-03-27']);
  });
});
