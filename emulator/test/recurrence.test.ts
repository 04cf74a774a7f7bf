import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { listAll } from './support/events.js';

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
});
afterAll(async () => {
  await emu.close();
});

const startUtc = (e: { start?: { dateTime?: string | null } | null }): string =>
  new Date(e.start!.dateTime!).toISOString();

describe('a weekly series with EXDATE, RDATE, a modified and a cancelled occurrence', () => {
  let masterId: string;
  const instanceId = (stamp: string): string => `${masterId}_${stamp}`;

  beforeAll(async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Weekly sync',
        start: { dateTime: '2030-01-07T10:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2030-01-07T11:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE:20300114T100000Z', 'RDATE:20300116T100000Z'],
      },
    });
    masterId = data.id!;
    expect(data.recurrence).toHaveLength(3);
    // Move the 21 January occurrence to 12:00 and rename it.
    const moved = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: instanceId('20300121T100000Z'),
      requestBody: {
        summary: 'Weekly sync (moved)',
        start: { dateTime: '2030-01-21T12:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2030-01-21T13:00:00Z', timeZone: 'UTC' },
      },
    });
    expect(moved.data.recurringEventId).toBe(masterId);
    // Cancel the 28 January occurrence.
    await user.cal.events.delete({ calendarId: 'primary', eventId: instanceId('20300128T100000Z') });
  });

  it('expands occurrences with singleEvents', async () => {
    const all = await listAll(user.cal, { calendarId: 'primary', singleEvents: true, orderBy: 'startTime' });
    expect(all.items.map(startUtc)).toEqual([
      '2030-01-07T10:00:00.000Z',
      '2030-01-16T10:00:00.000Z',
      '2030-01-21T12:00:00.000Z',
      '2030-02-04T10:00:00.000Z',
      '2030-02-11T10:00:00.000Z',
    ]);
    expect(all.items.map((e) => e.id)).toEqual([
      instanceId('20300107T100000Z'),
      instanceId('20300116T100000Z'),
      instanceId('20300121T100000Z'),
      instanceId('20300204T100000Z'),
      instanceId('20300211T100000Z'),
    ]);
    for (const item of all.items) {
      expect(item.recurringEventId).toBe(masterId);
      expect(item.recurrence).toBeUndefined();
      expect(item.originalStartTime?.dateTime).toEqual(expect.any(String));
    }
    const moved = all.items[2]!;
    expect(moved.summary).toBe('Weekly sync (moved)');
    expect(new Date(moved.originalStartTime!.dateTime!).toISOString()).toBe('2030-01-21T10:00:00.000Z');
    expect(all.items[0]!.summary).toBe('Weekly sync');
  });

  it('shows the cancelled occurrence only with showDeleted', async () => {
    const all = await listAll(user.cal, { calendarId: 'primary', singleEvents: true, showDeleted: true });
    const cancelled = all.items.find((e) => e.id === instanceId('20300128T100000Z'));
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.recurringEventId).toBe(masterId);
    expect(all.items).toHaveLength(6);
  });

  it('lists the master and its exceptions without singleEvents, cancelled ones included', async () => {
    // Google: "Cancelled instances of recurring events (but not the underlying recurring event)
    // will still be included if showDeleted and singleEvents are both False."
    const plain = await listAll(user.cal, { calendarId: 'primary' });
    const plainIds = plain.items.map((e) => e.id).sort();
    expect(plainIds).toEqual(
      [masterId, instanceId('20300121T100000Z'), instanceId('20300128T100000Z')].sort(),
    );
    const master = plain.items.find((e) => e.id === masterId)!;
    expect(master.recurrence).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=6',
      'EXDATE:20300114T100000Z',
      'RDATE:20300116T100000Z',
    ]);
    const moved = plain.items.find((e) => e.id === instanceId('20300121T100000Z'))!;
    expect(moved).toMatchObject({
      status: 'confirmed',
      recurringEventId: masterId,
      summary: 'Weekly sync (moved)',
    });
    const cancelled = plain.items.find((e) => e.id === instanceId('20300128T100000Z'))!;
    expect(cancelled).toMatchObject({ status: 'cancelled', recurringEventId: masterId });
    expect(new Date(cancelled.originalStartTime!.dateTime!).toISOString()).toBe('2030-01-28T10:00:00.000Z');
  });

  it('hides a deleted series, but not with showDeleted', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Short series',
        start: { dateTime: '2030-03-04T10:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2030-03-04T11:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
      },
    });
    await user.cal.events.delete({ calendarId: 'primary', eventId: data.id! });
    const expanded = await listAll(user.cal, {
      calendarId: 'primary',
      singleEvents: true,
      timeMin: '2030-03-01T00:00:00Z',
    });
    expect(expanded.items).toEqual([]);
    const plain = await listAll(user.cal, { calendarId: 'primary', timeMin: '2030-03-01T00:00:00Z' });
    expect(plain.items).toEqual([]);
    const withDeleted = await listAll(user.cal, {
      calendarId: 'primary',
      showDeleted: true,
      timeMin: '2030-03-01T00:00:00Z',
    });
    expect(withDeleted.items.map((e) => [e.id, e.status])).toEqual([[data.id, 'cancelled']]);
  });

  it('answers events.instances with the same occurrences, windowed by timeMin/timeMax', async () => {
    const { data } = await user.cal.events.instances({ calendarId: 'primary', eventId: masterId });
    expect(data.kind).toBe('calendar#events');
    expect(data.items!.map(startUtc).sort()).toEqual([
      '2030-01-07T10:00:00.000Z',
      '2030-01-16T10:00:00.000Z',
      '2030-01-21T12:00:00.000Z',
      '2030-02-04T10:00:00.000Z',
      '2030-02-11T10:00:00.000Z',
    ]);
    const windowed = await user.cal.events.instances({
      calendarId: 'primary',
      eventId: masterId,
      timeMin: '2030-01-20T00:00:00Z',
      timeMax: '2030-02-05T00:00:00Z',
    });
    expect(windowed.data.items!.map(startUtc).sort()).toEqual([
      '2030-01-21T12:00:00.000Z',
      '2030-02-04T10:00:00.000Z',
    ]);
    const withDeleted = await user.cal.events.instances({
      calendarId: 'primary',
      eventId: masterId,
      showDeleted: true,
    });
    expect(withDeleted.data.items).toHaveLength(6);
  });

  it('gets a single occurrence by its instance id', async () => {
    const { data } = await user.cal.events.get({
      calendarId: 'primary',
      eventId: instanceId('20300204T100000Z'),
    });
    expect(data.recurringEventId).toBe(masterId);
    expect(startUtc(data)).toBe('2030-02-04T10:00:00.000Z');
  });

  it('answers instances of an unknown event with 404', async () => {
    await expectGoogleError(
      user.cal.events.instances({ calendarId: 'primary', eventId: 'nosuchseries1' }),
      404,
      'notFound',
    );
  });
});

