import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import { connectAndSync, listAllEvents, syncNow, waitForEvents } from './support/sync-pull.js';
import { googleAs } from './support/emulator-client.js';

let t: TestApp;
let google: calendar_v3.Calendar;
const USER = 'pull-recur';
const EMAIL = 'pull-recur@example.com';

beforeAll(async () => {
  t = await startTestApp();
  await connectAndSync(t, USER, EMAIL, { timeZone: 'America/New_York' });
  google = await googleAs(t, EMAIL);
});
afterAll(async () => {
  await t?.close();
});

async function getEvent(id: string) {
  return t.app.inject({
    method: 'GET',
    url: `/calendar/events/${encodeURIComponent(id)}`,
    headers: await authHeader(t, USER),
  });
}

describe('recurring series', () => {
  it('expands a weekly series with a modified and a cancelled occurrence, across a DST change', async () => {
    // Weekly on Mondays 09:00 New York from 2031-02-24, 5 times: DST starts on 2031-03-09.
    const { data: series } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Standup',
        start: { dateTime: '2031-02-24T09:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2031-02-24T09:30:00', timeZone: 'America/New_York' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
      },
    });
    const masterId = series.id!;
    // Move the 3 March occurrence to 11:00, cancel the 17 March one.
    await google.events.patch({
      calendarId: 'primary',
      eventId: `${masterId}_20310303T140000Z`,
      requestBody: {
        summary: 'Standup (late)',
        start: { dateTime: '2031-03-03T11:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2031-03-03T11:30:00', timeZone: 'America/New_York' },
      },
    });
    await google.events.delete({ calendarId: 'primary', eventId: `${masterId}_20310317T130000Z` });

    const query = { start_date: '2031-02-01', end_date: '2031-04-30' };
    const items = await waitForEvents(
      t,
      USER,
      'the expanded series',
      (list) =>
        list.filter((i) => i.recurring_event_id === masterId).length === 4 &&
        list.some((i) => i.title === 'Standup (late)'),
      query,
    );
    const occurrences = items.filter((i) => i.recurring_event_id === masterId);
    expect(occurrences.map((i) => [i.title, i.start_time])).toEqual([
      ['Standup', '2031-02-24T14:00:00.000Z'],
      ['Standup (late)', '2031-03-03T16:00:00.000Z'],
      ['Standup', '2031-03-10T13:00:00.000Z'], // 09:00 EDT after the change
      ['Standup', '2031-03-24T13:00:00.000Z'],
    ]);
    for (const occurrence of occurrences) {
      expect(occurrence.id).toMatch(/^[0-9a-f-]{36}:/);
      expect(occurrence.recurrence).toBeNull();
      expect(occurrence.time_zone).toBe('America/New_York');
    }
    expect(occurrences[2]!.google_event_id).toBe(`${masterId}_20310310T130000Z`);

    // Each occurrence id resolves; the cancelled one does not.
    const third = await getEvent(occurrences[2]!.id);
    expect(third.statusCode, third.body).toBe(200);
    expect(third.json()).toMatchObject({
      start_time: '2031-03-10T13:00:00.000Z',
      end_time: '2031-03-10T13:30:00.000Z',
    });
    const late = await getEvent(occurrences[1]!.id);
    expect(late.json()).toMatchObject({
      title: 'Standup (late)',
      google_event_id: `${masterId}_20310303T140000Z`,
    });
    const masterRowId = occurrences[0]!.id.split(':')[0]!;
    expect((await getEvent(`${masterRowId}:${masterId}_20310317T130000Z`)).statusCode).toBe(404);
    expect((await getEvent(`${masterRowId}:${masterId}_20310318T130000Z`)).statusCode).toBe(404);
    const master = await getEvent(masterRowId);
    expect(master.json()).toMatchObject({ recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'], title: 'Standup' });

    // A range that cuts the series keeps only the occurrences inside it.
    const march = await listAllEvents(t, USER, { start_date: '2031-03-05', end_date: '2031-03-12' });
    expect(march.filter((i) => i.recurring_event_id === masterId).map((i) => i.start_time)).toEqual([
      '2031-03-10T13:00:00.000Z',
    ]);

    // Deleting the series removes every occurrence.
    await google.events.delete({ calendarId: 'primary', eventId: masterId });
    await waitForEvents(
      t,
      USER,
      'the series gone',
      (list) => !list.some((i) => i.recurring_event_id === masterId),
      query,
    );
  });

  it('keeps an event that spans a DST change at its real instants', async () => {
    // 01:00 EST to 04:00 EDT on 2031-03-09: two hours of real time.
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Night shift',
        start: { dateTime: '2031-03-09T01:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2031-03-09T04:00:00', timeZone: 'America/New_York' },
      },
    });
    const items = await waitForEvents(t, USER, 'the night shift', (list) =>
      list.some((i) => i.google_event_id === data.id),
    );
    const item = items.find((i) => i.google_event_id === data.id)!;
    expect([item.start_time, item.end_time]).toEqual([
      '2031-03-09T06:00:00.000Z',
      '2031-03-09T08:00:00.000Z',
    ]);
  });
});

