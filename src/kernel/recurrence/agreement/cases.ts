/**
 * Recurrence cases that the service (src/kernel/recurrence) and the bundled emulator
 * (emulator/src/calendar/recurrence*.ts) must both get right, checked by agreement.test.ts.
 *
 * Why two implementations: the emulator stands in for Google in every integration test. If it
 * shared the service's RRULE code, a bug in that code (accepting a rule Google refuses, putting an
 * occurrence at the wrong instant across a DST change) would be made on both sides of the wire and
 * no test could see it. So each side keeps its own parser and expansion (the emulator imports
 * nothing from src/, enforced by dependency-cruiser), and this table, plain data that imports
 * nothing from either, says what Google does. A case that one side gets wrong fails on that side
 * only; a property-based test in the same folder compares both on generated rules.
 *
 * Sources: RFC 5545 (section 3.3.10 for RRULE, 3.8.5 for RDATE/EXDATE and the recurrence set) and
 * Google's Calendar API guide on recurring events. Where Google does not document its behaviour,
 * the case says what is assumed (`assumption`); the table is the one place to change that reading.
 */

/** The event's start: a wall-clock time in a zone (the event lasts two hours), or a date (one day). */
export type CaseStart =
  | {
      kind: 'timed';
      /** 'YYYY-MM-DDTHH:MM:SS' on the wall clock of `timeZone`. */ dateTime: string;
      timeZone: string;
    }
  | {
      kind: 'allDay';
      /** 'YYYY-MM-DD'. */ date: string;
      /** The calendar's (and the event's) zone. */ timeZone: string;
    };

/** Why Google refuses a recurrence: 400 "Invalid recurrence rule." in every case. */
export type RefusalRule =
  /** FREQ=HOURLY, MINUTELY or SECONDLY: Google has no sub-daily recurrence. */
  | 'unsupported-frequency'
  /** UNTIL as a date-time without Z (RFC 5545: UTC when DTSTART has a time zone). */
  | 'floating-until'
  /** COUNT and UNTIL in one rule (RFC 5545: MUST NOT occur together). */
  | 'count-with-until'
  /** A rule without FREQ. */
  | 'missing-freq'
  /** A rule part RFC 5545 does not define (COLOR=...), or an empty one (a stray ';'). */
  | 'unknown-rule-part'
  /** A line that is not RRULE, EXRULE, RDATE or EXDATE (DTSTART, X-..., a bare rule). */
  | 'unknown-property'
  /** A known part or date with a value it cannot take (FREQ=SOMETIMES, BYDAY=XX, 20260230). */
  | 'invalid-value'
  /** Only EXDATE lines: nothing recurs. */
  | 'no-rule';

export type CaseOutcome =
  | { refused: RefusalRule }
  /**
   * Every occurrence starting in the window, in order: UTC instants 'YYYY-MM-DDTHH:MM:SSZ' for
   * timed starts, dates 'YYYY-MM-DD' for all-day ones.
   */
  | { starts: string[] };

export interface RecurrenceCase {
  name: string;
  start: CaseStart;
  recurrence: string[];
  /**
   * [from, to) as UTC instants: the occurrences that start in it. (Starts only: the two sides give
   * an occurrence's end differently across a DST change, see the agreement tests.)
   */
  window: { from: string; to: string };
  expected: CaseOutcome;
  /**
   * When the CRM API writes the recurrence in another form than it is given (an UNTIL that is
   * floating, or a DATE on a timed series, is written in UTC: RFC 5545 3.3.10, see
   * src/kernel/recurrence/until.ts): the lines it stores and pushes, and what Google makes of
   * them. `expected` stays Google's answer to the lines as given.
   */
  crmApi?: { recurrence: string[]; expected: CaseOutcome };
  /** What Google does not document and the expected outcome assumes. */
  assumption?: string;
}

