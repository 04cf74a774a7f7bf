import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../adapters/db/tables/events.js';
import { EventMappingError, googleEventToRow, snapshotOf } from './from-google.js';
import { ctx, event, row, TENANT } from './from-google.fixtures.js';

describe('timed events', () => {
  it('maps an event with offsets and a zone to instants, keeping the zone', () => {
    const r = row();
    expect(r).toMatchObject({
      tenant_id: TENANT,
      user_id: 'alice',
      calendar_id: ctx.calendarId,
      google_event_id: 'evt1',
      ical_uid: 'evt1@google.com',
      status: 'confirmed',
      title: 'Quarterly review',
      all_day: false,
      start_date: null,
      end_date: null,
      time_zone: 'America/New_York',
      google_etag: '"3181161784712000"',
      google_sequence: 2,
      html_link: 'https://www.google.com/calendar/event?eid=ZXZ0MQ',
      organizer_email: 'alice@example.com',
      organizer_self: true,
      recurrence: null,
      recurring_event_id: null,
    });
    expect(r.start_at?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
    expect(r.end_at?.toISOString()).toBe('2026-12-07T15:00:00.000Z');
    expect(r.google_updated?.toISOString()).toBe('2026-11-20T10:11:12.345Z');
  });

  it('takes the calendar zone for Z times without a zone of their own', () => {
    const r = row({ start: { dateTime: '2026-12-07T12:00:00Z' }, end: { dateTime: '2026-12-07T13:30:00Z' } });
    expect(r.start_at?.toISOString()).toBe('2026-12-07T12:00:00.000Z');
    expect(r.end_at?.toISOString()).toBe('2026-12-07T13:30:00.000Z');
    expect(r.time_zone).toBe('America/Sao_Paulo');
  });

  it('reads offset-less times in their own zone, else in the calendar zone', () => {
    const own = row({
      start: { dateTime: '2026-03-29T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-03-29T10:00:00', timeZone: 'Europe/Berlin' },
    });
    expect(own.start_at?.toISOString()).toBe('2026-03-29T07:00:00.000Z'); // CEST from that morning
    const calendar = row({
      start: { dateTime: '2026-11-02T09:00:00' },
      end: { dateTime: '2026-11-02T10:00:00' },
    });
    expect(calendar.start_at?.toISOString()).toBe('2026-11-02T12:00:00.000Z'); // Sao Paulo, -03:00
    const mixed = row({
      start: { dateTime: '2026-12-07T09:00:00', timeZone: 'America/New_York' },
      end: { dateTime: '2026-12-07T16:00:00', timeZone: 'Europe/Berlin' },
    });
    expect(mixed.end_at?.toISOString()).toBe('2026-12-07T15:00:00.000Z');
  });

  it('keeps an event across a DST change as the exact instants', () => {
    const r = row({
      start: { dateTime: '2026-11-01T00:30:00-04:00', timeZone: 'America/New_York' },
      end: { dateTime: '2026-11-01T03:30:00-05:00', timeZone: 'America/New_York' },
    });
    expect((r.end_at as Date).getTime() - (r.start_at as Date).getTime()).toBe(4 * 3_600_000);
  });
});

describe('all-day events', () => {
  it('copies the dates unchanged whatever the calendar zone', () => {
    for (const zone of [
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Asia/Tokyo',
      'America/Los_Angeles',
      'UTC',
    ]) {
      const single = row(
        { start: { date: '2026-12-25' }, end: { date: '2026-12-26' } },
        { ...ctx, calendarTimeZone: zone },
      );
      expect(single).toMatchObject({
        all_day: true,
        start_date: '2026-12-25',
        end_date: '2026-12-26',
        start_at: null,
        end_at: null,
        time_zone: zone,
      });
      const multi = row(
        { start: { date: '2026-12-24' }, end: { date: '2027-01-02' } },
        { ...ctx, calendarTimeZone: zone },
      );
      expect([multi.start_date, multi.end_date]).toEqual(['2026-12-24', '2027-01-02']);
    }
  });

  it('keeps the event zone of an all-day event when Google gives one', () => {
    const r = row({
      start: { date: '2026-12-25', timeZone: 'Europe/Berlin' },
      end: { date: '2026-12-26', timeZone: 'Europe/Berlin' },
    });
    expect(r.time_zone).toBe('Europe/Berlin');
  });
});

describe('cancellations and recurring events', () => {
  it('turns a bare tombstone into a deletion', () => {
    expect(googleEventToRow({ id: 'gone1', status: 'cancelled' }, ctx)).toEqual({
      action: 'delete',
      googleEventId: 'gone1',
    });
    expect(googleEventToRow({ ...event(), status: 'cancelled' }, ctx)).toEqual({
      action: 'delete',
      googleEventId: 'evt1',
    });
  });

  it('keeps a cancelled instance, identified by its original start, without times', () => {
    const mapped = googleEventToRow(
      {
        id: 'series1_20261207T140000Z',
        status: 'cancelled',
        recurringEventId: 'series1',
        originalStartTime: { dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'America/New_York' },
      },
      ctx,
    );
    expect(mapped.action).toBe('upsert');
    if (mapped.action !== 'upsert') return;
    expect(mapped.row).toMatchObject({
      google_event_id: 'series1_20261207T140000Z',
      status: 'cancelled',
      recurring_event_id: 'series1',
      all_day: false,
      start_at: null,
      end_at: null,
      original_start_date: null,
    });
    expect(mapped.row.original_start_at?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
  });

  it('keeps a cancelled all-day instance by its original date', () => {
    const mapped = googleEventToRow(
      {
        id: 'bday_20271225',
        status: 'cancelled',
        recurringEventId: 'bday',
        originalStartTime: { date: '2027-12-25' },
      },
      ctx,
    );
    expect(mapped.action === 'upsert' && mapped.row).toMatchObject({
      all_day: true,
      original_start_date: '2027-12-25',
      original_start_at: null,
    });
  });

  it('refuses a cancelled instance it cannot place', () => {
    expect(() => googleEventToRow({ id: 'x_1', status: 'cancelled', recurringEventId: 'x' }, ctx)).toThrow(
      /originalStartTime/,
    );
  });

  it('maps a series master with its recurrence lines and a modified instance with its original start', () => {
    const lines = [
      'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20270101T000000Z',
      'EXDATE;TZID=America/New_York:20261214T090000',
    ];
    expect(row({ recurrence: lines }).recurrence).toEqual(lines);
    const instance = row({
      id: 'series1_20261207T140000Z',
      recurringEventId: 'series1',
      originalStartTime: { dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'America/New_York' },
      start: { dateTime: '2026-12-08T11:00:00-05:00', timeZone: 'America/New_York' },
      end: { dateTime: '2026-12-08T12:00:00-05:00', timeZone: 'America/New_York' },
    });
    expect(instance.recurring_event_id).toBe('series1');
    expect(instance.original_start_at?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
    expect(instance.start_at?.toISOString()).toBe('2026-12-08T16:00:00.000Z');
  });
});

describe('events that cannot be mapped', () => {
  it.each([
    [{ id: undefined }, /no id/],
    [{ start: undefined }, /no start/],
    [{ start: {} }, /no start/],
    [{ end: undefined }, /no end/],
    [{ start: { date: '2026-02-30' }, end: { date: '2026-03-01' } }, /invalid start date '2026-02-30'/],
    [{ start: { dateTime: 'soon' } }, /invalid start date-time 'soon'/],
    [
      { start: { dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'Mars/Olympus' } },
      /unknown time zone 'Mars\/Olympus'/,
    ],
    [{ end: { dateTime: '2026-12-07T08:00:00-05:00' } }, /is before start/],
    [{ start: { date: '2026-12-07' }, end: { date: '2026-12-07' } }, /not after start/],
    [{ start: { date: '2026-12-07' } }, /start is a date but end is a date-time/],
    [{ end: { date: '2026-12-08' } }, /start is a date-time but end is a date/],
    [{ recurrence: ['RRULE:FREQ=NEVER'] }, /Invalid FREQ/],
    [{ updated: 'yesterday' }, /invalid updated/],
  ])('refuses %j', (overrides, reason) => {
    expect(() => googleEventToRow(event(overrides), ctx)).toThrow(EventMappingError);
    expect(() => googleEventToRow(event(overrides), ctx)).toThrow(reason);
  });

  it('needs a zone for offset-less times', () => {
    const noZone = { ...ctx, calendarTimeZone: null };
    const e = event({ start: { dateTime: '2026-12-07T09:00:00' }, end: { dateTime: '2026-12-07T10:00:00' } });
    expect(() => googleEventToRow(e, noZone)).toThrow(/no UTC offset and no time zone/);
  });

  it('names the event in the error', () => {
    try {
      googleEventToRow(event({ start: undefined }), ctx);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ googleEventId: 'evt1', reason: 'no start' });
    }
  });
});

describe('synced snapshot', () => {
  it('stores the merge view of the event as the base of later merges', () => {
    const e = event({ attendees: [{ email: 'bob@example.com' }], hangoutLink: 'https://meet.google.com/a' });
    const mapped = googleEventToRow(e, ctx);
    expect(mapped.action === 'upsert' && mapped.row.synced_snapshot).toEqual(
      snapshotOf(e, { calendarTimeZone: ctx.calendarTimeZone }),
    );
  });

  it('fits the events table once its JSON columns are serialized', () => {
    const r = row();
    const insert: NewEvent = {
      ...r,
      attendees: JSON.stringify(r.attendees),
      reminders: JSON.stringify(r.reminders),
      synced_snapshot: JSON.stringify(r.synced_snapshot),
    };
    expect(JSON.parse(insert.synced_snapshot as string)).toMatchObject({ summary: 'Quarterly review' });
  });
});