describe('all-day events', () => {
  it('are dates that never shift, whatever zone reads them', async () => {
    const { data: single } = await google.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Holiday', start: { date: '2031-07-04' }, end: { date: '2031-07-05' } },
    });
    const { data: multi } = await google.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Offsite', start: { date: '2031-07-14' }, end: { date: '2031-07-17' } },
    });
    await waitForEvents(t, USER, 'the all-day events', (list) =>
      [single.id, multi.id].every((id) => list.some((i) => i.google_event_id === id)),
    );
    for (const zone of [
      'UTC',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Asia/Kolkata',
      'America/Los_Angeles',
    ]) {
      const july = await listAllEvents(t, USER, {
        start_date: '2031-07-01',
        end_date: '2031-07-31',
        time_zone: zone,
      });
      const byTitle = Object.fromEntries(july.map((i) => [i.title, i]));
      expect(byTitle.Holiday, zone).toMatchObject({
        all_day: true,
        start_date: '2031-07-04',
        end_date: '2031-07-05',
        start_time: null,
        end_time: null,
      });
      expect(byTitle.Offsite, zone).toMatchObject({
        all_day: true,
        start_date: '2031-07-14',
        end_date: '2031-07-17',
      });
      // A day range selects by date in the reader's zone: only the holiday's day.
      const day = await listAllEvents(t, USER, {
        start_date: '2031-07-04',
        end_date: '2031-07-04',
        time_zone: zone,
      });
      expect(
        day.map((i) => i.title),
        zone,
      ).toEqual(['Holiday']);
      // The last day of the multi-day event still shows it; the day after its exclusive end does not.
      const lastDay = await listAllEvents(t, USER, {
        start_date: '2031-07-16',
        end_date: '2031-07-16',
        time_zone: zone,
      });
      expect(
        lastDay.map((i) => i.title),
        zone,
      ).toEqual(['Offsite']);
      const after = await listAllEvents(t, USER, {
        start_date: '2031-07-17',
        end_date: '2031-07-17',
        time_zone: zone,
      });
      expect(
        after.map((i) => i.title),
        zone,
      ).toEqual([]);
    }
  });

  it('expands an all-day yearly series without shifting its dates', async () => {
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Anniversary',
        start: { date: '2031-08-01' },
        end: { date: '2031-08-02' },
        recurrence: ['RRULE:FREQ=YEARLY;COUNT=3'],
      },
    });
    await syncNow(t, USER);
    const items = await listAllEvents(t, USER, {
      start_date: '2031-01-01',
      end_date: '2033-12-31',
      time_zone: 'Pacific/Kiritimati',
    });
    expect(
      items.filter((i) => i.recurring_event_id === data.id).map((i) => [i.start_date, i.end_date, i.all_day]),
    ).toEqual([
      ['2031-08-01', '2031-08-02', true],
      ['2032-08-01', '2032-08-02', true],
      ['2033-08-01', '2033-08-02', true],
    ]);
  });

  it('pages singles and occurrences alike with an opaque cursor, nothing missed or repeated', async () => {
    await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Daily',
        start: { dateTime: '2031-10-01T08:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2031-10-01T08:15:00', timeZone: 'America/New_York' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=7'],
      },
    });
    for (const day of ['02', '04', '06']) {
      await google.events.insert({
        calendarId: 'primary',
        requestBody: {
          summary: `Single ${day}`,
          start: { date: `2031-10-${day}` },
          end: { date: `2031-10-${Number(day) + 1 < 10 ? '0' : ''}${Number(day) + 1}` },
        },
      });
    }
    await syncNow(t, USER);
    const query = { start_date: '2031-10-01', end_date: '2031-10-10', time_zone: 'America/New_York' };
    const whole = await listAllEvents(t, USER, { ...query, limit: '250' });
    expect(whole).toHaveLength(10);
    const paged = await listAllEvents(t, USER, { ...query, limit: '3' });
    expect(paged.map((i) => i.id)).toEqual(whole.map((i) => i.id));
    expect(new Set(paged.map((i) => i.id)).size).toBe(10);
    // Ordered by start; an all-day event sorts at the start of its day in the listing's zone.
    expect(whole.slice(0, 3).map((i) => i.title)).toEqual(['Daily', 'Single 02', 'Daily']);
  });
});