const ny = (dateTime: string): CaseStart => ({ kind: 'timed', dateTime, timeZone: 'America/New_York' });
const berlin = (dateTime: string): CaseStart => ({ kind: 'timed', dateTime, timeZone: 'Europe/Berlin' });
const utc = (dateTime: string): CaseStart => ({ kind: 'timed', dateTime, timeZone: 'UTC' });
const day = (date: string, timeZone = 'America/New_York'): CaseStart => ({ kind: 'allDay', date, timeZone });
const window = (from: string, to: string) => ({ from, to });
const Y2026 = window('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
const TWO_YEARS = window('2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z');
/** A Monday 09:00 New York (14:00 UTC) start in January 2026, for the simpler cases. */
const MON = ny('2026-01-05T09:00:00');

export const RECURRENCE_CASES: readonly RecurrenceCase[] = [
  // Frequencies: Google's four, and the sub-daily ones it refuses.
  {
    name: 'FREQ=DAILY',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-06T14:00:00Z', '2026-01-07T14:00:00Z'] },
  },
  {
    name: 'FREQ=WEEKLY',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-12T14:00:00Z', '2026-01-19T14:00:00Z'] },
  },
  {
    name: 'FREQ=MONTHLY (the third one after the March DST change)',
    start: ny('2026-01-15T09:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-01-15T14:00:00Z', '2026-02-15T14:00:00Z', '2026-03-15T13:00:00Z'] },
  },
  {
    name: 'FREQ=YEARLY',
    start: berlin('2026-06-01T10:00:00'),
    recurrence: ['RRULE:FREQ=YEARLY;COUNT=3'],
    window: window('2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'),
    expected: { starts: ['2026-06-01T08:00:00Z', '2027-06-01T08:00:00Z', '2028-06-01T08:00:00Z'] },
  },
  {
    name: 'FREQ=HOURLY is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=HOURLY;COUNT=3'],
    window: Y2026,
    expected: { refused: 'unsupported-frequency' },
  },
  {
    name: 'FREQ=MINUTELY is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=MINUTELY;INTERVAL=30'],
    window: Y2026,
    expected: { refused: 'unsupported-frequency' },
  },
  {
    name: 'FREQ=SECONDLY is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=SECONDLY;COUNT=2'],
    window: Y2026,
    expected: { refused: 'unsupported-frequency' },
  },
  {
    name: 'an EXRULE with FREQ=HOURLY is refused too',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3', 'EXRULE:FREQ=HOURLY;COUNT=2'],
    window: Y2026,
    expected: { refused: 'unsupported-frequency' },
  },
  {
    name: 'an unknown FREQ is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=SOMETIMES'],
    window: Y2026,
    expected: { refused: 'invalid-value' },
  },

  // INTERVAL.
  {
    name: 'DAILY;INTERVAL=3',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;INTERVAL=3;COUNT=4'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-05T14:00:00Z',
        '2026-01-08T14:00:00Z',
        '2026-01-11T14:00:00Z',
        '2026-01-14T14:00:00Z',
      ],
    },
  },
  {
    name: 'WEEKLY;INTERVAL=2 on Mondays and Wednesdays',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-05T14:00:00Z',
        '2026-01-07T14:00:00Z',
        '2026-01-19T14:00:00Z',
        '2026-01-21T14:00:00Z',
        '2026-02-02T14:00:00Z',
      ],
    },
  },
  {
    name: 'MONTHLY;INTERVAL=2',
    start: utc('2026-01-10T12:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-01-10T12:00:00Z', '2026-03-10T12:00:00Z', '2026-05-10T12:00:00Z'] },
  },
  {
    name: 'INTERVAL=0 is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;INTERVAL=0'],
    window: Y2026,
    expected: { refused: 'invalid-value' },
  },

  // BYDAY, with and without ordinals.
  {
    name: 'WEEKLY;BYDAY=TU,TH',
    start: ny('2026-01-06T09:00:00'),
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-06T14:00:00Z',
        '2026-01-08T14:00:00Z',
        '2026-01-13T14:00:00Z',
        '2026-01-15T14:00:00Z',
      ],
    },
  },
  {
    name: 'MONTHLY;BYDAY=-1FR (the last Friday)',
    start: ny('2026-01-30T16:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=4'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-30T21:00:00Z',
        '2026-02-27T21:00:00Z',
        '2026-03-27T20:00:00Z',
        '2026-04-24T20:00:00Z',
      ],
    },
  },
  {
    name: 'MONTHLY;BYDAY=2TU (the second Tuesday)',
    start: berlin('2026-01-13T10:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=4'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-13T09:00:00Z',
        '2026-02-10T09:00:00Z',
        '2026-03-10T09:00:00Z',
        '2026-04-14T08:00:00Z',
      ],
    },
  },
  {
    name: 'YEARLY;BYMONTH=11;BYDAY=4TH (an all-day Thanksgiving)',
    start: day('2026-11-26'),
    recurrence: ['RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=3'],
    window: window('2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'),
    expected: { starts: ['2026-11-26', '2027-11-25', '2028-11-23'] },
  },
  {
    name: 'BYDAY=XX is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=XX'],
    window: Y2026,
    expected: { refused: 'invalid-value' },
  },

  // BYMONTHDAY, BYMONTH, BYSETPOS.
  {
    name: 'MONTHLY;BYMONTHDAY=31 skips the shorter months',
    start: utc('2026-01-31T08:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-31T08:00:00Z',
        '2026-03-31T08:00:00Z',
        '2026-05-31T08:00:00Z',
        '2026-07-31T08:00:00Z',
      ],
    },
  },
  {
    name: 'MONTHLY;BYMONTHDAY=-1 is the last day of each month',
    start: utc('2026-01-31T08:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-31T08:00:00Z',
        '2026-02-28T08:00:00Z',
        '2026-03-31T08:00:00Z',
        '2026-04-30T08:00:00Z',
      ],
    },
  },
  {
    name: 'BYMONTHDAY=32 is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=MONTHLY;BYMONTHDAY=32'],
    window: Y2026,
    expected: { refused: 'invalid-value' },
  },
  {
    name: 'YEARLY;BYMONTH=1,7;BYMONTHDAY=1',
    start: day('2026-01-01', 'Europe/Berlin'),
    recurrence: ['RRULE:FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1;COUNT=4'],
    // Midnight of 1 January in Berlin is 23:00 UTC the day before.
    window: window('2025-12-31T00:00:00Z', '2028-01-01T00:00:00Z'),
    expected: { starts: ['2026-01-01', '2026-07-01', '2027-01-01', '2027-07-01'] },
  },
  {
    name: 'MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 (the last weekday)',
    start: ny('2026-01-30T17:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-01-30T22:00:00Z', '2026-02-27T22:00:00Z', '2026-03-31T21:00:00Z'] },
  },
  {
    name: 'MONTHLY;BYDAY=SA,SU;BYSETPOS=1 (the first weekend day), all-day',
    start: day('2026-01-03', 'Asia/Tokyo'),
    recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=1;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-01-03', '2026-02-01', '2026-03-01'] },
  },

  // COUNT and UNTIL.
  {
    name: 'COUNT=1 is the start alone',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=1'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z'] },
  },
  {
    name: 'COUNT=0 is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=0'],
    window: Y2026,
    expected: { refused: 'invalid-value' },
  },
  {
    name: 'UNTIL as a UTC date-time is inclusive',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260108T140000Z'],
    window: Y2026,
    expected: {
      starts: [
        '2026-01-05T14:00:00Z',
        '2026-01-06T14:00:00Z',
        '2026-01-07T14:00:00Z',
        '2026-01-08T14:00:00Z',
      ],
    },
  },
  {
    name: 'UNTIL a second before an occurrence ends the series before it (the form Google writes)',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260108T135959Z'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-06T14:00:00Z', '2026-01-07T14:00:00Z'] },
  },
  {
    name: 'UNTIL as a UTC date-time across the March DST change',
    start: ny('2026-03-06T09:00:00'),
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260309T130000Z'],
    window: Y2026,
    expected: {
      starts: [
        '2026-03-06T14:00:00Z',
        '2026-03-07T14:00:00Z',
        '2026-03-08T13:00:00Z',
        '2026-03-09T13:00:00Z',
      ],
    },
  },
  {
    name: 'a floating UNTIL (no Z) is refused for a timed start',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260108T090000'],
    window: Y2026,
    expected: { refused: 'floating-until' },
    crmApi: {
      // 09:00 New York on 8 January is 14:00 UTC.
      recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260108T140000Z'],
      expected: {
        starts: [
          '2026-01-05T14:00:00Z',
          '2026-01-06T14:00:00Z',
          '2026-01-07T14:00:00Z',
          '2026-01-08T14:00:00Z',
        ],
      },
    },
  },
  {
    name: 'UNTIL as a date for a timed start includes that day',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260107'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-06T14:00:00Z', '2026-01-07T14:00:00Z'] },
    crmApi: {
      // The last second of 7 January in New York.
      recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260108T045959Z'],
      expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-06T14:00:00Z', '2026-01-07T14:00:00Z'] },
    },
    assumption:
      'RFC 5545 wants a UTC UNTIL for a zoned start; Google accepts a DATE there (it is in answers ' +
      'that work against the API) and the last day is taken whole, as a DATE bound means.',
  },
  {
    name: 'UNTIL as a date for an all-day start',
    start: day('2026-12-25'),
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20261228'],
    window: TWO_YEARS,
    expected: { starts: ['2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28'] },
  },
  {
    name: 'a UTC UNTIL on an all-day series is read in its zone (Auckland: 15 January)',
    start: day('2027-01-01', 'Pacific/Auckland'),
    recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20270115T050000Z'],
    window: TWO_YEARS,
    expected: { starts: ['2027-01-01', '2027-01-08', '2027-01-15'] },
    assumption: 'Google accepts a UTC UNTIL on an all-day series and compares it in the calendar zone.',
  },
  {
    name: 'a UTC UNTIL on an all-day series is read in its zone (Los Angeles: still 14 January)',
    start: day('2027-01-01', 'America/Los_Angeles'),
    recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20270115T050000Z'],
    window: TWO_YEARS,
    expected: { starts: ['2027-01-01', '2027-01-08'] },
    assumption: 'Google accepts a UTC UNTIL on an all-day series and compares it in the calendar zone.',
  },
  {
    name: 'a floating UNTIL is refused for an all-day start too',
    start: day('2026-12-25'),
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20261228T000000'],
    window: TWO_YEARS,
    expected: { refused: 'floating-until' },
    crmApi: {
      recurrence: ['RRULE:FREQ=DAILY;UNTIL=20261228'],
      expected: { starts: ['2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28'] },
    },
    assumption:
      'RFC 5545 wants a DATE UNTIL for a DATE start; a floating date-time is refused whatever the start.',
  },
  {
    name: 'COUNT with UNTIL is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260110T000000Z'],
    window: Y2026,
    expected: { refused: 'count-with-until' },
  },
  {
    name: 'COUNT with a DATE UNTIL is refused (all-day)',
    start: day('2026-12-25'),
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20261228;COUNT=2'],
    window: TWO_YEARS,
    expected: { refused: 'count-with-until' },
  },
  {
    name: 'an impossible UNTIL date is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;UNTIL=20260230'],
    window: Y2026,
    expected: { refused: 'invalid-value' },
  },

  // EXDATE and RDATE, in their UTC, TZID and DATE forms.
  {
    name: 'EXDATE in UTC',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE:20260112T140000Z'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-19T14:00:00Z', '2026-01-26T14:00:00Z'] },
  },
  {
    name: "EXDATE with the event's TZID, two values",
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=America/New_York:20260112T090000,20260126T090000'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-19T14:00:00Z'] },
  },
  {
    name: 'EXDATE with another TZID names the same instant',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Europe/Berlin:20260112T150000'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-19T14:00:00Z', '2026-01-26T14:00:00Z'] },
  },
  {
    name: 'EXDATE of the first occurrence removes the start',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE:20260105T140000Z'],
    window: Y2026,
    expected: { starts: ['2026-01-12T14:00:00Z', '2026-01-19T14:00:00Z'] },
  },
  {
    name: 'EXDATE in an unknown zone is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Mars/Olympus_Mons:20260112T090000'],
    window: Y2026,
    expected: { refused: 'invalid-value' },
  },
  {
    name: 'RDATE in UTC adds an occurrence at its own time',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2', 'RDATE:20260107T170000Z'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-07T17:00:00Z', '2026-01-12T14:00:00Z'] },
  },
  {
    name: 'RDATE with a TZID',
    start: MON,
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2', 'RDATE;TZID=America/New_York:20260107T120000'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-07T17:00:00Z', '2026-01-12T14:00:00Z'] },
  },
  {
    name: 'RDATE alone: the start and the dates',
    start: MON,
    recurrence: ['RDATE;TZID=America/New_York:20260109T090000,20260120T110000'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-09T14:00:00Z', '2026-01-20T16:00:00Z'] },
  },
  {
    name: 'all-day EXDATE and RDATE as dates',
    start: day('2026-12-25', 'Europe/Berlin'),
    recurrence: ['RRULE:FREQ=DAILY;COUNT=4', 'EXDATE;VALUE=DATE:20261226', 'RDATE;VALUE=DATE:20261231'],
    window: TWO_YEARS,
    expected: { starts: ['2026-12-25', '2026-12-27', '2026-12-28', '2026-12-31'] },
  },
  {
    name: 'EXDATE lines alone are refused',
    start: MON,
    recurrence: ['EXDATE:20260112T140000Z'],
    window: Y2026,
    expected: { refused: 'no-rule' },
  },

  // WKST (RFC 5545's own example, section 3.8.5.3).
  {
    name: 'WKST=MO with INTERVAL=2',
    start: ny('1997-08-05T09:00:00'),
    recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO'],
    window: window('1997-08-01T00:00:00Z', '1997-10-01T00:00:00Z'),
    expected: {
      starts: [
        '1997-08-05T13:00:00Z',
        '1997-08-10T13:00:00Z',
        '1997-08-19T13:00:00Z',
        '1997-08-24T13:00:00Z',
      ],
    },
  },
  {
    name: 'WKST=SU with INTERVAL=2 changes the weeks',
    start: ny('1997-08-05T09:00:00'),
    recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU'],
    window: window('1997-08-01T00:00:00Z', '1997-10-01T00:00:00Z'),
    expected: {
      starts: [
        '1997-08-05T13:00:00Z',
        '1997-08-17T13:00:00Z',
        '1997-08-19T13:00:00Z',
        '1997-08-31T13:00:00Z',
      ],
    },
  },

  // DST: rules run on the wall clock of the event's zone.
  {
    name: 'America/New_York in March: 09:00 stays 09:00',
    start: ny('2026-03-02T09:00:00'),
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO'],
    window: window('2026-03-01T00:00:00Z', '2026-03-17T00:00:00Z'),
    expected: { starts: ['2026-03-02T14:00:00Z', '2026-03-09T13:00:00Z', '2026-03-16T13:00:00Z'] },
  },
  {
    name: 'America/New_York in November: 09:00 stays 09:00',
    start: ny('2026-10-26T09:00:00'),
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO'],
    window: window('2026-10-25T00:00:00Z', '2026-11-10T00:00:00Z'),
    expected: { starts: ['2026-10-26T13:00:00Z', '2026-11-02T14:00:00Z', '2026-11-09T14:00:00Z'] },
  },
  {
    name: 'America/New_York: a daily 02:30 on the day 02:30 does not exist moves to 03:30',
    start: ny('2026-03-07T02:30:00'),
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-03-07T07:30:00Z', '2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z'] },
    assumption: 'A wall time in a DST gap moves forward by the gap, as Google does for event times.',
  },
  {
    name: 'America/New_York: a daily 01:30 on the day 01:30 happens twice takes the first',
    start: ny('2026-10-31T01:30:00'),
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z'] },
    assumption: 'An ambiguous wall time is the earlier instant (daylight time).',
  },
  {
    name: 'Europe/Berlin in March',
    start: berlin('2026-03-27T08:00:00'),
    recurrence: ['RRULE:FREQ=DAILY;COUNT=4'],
    window: Y2026,
    expected: {
      starts: [
        '2026-03-27T07:00:00Z',
        '2026-03-28T07:00:00Z',
        '2026-03-29T06:00:00Z',
        '2026-03-30T06:00:00Z',
      ],
    },
  },
  {
    name: 'Europe/Berlin in October',
    start: berlin('2026-10-24T08:00:00'),
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-10-24T06:00:00Z', '2026-10-25T07:00:00Z', '2026-10-26T07:00:00Z'] },
  },

  // All-day series keep their dates whatever the zone.
  {
    name: 'all-day weekly in Pacific/Kiritimati (UTC+14)',
    start: day('2026-12-25', 'Pacific/Kiritimati'),
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    window: TWO_YEARS,
    expected: { starts: ['2026-12-25', '2027-01-01', '2027-01-08'] },
  },
  {
    name: 'all-day weekly in Pacific/Pago_Pago (UTC-11)',
    start: day('2026-12-25', 'Pacific/Pago_Pago'),
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    window: TWO_YEARS,
    expected: { starts: ['2026-12-25', '2027-01-01', '2027-01-08'] },
  },
  {
    name: 'all-day daily across the March DST change (New York)',
    start: day('2026-03-07'),
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    window: Y2026,
    expected: { starts: ['2026-03-07', '2026-03-08', '2026-03-09'] },
  },

  // Leap days.
  {
    name: 'YEARLY from 29 February occurs in leap years only',
    start: day('2028-02-29', 'UTC'),
    recurrence: ['RRULE:FREQ=YEARLY;COUNT=3'],
    window: window('2028-01-01T00:00:00Z', '2040-01-01T00:00:00Z'),
    expected: { starts: ['2028-02-29', '2032-02-29', '2036-02-29'] },
  },
  {
    name: 'MONTHLY on the 29th skips February of a common year',
    start: utc('2027-01-29T10:00:00'),
    recurrence: ['RRULE:FREQ=MONTHLY;COUNT=3'],
    window: TWO_YEARS,
    expected: { starts: ['2027-01-29T10:00:00Z', '2027-03-29T10:00:00Z', '2027-04-29T10:00:00Z'] },
  },

  // The start is always an occurrence (RFC 5545: "DTSTART ... defines the first instance").
  {
    name: 'a start the rule does not produce is still an occurrence, on top of COUNT',
    start: utc('2020-06-08T13:00:00'),
    recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH,SA;COUNT=5'],
    window: window('2020-06-01T00:00:00Z', '2020-08-01T00:00:00Z'),
    expected: {
      starts: [
        '2020-06-08T13:00:00Z',
        '2020-06-09T13:00:00Z',
        '2020-06-11T13:00:00Z',
        '2020-06-13T13:00:00Z',
        '2020-06-16T13:00:00Z',
        '2020-06-18T13:00:00Z',
      ],
    },
    assumption:
      'Observed on Google (googleapis/google-api-nodejs-client#2214): six instances, the Monday ' +
      'start and five rule dates. RFC 5545 calls an unsynchronized start undefined.',
  },

  // Malformed lines.
  {
    name: 'lower-case names and values are accepted',
    start: MON,
    recurrence: ['rrule:freq=weekly;byday=mo;count=2'],
    window: Y2026,
    expected: { starts: ['2026-01-05T14:00:00Z', '2026-01-12T14:00:00Z'] },
    assumption: 'RFC 5545 names are case-insensitive; Google is taken to read them so.',
  },
  {
    name: 'a rule without FREQ is refused',
    start: MON,
    recurrence: ['RRULE:COUNT=3'],
    window: Y2026,
    expected: { refused: 'missing-freq' },
  },
  {
    name: 'an unknown rule part is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;COLOR=RED'],
    window: Y2026,
    expected: { refused: 'unknown-rule-part' },
  },
  {
    name: 'an empty rule part (a trailing semicolon) is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;COUNT=2;'],
    window: Y2026,
    expected: { refused: 'unknown-rule-part' },
    assumption: "RFC 5545's grammar has no empty rule part; Google's answer to one is not documented.",
  },
  {
    name: 'a part given twice is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;COUNT=2;COUNT=3'],
    window: Y2026,
    expected: { refused: 'unknown-rule-part' },
  },
  {
    name: 'an X- property line is refused',
    start: MON,
    recurrence: ['RRULE:FREQ=DAILY;COUNT=2', 'X-COLOR:RED'],
    window: Y2026,
    expected: { refused: 'unknown-property' },
  },
  {
    name: 'a DTSTART line is refused (the start is the event start)',
    start: MON,
    recurrence: ['DTSTART:20260105T140000Z', 'RRULE:FREQ=DAILY;COUNT=2'],
    window: Y2026,
    expected: { refused: 'unknown-property' },
  },
  {
    name: 'a rule without its RRULE: name is refused',
    start: MON,
    recurrence: ['FREQ=DAILY;COUNT=2'],
    window: Y2026,
    expected: { refused: 'unknown-property' },
  },
];
