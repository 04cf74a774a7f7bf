import { describe, expect, it } from 'vitest';
import { expandSeries } from './recurrence.js';
import { range, starts, timed } from './recurrence.fixtures.js';
import { formatInZone } from '../time.js';

const localStarts = (list: { startAt: Date | null }[], zone: string) =>
  list.map((i) => formatInZone(i.startAt as Date, zone));

describe('expandSeries on the wall clock across DST', () => {
  it('keeps a weekly 09:00 America/New_York meeting at 09:00 through the March change', () => {
    // 2026-03-02 is a Monday; clocks spring forward on Sunday 2026-03-08.
    const master = timed('2026-03-02T14:00:00Z', '2026-03-02T15:00:00Z', 'America/New_York', [
      'RRULE:FREQ=WEEKLY;BYDAY=MO',
    ]);
    const list = expandSeries(master, [], range('2026-03-01T00:00:00Z', '2026-03-17T00:00:00Z'));
    expect(starts(list)).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-16T13:00:00.000Z',
    ]);
    expect(list.map((i) => i.endAt?.toISOString())).toEqual([
      '2026-03-02T15:00:00.000Z',
      '2026-03-09T14:00:00.000Z',
      '2026-03-16T14:00:00.000Z',
    ]);
    expect(localStarts(list, 'America/New_York').every((s) => s.includes('T09:00:00'))).toBe(true);
  });

  it('keeps it at 09:00 through the November change', () => {
    const master = timed('2026-10-19T13:00:00Z', '2026-10-19T14:00:00Z', 'America/New_York', [
      'RRULE:FREQ=WEEKLY;BYDAY=MO',
    ]);
    const list = expandSeries(master, [], range('2026-10-18T00:00:00Z', '2026-11-10T00:00:00Z'));
    expect(starts(list)).toEqual([
      '2026-10-19T13:00:00.000Z',
      '2026-10-26T13:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
      '2026-11-09T14:00:00.000Z',
    ]);
  });

  it('follows Europe/Berlin, Lord Howe (30-minute DST) and Sao Paulo (no DST since 2019)', () => {
    const berlin = timed('2026-03-27T07:00:00Z', '2026-03-27T07:30:00Z', 'Europe/Berlin', [
      'RRULE:FREQ=DAILY;COUNT=4',
    ]);
    expect(
      localStarts(
        expandSeries(berlin, [], range('2026-03-01T00:00:00Z', '2026-04-30T00:00:00Z')),
        'Europe/Berlin',
      ),
    ).toEqual([
      '2026-03-27T08:00:00+01:00',
      '2026-03-28T08:00:00+01:00',
      '2026-03-29T08:00:00+02:00',
      '2026-03-30T08:00:00+02:00',
    ]);
    // Lord Howe: +10:30 until 2026-10-04 02:00, then +11:00.
    const lordHowe = timed('2026-10-01T22:30:00Z', '2026-10-01T23:30:00Z', 'Australia/Lord_Howe', [
      'RRULE:FREQ=DAILY;COUNT=4',
    ]);
    expect(starts(expandSeries(lordHowe, [], range('2026-09-01T00:00:00Z', '2026-11-01T00:00:00Z')))).toEqual(
      [
        '2026-10-01T22:30:00.000Z',
        '2026-10-02T22:30:00.000Z',
        '2026-10-03T22:00:00.000Z',
        '2026-10-04T22:00:00.000Z',
      ],
    );
    const saoPaulo = timed('2026-10-26T12:00:00Z', '2026-10-26T13:00:00Z', 'America/Sao_Paulo', [
      'RRULE:FREQ=WEEKLY;COUNT=3',
    ]);
    expect(starts(expandSeries(saoPaulo, [], range('2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z')))).toEqual(
      ['2026-10-26T12:00:00.000Z', '2026-11-02T12:00:00.000Z', '2026-11-09T12:00:00.000Z'],
    );
  });

  it('keeps the wall-clock end of an overnight event on the night the clocks change', () => {
    // 23:00 -> 07:00 in New York; on the night of 2026-03-07/08 that is only 7 hours.
    const master = timed('2026-03-07T04:00:00Z', '2026-03-07T12:00:00Z', 'America/New_York', [
      'RRULE:FREQ=DAILY;COUNT=3',
    ]);
    const list = expandSeries(master, [], range('2026-03-01T00:00:00Z', '2026-03-12T00:00:00Z'));
    expect(list.map((i) => formatInZone(i.endAt as Date, 'America/New_York'))).toEqual([
      '2026-03-07T07:00:00-05:00',
      '2026-03-08T07:00:00-04:00',
      '2026-03-09T07:00:00-04:00',
    ]);
  });
});

