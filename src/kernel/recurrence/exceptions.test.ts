import { describe, expect, it, vi } from 'vitest';
import {
  expandSeries,
  MAX_INSTANCES_PER_EXPANSION,
  RecurrenceError,
  type ExceptionRow,
} from './recurrence.js';
import { allDay, range, starts, timed } from './recurrence.fixtures.js';

function exception(overrides: Partial<ExceptionRow> & { id?: string }): ExceptionRow & { id: string } {
  return {
    id: 'x',
    status: 'confirmed',
    all_day: false,
    start_at: null,
    end_at: null,
    start_date: null,
    end_date: null,
    original_start_at: null,
    original_start_date: null,
    ...overrides,
  };
}

describe('exceptions and instance ids', () => {
  const master = timed('2026-11-30T14:00:00Z', '2026-11-30T15:00:00Z', 'America/New_York', [
    'RRULE:FREQ=WEEKLY;BYDAY=MO',
  ]);

  it('names instances <master>_<UTC original start>', () => {
    const list = expandSeries(master, [], range('2026-12-06T00:00:00Z', '2026-12-08T00:00:00Z'));
    expect(list.map((i) => i.id)).toEqual(['series1_20261207T140000Z']);
    expect(list[0]).toMatchObject({ recurringEventId: 'series1', exception: null, allDay: false });
    expect(list[0]?.originalStartAt?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
  });

  it('replaces a modified occurrence, following it into the range from outside', () => {
    const moved = exception({
      id: 'moved',
      original_start_at: new Date('2026-12-28T14:00:00Z'),
      start_at: new Date('2026-12-03T18:00:00Z'),
      end_at: new Date('2026-12-03T19:00:00Z'),
    });
    const week = expandSeries(master, [moved], range('2026-12-01T00:00:00Z', '2026-12-08T00:00:00Z'));
    expect(week.map((i) => [i.id, i.startAt?.toISOString(), i.exception?.id ?? null])).toEqual([
      ['series1_20261228T140000Z', '2026-12-03T18:00:00.000Z', 'moved'],
      ['series1_20261207T140000Z', '2026-12-07T14:00:00.000Z', null],
    ]);
    const lateDecember = expandSeries(master, [moved], range('2026-12-27T00:00:00Z', '2026-12-31T00:00:00Z'));
    expect(lateDecember).toEqual([]);
  });

  it('lets a modified occurrence move out of the range and a cancelled one disappear', () => {
    const movedAway = exception({
      original_start_at: new Date('2026-12-07T14:00:00Z'),
      start_at: new Date('2026-12-20T14:00:00Z'),
      end_at: new Date('2026-12-20T15:00:00Z'),
    });
    const cancelled = exception({ status: 'cancelled', original_start_at: new Date('2026-12-14T14:00:00Z') });
    const list = expandSeries(
      master,
      [movedAway, cancelled],
      range('2026-12-06T00:00:00Z', '2026-12-16T00:00:00Z'),
    );
    expect(list).toEqual([]);
  });

  it('names all-day instances <master>_<YYYYMMDD> and matches all-day exceptions by date', () => {
    const birthday = allDay('2026-12-25', '2026-12-26', ['RRULE:FREQ=YEARLY']);
    const cancelled = exception({ status: 'cancelled', all_day: true, original_start_date: '2027-12-25' });
    const list = expandSeries(birthday, [cancelled], range('2026-01-01T00:00:00Z', '2029-01-01T00:00:00Z'));
    expect(list.map((i) => [i.id, i.startDate, i.endDate])).toEqual([
      ['bday_20261225', '2026-12-25', '2026-12-26'],
      ['bday_20281225', '2028-12-25', '2028-12-26'],
    ]);
  });
});

describe('all-day series seen from several time zones', () => {
  it('never shifts the dates; the viewer zone only decides overlap at the edges', () => {
    const weekend = allDay('2026-12-04', '2026-12-07', [
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'RDATE;VALUE=DATE:20261225',
    ]);
    for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Tokyo', 'UTC']) {
      const list = expandSeries(weekend, [], range('2026-11-01T00:00:00Z', '2027-02-01T00:00:00Z', zone));
      expect(list.map((i) => `${i.startDate}/${i.endDate}`)).toEqual([
        '2026-12-04/2026-12-07',
        '2026-12-11/2026-12-14',
        '2026-12-18/2026-12-21',
        '2026-12-25/2026-12-28',
      ]);
    }
    // 2026-12-07T03:00Z is still 2026-12-06 in Los Angeles (inside the first weekend) but already
    // 2026-12-07 in Tokyo (after it).
    const edge = range('2026-12-07T03:00:00Z', '2026-12-07T04:00:00Z');
    expect(expandSeries(weekend, [], { ...edge, timeZone: 'America/Los_Angeles' })).toHaveLength(1);
    expect(expandSeries(weekend, [], { ...edge, timeZone: 'Asia/Tokyo' })).toHaveLength(0);
  });
});

describe('range semantics and guards', () => {
  const master = timed('2026-12-07T14:00:00Z', '2026-12-07T15:00:00Z', 'America/New_York', [
    'RRULE:FREQ=DAILY',
  ]);

  it('includes instances overlapping [from, to) and nothing that only touches it', () => {
    expect(expandSeries(master, [], range('2026-12-07T15:00:00Z', '2026-12-08T14:00:00Z'))).toEqual([]);
    expect(starts(expandSeries(master, [], range('2026-12-07T14:59:00Z', '2026-12-08T14:00:01Z')))).toEqual([
      '2026-12-07T14:00:00.000Z',
      '2026-12-08T14:00:00.000Z',
    ]);
  });

  it('caps the instances of one call and reports it', () => {
    const onTruncated = vi.fn();
    const list = expandSeries(master, [], range('2026-12-01T00:00:00Z', '2027-12-01T00:00:00Z'), {
      maxInstances: 10,
      onTruncated,
    });
    expect(list).toHaveLength(10);
    expect(starts(list)[9]).toBe('2026-12-16T14:00:00.000Z');
    expect(onTruncated).toHaveBeenCalled();
    const decades = expandSeries(master, [], range('2026-12-01T00:00:00Z', '2060-01-01T00:00:00Z'));
    expect(decades).toHaveLength(MAX_INSTANCES_PER_EXPANSION);
  });

  it('expands only the window of an hourly series that started decades ago', () => {
    const hourly = timed('1990-01-01T10:00:00Z', '1990-01-01T10:30:00Z', 'Europe/Berlin', [
      'RRULE:FREQ=HOURLY',
    ]);
    const list = expandSeries(hourly, [], range('2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z'));
    expect(list).toHaveLength(24);
    expect(starts(list)[0]).toBe('2030-01-01T00:00:00.000Z');
  });

  it('throws RecurrenceError for lines it cannot read', () => {
    const broken = timed('2026-12-07T14:00:00Z', '2026-12-07T15:00:00Z', 'UTC', ['RRULE:FREQ=SOMETIMES']);
    expect(() => expandSeries(broken, [], range('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'))).toThrow(
      RecurrenceError,
    );
  });
});
