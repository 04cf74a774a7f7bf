import { describe, expect, it } from 'vitest';
import { parseRecurrenceLines, RecurrenceError, validateRecurrence } from './rules.js';

describe('validateRecurrence', () => {
  it('accepts the lines Google writes', () => {
    expect(
      validateRecurrence([
        'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20270101T000000Z',
        'EXDATE;TZID=America/New_York:20261207T090000',
        'RDATE;VALUE=DATE:20261225',
      ]),
    ).toBeNull();
    expect(validateRecurrence(['RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=12'])).toBeNull();
    expect(validateRecurrence(['RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;INTERVAL=1;WKST=SU'])).toBeNull();
    expect(validateRecurrence(['rrule:freq=daily;count=3'])).toBeNull();
    expect(validateRecurrence(['RDATE:20261225T140000Z,20261226T140000Z'])).toBeNull();
  });

  it.each([
    [[], /at least one RRULE or RDATE/],
    [['EXDATE:20261207T140000Z'], /at least one RRULE or RDATE/],
    [['FREQ=DAILY'], /Not a recurrence line/],
    [['DTSTART:20261207T090000Z'], /Unsupported recurrence line/],
    [['RRULE:COUNT=3'], /FREQ is required/],
    [['RRULE:FREQ=SOMETIMES'], /Invalid FREQ value 'SOMETIMES'/],
    [['RRULE:FREQ=WEEKLY;BYDAY=XX'], /Invalid BYDAY value/],
    [['RRULE:FREQ=WEEKLY;BYDAY=60MO'], /Invalid BYDAY value/],
    [['RRULE:FREQ=MONTHLY;BYMONTHDAY=32'], /Invalid BYMONTHDAY/],
    [['RRULE:FREQ=DAILY;COUNT=0'], /Invalid COUNT/],
    [['RRULE:FREQ=DAILY;INTERVAL=-2'], /Invalid INTERVAL/],
    [['RRULE:FREQ=DAILY;UNTIL=2027'], /Invalid UNTIL/],
    [['RRULE:FREQ=DAILY;UNTIL=20270230'], /Invalid date value/],
    [['RRULE:FREQ=DAILY;COUNT=3;UNTIL=20270101'], /UNTIL and COUNT/],
    [['RRULE:FREQ=DAILY;COUNT=3;COUNT=4'], /appears twice/],
    [['RRULE:FREQ=DAILY;COLOR=RED'], /Unknown rule part/],
    [['RRULE:FREQ=HOURLY;COUNT=3'], /FREQ=HOURLY is not supported/],
    [['RRULE:FREQ=DAILY', 'EXRULE:FREQ=HOURLY'], /FREQ=HOURLY is not supported/],
    [['RRULE:FREQ=DAILY;UNTIL=20270101T090000'], /UNTIL must be a UTC date-time/],
    [['RRULE:FREQ=MINUTELY'], /FREQ=MINUTELY is not supported/],
    [['RRULE:FREQ=SECONDLY;COUNT=2'], /FREQ=SECONDLY is not supported/],
    [['RRULE:FREQ=DAILY', 'EXDATE;TZID=Mars/Base:20261207T090000'], /Unknown time zone 'Mars\/Base'/],
    [['RRULE:FREQ=DAILY', 'RDATE;VALUE=DATE:20261207T090000'], /Invalid date value/],
    [['RRULE:FREQ=DAILY', 'RDATE;FOO=BAR:20261207'], /Unsupported parameter/],
    [['RRULE;X=1:FREQ=DAILY'], /takes no parameters/],
    [['RRULE:FREQ=DAILY', 'EXDATE:'], /No dates/],
  ])('rejects %j', (lines, message) => {
    expect(validateRecurrence(lines)).toMatch(message);
  });
});

describe('parseRecurrenceLines', () => {
  it('reads values as dates, UTC instants, or wall times with their zone', () => {
    const parsed = parseRecurrenceLines([
      'RRULE:FREQ=WEEKLY;UNTIL=20270101T000000Z',
      'EXDATE;TZID=America/New_York:20261207T090000,20261214T090000',
      'RDATE;VALUE=DATE:20261225',
      'RDATE;VALUE=PERIOD:20261226T100000Z/PT1H',
    ]);
    expect(parsed.rules[0]?.until).toEqual({ kind: 'instant', instant: new Date('2027-01-01T00:00:00Z') });
    expect(parsed.exdates).toEqual([
      { kind: 'wall', floating: new Date('2026-12-07T09:00:00Z'), zone: 'America/New_York' },
      { kind: 'wall', floating: new Date('2026-12-14T09:00:00Z'), zone: 'America/New_York' },
    ]);
    expect(parsed.rdates).toEqual([
      { kind: 'date', date: '2026-12-25' },
      { kind: 'instant', instant: new Date('2026-12-26T10:00:00Z') },
    ]);
  });

  it('accepts the frequent rules that validation refuses for new meetings', () => {
    expect(parseRecurrenceLines(['RRULE:FREQ=MINUTELY;COUNT=2']).rules[0]?.freq).toBe('MINUTELY');
    expect(() => parseRecurrenceLines(['RRULE:FREQ=DAILY;BYHOUR=24'])).toThrow(RecurrenceError);
  });
});