describe('rule parts as Google writes them', () => {
  const monday9 = (lines: string[]) =>
    timed('2026-11-30T14:00:00Z', '2026-11-30T15:00:00Z', 'America/New_York', lines);
  const december = range('2026-11-29T00:00:00Z', '2027-01-05T00:00:00Z');

  it('treats UNTIL in UTC as an inclusive bound on the instant', () => {
    const list = expandSeries(monday9(['RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20261214T140000Z']), [], december);
    expect(starts(list)).toEqual([
      '2026-11-30T14:00:00.000Z',
      '2026-12-07T14:00:00.000Z',
      '2026-12-14T14:00:00.000Z',
    ]);
  });

  it('reads a DATE UNTIL on a timed series as the end of that day', () => {
    const list = expandSeries(monday9(['RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20261214']), [], december);
    expect(list).toHaveLength(3);
  });

  it('removes EXDATEs given with TZID, in UTC, or as a date', () => {
    const lines = [
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5',
      'EXDATE;TZID=America/New_York:20261207T090000',
      'EXDATE:20261221T140000Z',
      'EXDATE;VALUE=DATE:20261228',
    ];
    expect(starts(expandSeries(monday9(lines), [], december))).toEqual([
      '2026-11-30T14:00:00.000Z',
      '2026-12-14T14:00:00.000Z',
    ]);
  });

  it('adds RDATEs given in another zone on the series wall clock', () => {
    const lines = ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=1', 'RDATE;TZID=Europe/Berlin:20261210T150000'];
    const list = expandSeries(monday9(lines), [], december);
    expect(starts(list)).toEqual(['2026-11-30T14:00:00.000Z', '2026-12-10T14:00:00.000Z']);
    expect(list[1]?.endAt?.toISOString()).toBe('2026-12-10T15:00:00.000Z');
  });

  it('removes occurrences matched by an EXRULE', () => {
    const lines = ['RRULE:FREQ=DAILY;COUNT=7', 'EXRULE:FREQ=WEEKLY;BYDAY=SA,SU'];
    const list = expandSeries(monday9(lines), [], december);
    expect(list.map((i) => formatInZone(i.startAt as Date, 'America/New_York').slice(0, 10))).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ]);
  });

  it('counts the start as the first occurrence even when the rule would not produce it', () => {
    // 2026-12-01 is a Tuesday; the rule says Mondays.
    const master = timed('2026-12-01T14:00:00Z', '2026-12-01T15:00:00Z', 'America/New_York', [
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2',
    ]);
    expect(starts(expandSeries(master, [], december))).toEqual([
      '2026-12-01T14:00:00.000Z',
      '2026-12-07T14:00:00.000Z',
      '2026-12-14T14:00:00.000Z',
    ]);
  });

  it('handles monthly rules with ordinals and skipped months', () => {
    const lastFriday = timed('2026-01-30T15:00:00Z', '2026-01-30T16:00:00Z', 'America/New_York', [
      'RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3',
    ]);
    expect(
      starts(expandSeries(lastFriday, [], range('2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z'))),
    ).toEqual(['2026-01-30T15:00:00.000Z', '2026-02-27T15:00:00.000Z', '2026-03-27T14:00:00.000Z']);
    const the31st = timed('2026-01-31T15:00:00Z', '2026-01-31T16:00:00Z', 'America/New_York', [
      'RRULE:FREQ=MONTHLY;COUNT=3',
    ]);
    expect(starts(expandSeries(the31st, [], range('2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')))).toEqual([
      '2026-01-31T15:00:00.000Z',
      '2026-03-31T14:00:00.000Z',
      '2026-05-31T14:00:00.000Z',
    ]);
  });

  it('stays aligned to the series start for old series with intervals', () => {
    const everyThirdDay = timed('2000-01-01T10:00:00Z', '2000-01-01T11:00:00Z', 'UTC', [
      'RRULE:FREQ=DAILY;INTERVAL=3',
    ]);
    const list = expandSeries(everyThirdDay, [], range('2030-06-01T00:00:00Z', '2030-06-30T00:00:00Z'));
    expect(list.length).toBeGreaterThan(8);
    for (const instance of list) {
      const days = ((instance.startAt as Date).getTime() - Date.UTC(2000, 0, 1, 10)) / 86_400_000;
      expect(days % 3).toBe(0);
    }
    const biweekly = timed('2001-01-01T10:00:00Z', '2001-01-01T11:00:00Z', 'UTC', [
      'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE',
    ]);
    const weeks = expandSeries(biweekly, [], range('2031-03-01T00:00:00Z', '2031-04-01T00:00:00Z'));
    expect(weeks.length).toBeGreaterThanOrEqual(4);
    for (const instance of weeks) {
      const week = Math.floor(
        ((instance.startAt as Date).getTime() - Date.UTC(2001, 0, 1)) / (7 * 86_400_000),
      );
      expect(week % 2).toBe(0);
      expect([1, 3]).toContain((instance.startAt as Date).getUTCDay());
    }
  });
});
