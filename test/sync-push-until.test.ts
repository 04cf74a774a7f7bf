import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { api, connectedUser, expectOk, settled, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * UNTIL as RFC 5545 requires it (3.3.10): a floating UNTIL, or a DATE on a timed series, is read
 * in the event's zone and written in UTC; Google takes the series and has the occurrences meant.
 */

interface Item {
  id: string;
  google_event_id: string;
  sync_state: string;
  recurrence: string[] | null;
}

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'until-alice', { timeZone: 'Europe/Berlin' });
  google = await googleAs(t, alice.email);
});

async function create(body: Record<string, unknown>): Promise<Item> {
  const item = expectOk(
    await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', { send_updates: 'none', ...body }),
  );
  expect(item.sync_state).toBe('synced');
  return item;
}

async function atGoogle(item: Item): Promise<{ recurrence: string[]; starts: string[] }> {
  const { data: series } = await google.events.get({ calendarId: 'primary', eventId: item.google_event_id });
  const { data } = await google.events.instances({ calendarId: 'primary', eventId: item.google_event_id });
  return {
    recurrence: series.recurrence ?? [],
    starts: (data.items ?? []).map((i) => i.start?.date ?? new Date(i.start?.dateTime ?? '').toISOString()),
  };
}

describe('UNTIL in the form RFC 5545 requires', () => {
  it('a floating UNTIL is read in the event zone (Berlin, winter) and written in UTC', async () => {
    const item = await create({
      title: 'Winter week',
      start: '2020-01-13T09:00:00',
      end: '2020-01-13T10:00:00',
      time_zone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=DAILY;UNTIL=20200117T235959'],
    });
    expect(item.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20200117T225959Z']);
    const google = await atGoogle(item);
    expect(google.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20200117T225959Z']);
    expect(google.starts).toHaveLength(5);
    expect(google.starts.at(-1)).toBe('2020-01-17T08:00:00.000Z');
  });

  it('across the spring DST change in Berlin, the last occurrence meant is kept', async () => {
    const item = await create({
      title: 'Spring week',
      start: '2031-03-27T09:00:00',
      end: '2031-03-27T10:00:00',
      time_zone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=DAILY;UNTIL=20310331T090000'],
    });
    // 09:00 on 31 March is summer time (UTC+2): 07:00 UTC, not the 08:00 of the winter offset.
    expect(item.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20310331T070000Z']);
    expect((await atGoogle(item)).starts).toEqual([
      '2031-03-27T08:00:00.000Z',
      '2031-03-28T08:00:00.000Z',
      '2031-03-29T08:00:00.000Z',
      '2031-03-30T07:00:00.000Z',
      '2031-03-31T07:00:00.000Z',
    ]);
  });

  it('a DATE UNTIL of a timed series includes that whole day in its zone (New York, spring change day)', async () => {
    const item = await create({
      title: 'Late call',
      start: '2031-03-06T23:30:00',
      end: '2031-03-07T00:00:00',
      time_zone: 'America/New_York',
      recurrence: ['RRULE:FREQ=DAILY;UNTIL=20310309'],
    });
    // Midnight after 9 March (EDT) is 04:00 UTC: the series ends a second before.
    expect(item.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20310310T035959Z']);
    expect((await atGoogle(item)).starts).toEqual([
      '2031-03-07T04:30:00.000Z',
      '2031-03-08T04:30:00.000Z',
      '2031-03-09T04:30:00.000Z',
      '2031-03-10T03:30:00.000Z',
    ]);
  });

  it('an all-day series keeps a DATE UNTIL, and a floating one becomes its date', async () => {
    const days = await create({
      title: 'Offsite',
      start: '2031-06-01',
      end: '2031-06-02',
      all_day: true,
      recurrence: ['RRULE:FREQ=DAILY;UNTIL=20310603T000000'],
    });
    expect(days.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20310603']);
    expect((await atGoogle(days)).starts).toEqual(['2031-06-01', '2031-06-02', '2031-06-03']);
  });

  it('a change that gives a floating UNTIL is written the same way (New York, autumn change)', async () => {
    const item = await create({
      title: 'Autumn week',
      start: '2031-10-30T09:00:00',
      end: '2031-10-30T10:00:00',
      time_zone: 'America/New_York',
      recurrence: ['RRULE:FREQ=DAILY;COUNT=10'],
    });
    const changed = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${item.id}`, {
        recurrence: ['RRULE:FREQ=DAILY;UNTIL=20311103T090000'],
      }),
      200,
    );
    // 09:00 on 3 November is standard time again (UTC-5).
    expect(changed.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20311103T140000Z']);
    expect((await settled(t, item.id)).sync_state).toBe('synced');
    const google = await atGoogle(item);
    expect(google.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20311103T140000Z']);
    expect(google.starts.at(-1)).toBe('2031-11-03T14:00:00.000Z');
    expect(google.starts).toHaveLength(5);

    // Scope "all" from one of its occurrences too.
    const fromOccurrence = expectOk(
      await api<Item>(
        t,
        alice,
        'PATCH',
        `/calendar/events/${item.id}:${item.google_event_id}_20311031T130000Z`,
        {
          recurrence: ['RRULE:FREQ=DAILY;UNTIL=20311101T090000'],
          scope: 'all',
        },
      ),
      200,
    );
    expect(fromOccurrence.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20311101T130000Z']);
    expect((await settled(t, item.id)).sync_state).toBe('synced');
    expect((await atGoogle(item)).starts).toHaveLength(3);
  });
});
