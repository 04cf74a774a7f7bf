import { describe, expect, it } from 'vitest';
import { expandSeries } from './recurrence.js';
import { allDay, range, starts, timed } from './recurrence.fixtures.js';
import { validateRecurrence, validateRecurrenceInput } from './rules.js';
import { normalizeUntil } from './until.js';

const berlin = { allDay: false, timeZone: 'Europe/Berlin' };
const newYork = { allDay: false, timeZone: 'America/New_York' };
const allDayNewYork = { allDay: true, timeZone: 'America/New_York' };

describe('normalizeUntil', () => {
  it.each([
    ['Berlin in winter (UTC+1)', berlin, '20200117T235959', '20200117T225959Z'],
    ['Berlin the day before the spring change (UTC+1)', berlin, '20310329T090000', '20310329T080000Z'],
    ['Berlin the day after the spring change (UTC+2)', berlin, '20310331T090000', '20310331T070000Z'],
    ['Berlin after the autumn change (UTC+1 again)', berlin, '20311027T090000', '20311027T080000Z'],
    ['New York before the spring change (UTC-5)', newYork, '20310308T090000', '20310308T140000Z'],
    ['New York after the spring change (UTC-4)', newYork, '20310310T090000', '20310310T130000Z'],
    // 02:30 does not exist on 9 March 2031 in New York: read with the offset before the gap.
    ['New York inside the spring gap', newYork, '20310309T023000', '20310309T073000Z'],
    // 01:30 happens twice on 2 November 2031 in New York: the first one (still UTC-4).
    ['New York in the autumn overlap', newYork, '20311102T013000', '20311102T053000Z'],
  ])('reads a floating UNTIL in the zone and writes it in UTC: %s', (_name, series, floating, utc) => {
    expect(normalizeUntil([`RRULE:FREQ=DAILY;UNTIL=${floating}`], series)).toEqual([
      `RRULE:FREQ=DAILY;UNTIL=${utc}`,
    ]);
  });

  it.each([
    // The spring change day is 23 hours long, the autumn one 25: the end is the zone's midnight.
    ['New York, the spring change day', newYork, '20310309', '20310310T035959Z'],
    ['New York, the autumn change day', newYork, '20311102', '20311103T045959Z'],
    ['Berlin, the spring change day', berlin, '20310330', '20310330T215959Z'],
    ['Berlin, the autumn change day', berlin, '20311026', '20311026T225959Z'],
  ])('makes a DATE UNTIL of a timed series the end of that day in its zone: %s', (_n, series, date, utc) => {
    expect(normalizeUntil([`RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=${date}`], series)).toEqual([
      `RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=${utc}`,
    ]);
  });

  it('keeps a UTC UNTIL as it is, with exactly one Z', () => {
    const lines = ['RRULE:FREQ=DAILY;UNTIL=20310110T090000Z'];
    expect(normalizeUntil(lines, berlin)).toEqual(lines);
    expect(normalizeUntil(lines, allDayNewYork)).toEqual(lines);
    expect(normalizeUntil(['RRULE:FREQ=DAILY;UNTIL=20310110T090000z'], berlin)).toEqual(lines);
  });

  it('keeps a DATE UNTIL of an all-day series a DATE, and gives a floating one its date', () => {
    expect(normalizeUntil(['RRULE:FREQ=DAILY;UNTIL=20261228'], allDayNewYork)).toEqual([
      'RRULE:FREQ=DAILY;UNTIL=20261228',
    ]);
    expect(normalizeUntil(['RRULE:FREQ=DAILY;UNTIL=20261228T000000'], allDayNewYork)).toEqual([
      'RRULE:FREQ=DAILY;UNTIL=20261228',
    ]);
    expect(normalizeUntil(['RRULE:FREQ=DAILY;UNTIL=20261228T235959'], allDayNewYork)).toEqual([
      'RRULE:FREQ=DAILY;UNTIL=20261228',
    ]);
  });

  it('rewrites EXRULEs too, touches nothing else, and leaves what does not parse to validation', () => {
    expect(
      normalizeUntil(
        [
          'rrule:freq=daily;until=20310110t090000',
          'EXRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20310110T090000',
          'EXDATE;TZID=Europe/Berlin:20310105T090000',
          'RDATE;VALUE=DATE:20310201',
          'RRULE:FREQ=MONTHLY;COUNT=3',
          'RRULE:FREQ=DAILY;UNTIL=20310230T090000',
        ],
        berlin,
      ),
    ).toEqual([
      'rrule:freq=daily;UNTIL=20310110T080000Z',
      'EXRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20310110T080000Z',
      'EXDATE;TZID=Europe/Berlin:20310105T090000',
      'RDATE;VALUE=DATE:20310201',
      'RRULE:FREQ=MONTHLY;COUNT=3',
      'RRULE:FREQ=DAILY;UNTIL=20310230T090000',
    ]);
  });

  it('writes lines Google takes, from lines only the CRM API takes', () => {
    const given = ['RRULE:FREQ=DAILY;UNTIL=20200117T235959'];
    expect(validateRecurrence(given)).toMatch(/UNTIL must be a UTC date-time/);
    expect(validateRecurrenceInput(given)).toBeNull();
    expect(validateRecurrence(normalizeUntil(given, berlin))).toBeNull();
  });

  it('keeps the occurrences the floating UNTIL meant, across DST changes', () => {
    for (const [zone, start, until, last] of [
      ['Europe/Berlin', '2031-03-27T08:00:00Z', '20310331T090000', '2031-03-31T07:00:00.000Z'],
      ['America/New_York', '2031-03-06T14:00:00Z', '20310310T090000', '2031-03-10T13:00:00.000Z'],
      ['America/New_York', '2031-10-30T13:00:00Z', '20311103T090000', '2031-11-03T14:00:00.000Z'],
    ] as const) {
      const end = new Date(new Date(start).getTime() + 3_600_000).toISOString();
      const given = [`RRULE:FREQ=DAILY;UNTIL=${until}`];
      const written = normalizeUntil(given, { allDay: false, timeZone: zone });
      const window = range('2031-01-01T00:00:00Z', '2032-01-01T00:00:00Z');
      const meant = starts(expandSeries(timed(start, end, zone, given), [], window));
      const kept = starts(expandSeries(timed(start, end, zone, written), [], window));
      expect(kept).toEqual(meant);
      expect(kept.at(-1)).toBe(last);
      expect(kept).toHaveLength(5);
    }
  });

  it('keeps the days a DATE UNTIL meant for a timed series, and for an all-day one', () => {
    const window = range('2031-01-01T00:00:00Z', '2032-01-01T00:00:00Z');
    const given = ['RRULE:FREQ=DAILY;UNTIL=20310309'];
    const written = normalizeUntil(given, newYork);
    // 23:30 New York on the short day of the spring change is still 9 March.
    const late = (recurrence: string[]) =>
      starts(
        expandSeries(
          timed('2031-03-07T04:30:00Z', '2031-03-07T05:00:00Z', 'America/New_York', recurrence),
          [],
          window,
        ),
      );
    expect(late(written)).toEqual(late(given));
    expect(late(written).at(-1)).toBe('2031-03-10T03:30:00.000Z');
    const days = ['RRULE:FREQ=DAILY;UNTIL=20261228T120000'];
    const december = range('2026-12-01T00:00:00Z', '2027-02-01T00:00:00Z');
    const series = (recurrence: string[]) =>
      expandSeries(allDay('2026-12-25', '2026-12-26', recurrence), [], december).map((i) => i.startDate);
    expect(series(normalizeUntil(days, allDayNewYork))).toEqual([
      '2026-12-25',
      '2026-12-26',
      '2026-12-27',
      '2026-12-28',
    ]);
  });
});
