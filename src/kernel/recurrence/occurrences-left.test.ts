import { describe, expect, it } from 'vitest';
import { hasOccurrencesLeft } from './occurrences-left.js';
import { allDay, timed } from './recurrence.fixtures.js';

const cancelled = (at: string) => ({
  status: 'cancelled' as const,
  original_start_at: new Date(at),
  original_start_date: null,
});
const cancelledDay = (date: string) => ({
  status: 'cancelled' as const,
  original_start_at: null,
  original_start_date: date,
});
const moved = (at: string) => ({ ...cancelled(at), status: 'confirmed' as const });

/** Weekly 09:00 New York from Monday 2 March 2031: the third one is after the DST change (13:00 UTC). */
const weekly = (recurrence: string[]) =>
  timed('2031-03-03T14:00:00Z', '2031-03-03T15:00:00Z', 'America/New_York', recurrence);
const ALL_THREE = ['2031-03-03T14:00:00Z', '2031-03-10T13:00:00Z', '2031-03-17T13:00:00Z'];

describe('hasOccurrencesLeft', () => {
  it('is false once every occurrence of a COUNT series is cancelled, on both sides of a DST change', () => {
    const series = weekly(['RRULE:FREQ=WEEKLY;COUNT=3']);
    expect(hasOccurrencesLeft(series, [])).toBe(true);
    expect(hasOccurrencesLeft(series, ALL_THREE.slice(0, 2).map(cancelled))).toBe(true);
    expect(hasOccurrencesLeft(series, ALL_THREE.map(cancelled))).toBe(false);
  });

  it('counts a modified occurrence as one that takes place', () => {
    const series = weekly(['RRULE:FREQ=WEEKLY;COUNT=3']);
    expect(hasOccurrencesLeft(series, [...ALL_THREE.slice(0, 2).map(cancelled), moved(ALL_THREE[2]!)])).toBe(
      true,
    );
  });

  it('counts EXDATEs and an UNTIL as the rule does', () => {
    const untilSecond = weekly(['RRULE:FREQ=WEEKLY;UNTIL=20310310T125959Z']);
    expect(hasOccurrencesLeft(untilSecond, [cancelled(ALL_THREE[0]!)])).toBe(false);
    const withExdate = weekly(['RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;TZID=America/New_York:20310317T090000']);
    expect(hasOccurrencesLeft(withExdate, ALL_THREE.slice(0, 2).map(cancelled))).toBe(false);
    const withRdate = weekly(['RRULE:FREQ=WEEKLY;COUNT=3', 'RDATE:20310401T130000Z']);
    expect(hasOccurrencesLeft(withRdate, ALL_THREE.map(cancelled))).toBe(true);
    expect(hasOccurrencesLeft(withRdate, [...ALL_THREE, '2031-04-01T13:00:00Z'].map(cancelled))).toBe(false);
  });

  it('ignores cancelled exceptions that match no occurrence', () => {
    const series = weekly(['RRULE:FREQ=WEEKLY;COUNT=2']);
    expect(hasOccurrencesLeft(series, [cancelled(ALL_THREE[0]!), cancelled(ALL_THREE[2]!)])).toBe(true);
  });

  it('matches all-day occurrences by date', () => {
    const series = allDay('2031-12-24', '2031-12-25', ['RRULE:FREQ=DAILY;COUNT=2']);
    expect(hasOccurrencesLeft(series, [cancelledDay('2031-12-24')])).toBe(true);
    expect(hasOccurrencesLeft(series, [cancelledDay('2031-12-24'), cancelledDay('2031-12-25')])).toBe(false);
  });

  it('always has occurrences left when a rule never ends, or when it cannot be told', () => {
    const endless = weekly(['RRULE:FREQ=WEEKLY']);
    expect(hasOccurrencesLeft(endless, ALL_THREE.map(cancelled))).toBe(true);
    const endlessNextToFinite = weekly(['RRULE:FREQ=WEEKLY;COUNT=1', 'RRULE:FREQ=MONTHLY']);
    expect(hasOccurrencesLeft(endlessNextToFinite, [cancelled(ALL_THREE[0]!)])).toBe(true);
    expect(hasOccurrencesLeft(weekly(['RRULE:FREQ=SOMETIMES']), [cancelled(ALL_THREE[0]!)])).toBe(true);
    // More occurrences than the walk follows: the end cannot be told.
    const long = weekly(['RRULE:FREQ=DAILY;COUNT=200000', 'EXRULE:FREQ=DAILY;COUNT=200000']);
    expect(hasOccurrencesLeft(long, [])).toBe(true);
  });

  it('tells a long series has occurrences left without walking it to its end', () => {
    const long = weekly(['RRULE:FREQ=DAILY;COUNT=90000', 'EXDATE:20310303T140000Z']);
    expect(hasOccurrencesLeft(long, [cancelled('2031-03-04T14:00:00Z')])).toBe(true);
  });

  it('walks a whole day off for a DATE in EXDATE of a timed series', () => {
    const twiceADay = timed('2031-03-03T14:00:00Z', '2031-03-03T14:30:00Z', 'America/New_York', [
      'RRULE:FREQ=DAILY;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0;COUNT=4',
      'EXDATE;VALUE=DATE:20310303',
    ]);
    expect(hasOccurrencesLeft(twiceADay, [cancelled('2031-03-04T14:00:00Z')])).toBe(true);
    expect(
      hasOccurrencesLeft(twiceADay, [cancelled('2031-03-04T14:00:00Z'), cancelled('2031-03-04T20:00:00Z')]),
    ).toBe(false);
  });

  it('walks an endless EXRULE only as far as the rule goes', () => {
    const series = weekly(['RRULE:FREQ=WEEKLY;COUNT=3', 'EXRULE:FREQ=WEEKLY;BYDAY=MO']);
    expect(hasOccurrencesLeft(series, [])).toBe(false);
  });
});