describe('time zones and all-day series', () => {
  it('keeps a weekly 09:00 America/New_York meeting at 09:00 local across the DST change', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Standup NY',
        start: { dateTime: '2026-03-02T09:00:00-05:00', timeZone: 'America/New_York' },
        end: { dateTime: '2026-03-02T09:30:00-05:00', timeZone: 'America/New_York' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      },
    });
    const { data: inst } = await user.cal.events.instances({ calendarId: 'primary', eventId: data.id! });
    const starts = inst.items!.map((e) => DateTime.fromISO(e.start!.dateTime!).setZone('America/New_York'));
    expect(starts.map((d) => d.toFormat('yyyy-MM-dd HH:mm'))).toEqual([
      '2026-03-02 09:00',
      '2026-03-09 09:00',
      '2026-03-16 09:00',
      '2026-03-23 09:00',
    ]);
    // Instance ids carry the original start in UTC: 14:00Z before the change, 13:00Z after.
    expect(inst.items!.map((e) => e.id)).toEqual([
      `${data.id}_20260302T140000Z`,
      `${data.id}_20260309T130000Z`,
      `${data.id}_20260316T130000Z`,
      `${data.id}_20260323T130000Z`,
    ]);
    for (const item of inst.items!) expect(item.start?.timeZone).toBe('America/New_York');
  });

  it('expands an all-day series into dated instances', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Offsite',
        start: { date: '2031-05-01' },
        end: { date: '2031-05-02' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
      },
    });
    const { data: inst } = await user.cal.events.instances({ calendarId: 'primary', eventId: data.id! });
    expect(inst.items!.map((e) => e.start)).toEqual([
      { date: '2031-05-01' },
      { date: '2031-05-02' },
      { date: '2031-05-03' },
    ]);
    expect(inst.items!.map((e) => e.id)).toEqual([
      `${data.id}_20310501`,
      `${data.id}_20310502`,
      `${data.id}_20310503`,
    ]);
  });

  it('shows an all-day series on the same dates to an attendee whose calendar is in another zone', async () => {
    // The organizer's calendar is in Europe/Berlin, the guest's in UTC and in Pacific/Auckland: an
    // all-day date is the same day everywhere, each calendar placing it at its own midnight.
    const organizer = await emu.newUser({ timeZone: 'Europe/Berlin' });
    const guests = [
      await emu.newUser({ timeZone: 'UTC' }),
      await emu.newUser({ timeZone: 'Pacific/Auckland' }),
    ];
    const { data } = await organizer.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Trade fair',
        start: { date: '2031-03-29' },
        end: { date: '2031-03-30' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
        attendees: guests.map((g) => ({ email: g.email })),
      },
    });
    const days = [{ date: '2031-03-29' }, { date: '2031-03-30' }, { date: '2031-03-31' }];
    for (const viewer of [organizer, ...guests]) {
      const listed = await listAll(viewer.cal, {
        calendarId: 'primary',
        singleEvents: true,
        orderBy: 'startTime',
      });
      const series = listed.items.filter((e) => e.recurringEventId === data.id);
      expect(series.map((e) => e.start)).toEqual(days);
      expect(series.map((e) => e.id)).toEqual([
        `${data.id}_20310329`,
        `${data.id}_20310330`,
        `${data.id}_20310331`,
      ]);
      const { data: inst } = await viewer.cal.events.instances({ calendarId: 'primary', eventId: data.id! });
      expect(inst.items!.map((e) => e.start)).toEqual(days);
      const { data: one } = await viewer.cal.events.get({
        calendarId: 'primary',
        eventId: `${data.id}_20310330`,
      });
      expect(one.start).toEqual({ date: '2031-03-30' });
    }
  });

  it('makes a series a single event when its recurrence is patched to an empty list', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Daily check',
        start: { dateTime: '2031-06-02T09:00:00+10:00', timeZone: 'Australia/Sydney' },
        end: { dateTime: '2031-06-02T09:30:00+10:00', timeZone: 'Australia/Sydney' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
      },
    });
    const { data: single } = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      requestBody: { recurrence: [] },
    });
    expect(single.recurrence).toBeUndefined();
    const { data: inst } = await user.cal.events.instances({ calendarId: 'primary', eventId: data.id! });
    expect(inst.items!.map((e) => e.id)).toEqual([data.id]);
    // Lines that give no dates at all are still refused.
    await expectGoogleError(
      user.cal.events.patch({
        calendarId: 'primary',
        eventId: data.id!,
        requestBody: { recurrence: ['EXDATE:20310603T000000Z'] },
      }),
      400,
    );
  });

  it('rejects an unparsable recurrence rule with 400', async () => {
    await expectGoogleError(
      user.cal.events.insert({
        calendarId: 'primary',
        requestBody: {
          start: { dateTime: '2030-01-07T10:00:00Z', timeZone: 'UTC' },
          end: { dateTime: '2030-01-07T11:00:00Z', timeZone: 'UTC' },
          recurrence: ['RRULE:FREQ=SOMETIMES'],
        },
      }),
      400,
    );
  });

  it('requires a time zone for a timed recurring event', async () => {
    await expectGoogleError(
      user.cal.events.insert({
        calendarId: 'primary',
        requestBody: {
          start: { dateTime: '2030-01-07T10:00:00Z' },
          end: { dateTime: '2030-01-07T11:00:00Z' },
          recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
        },
      }),
      400,
    );
  });
});
