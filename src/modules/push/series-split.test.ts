import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../adapters/db/tables/events.js';
import { expandSeries, type Instance } from '../../kernel/recurrence/recurrence.js';
import { combinedSendUpdates } from '../events/event-rows.js';
import {
  continuationRecurrence,
  isFirstOccurrence,
  seriesTimingFromOccurrence,
  truncateRecurrence,
} from './series-split.js';

const master = {
  google_event_id: 'abc123',
  all_day: false,
  // Mondays 09:00 New York (14:00 UTC in winter).
  start_at: new Date('2031-02-03T14:00:00Z'),
  end_at: new Date('2031-02-03T15:00:00Z'),
  start_date: null,
  end_date: null,
  time_zone: 'America/New_York',
  recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=America/New_York:20310217T090000'],
} as unknown as EventRow;

/** An all-day series from Saturday 2031-02-01. */
function allDayMaster(recurrence: string[]): EventRow {
  return {
    ...master,
    all_day: true,
    start_at: null,
    end_at: null,
    start_date: '2031-02-01',
    end_date: '2031-02-02',
    time_zone: null,
    recurrence,
  };
}

function occurrence(start: string): Instance {
  const at = new Date(start);
  return {
    id: `abc123_${start.replace(/[-:]/g, '').replace('.000', '')}`,
    recurringEventId: 'abc123',
    originalStartAt: at,
    originalStartDate: null,
    allDay: false,
    startAt: at,
    endAt: new Date(at.getTime() + 3_600_000),
    startDate: null,
    endDate: null,
    exception: null,
  };
}

describe('splitting a series ("this and following")', () => {
  it('ends a COUNT rule with the count of its occurrences before the split (an excluded date counted)', () => {
    // A count, not an UNTIL: the first part keeps its three occurrences when it is moved later.
    expect(truncateRecurrence(master, occurrence('2031-02-24T14:00:00Z'))).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'EXDATE;TZID=America/New_York:20310217T090000',
    ]);
  });

  it('ends other rules one second before the occurrence, in UTC', () => {
    const open = { ...master, recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20311231T000000Z'] } as EventRow;
    expect(truncateRecurrence(open, occurrence('2031-02-24T14:00:00Z'))).toEqual([
      'RRULE:FREQ=WEEKLY;UNTIL=20310224T135959Z',
    ]);
  });

  it('ends all-day series on the day before', () => {
    const day: Instance = {
      ...occurrence('2031-02-24T14:00:00Z'),
      originalStartAt: null,
      originalStartDate: '2031-03-01',
      allDay: true,
    };
    expect(truncateRecurrence(allDayMaster(['RRULE:FREQ=DAILY']), day)).toEqual([
      'RRULE:FREQ=DAILY;UNTIL=20310228',
    ]);
  });

  it('continues with the occurrences left of a COUNT (an excluded date still counts as one of the rule)', () => {
    // The rule's occurrences before the 4th Monday: Feb 3, 10 and 17 (excluded, but counted).
    // The excluded date is before the split: it stays with the first part only.
    expect(continuationRecurrence(master, occurrence('2031-02-24T14:00:00Z'))).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=3',
    ]);
    expect(
      continuationRecurrence(
        { ...master, recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20311231T000000Z'] },
        occurrence('2031-02-24T14:00:00Z'),
      ),
    ).toEqual(['RRULE:FREQ=WEEKLY;UNTIL=20311231T000000Z']);
  });

  it('gives the RDATEs and EXDATEs from the split on to the new series, the earlier ones to the first', () => {
    const series = {
      ...master,
      recurrence: [
        'RRULE:FREQ=WEEKLY;COUNT=6',
        // Wednesdays Feb 5 and Mar 5, and the Monday of the split itself.
        'RDATE;TZID=America/New_York:20310205T090000,20310305T090000,20310224T090000',
        'EXDATE;TZID=America/New_York:20310217T090000,20310303T090000',
        'RDATE:20310226T150000Z',
      ],
    } as EventRow;
    const split = occurrence('2031-02-24T14:00:00Z');
    const first = truncateRecurrence(series, split);
    const rest = continuationRecurrence(series, split);
    expect(first).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'RDATE;TZID=America/New_York:20310205T090000',
      'EXDATE;TZID=America/New_York:20310217T090000',
    ]);
    expect(rest).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'RDATE;TZID=America/New_York:20310305T090000,20310224T090000',
      'EXDATE;TZID=America/New_York:20310303T090000',
      'RDATE:20310226T150000Z',
    ]);
    // Together the two parts have exactly the occurrences of the series.
    const range = { from: new Date('2031-01-01T00:00:00Z'), to: new Date('2031-06-01T00:00:00Z') };
    const starts = (row: EventRow) =>
      expandSeries(row, [], range).map((instance) => instance.originalStartAt?.toISOString());
    const continued = {
      ...series,
      start_at: split.startAt,
      end_at: split.endAt,
      recurrence: rest,
    } as EventRow;
    expect([...starts({ ...series, recurrence: first }), ...starts(continued)]).toEqual(starts(series));
    expect(starts(series)).toContain('2031-03-05T14:00:00.000Z');
    expect(starts(series)).not.toContain('2031-03-03T14:00:00.000Z');
  });

  it('splits the dates of an all-day series by day; a whole-day EXDATE of a timed series on the split day goes with both', () => {
    const series = allDayMaster([
      'RRULE:FREQ=WEEKLY',
      'RDATE;VALUE=DATE:20310225,20310301,20310306',
      'EXDATE;VALUE=DATE:20310222,20310308',
    ]);
    const day: Instance = {
      ...occurrence('2031-03-01T00:00:00Z'),
      originalStartAt: null,
      originalStartDate: '2031-03-01',
      allDay: true,
    };
    expect(truncateRecurrence(series, day)).toEqual([
      'RRULE:FREQ=WEEKLY;UNTIL=20310228',
      'RDATE;VALUE=DATE:20310225',
      'EXDATE;VALUE=DATE:20310222',
    ]);
    expect(continuationRecurrence(series, day)).toEqual([
      'RRULE:FREQ=WEEKLY',
      'RDATE;VALUE=DATE:20310301,20310306',
      'EXDATE;VALUE=DATE:20310308',
    ]);

    const timed = {
      ...master,
      recurrence: ['RRULE:FREQ=DAILY', 'EXDATE;VALUE=DATE:20310210,20310224,20310301'],
    };
    const split = occurrence('2031-02-24T14:00:00Z');
    expect(truncateRecurrence(timed as EventRow, split)).toEqual([
      'RRULE:FREQ=DAILY;UNTIL=20310224T135959Z',
      'EXDATE;VALUE=DATE:20310210,20310224',
    ]);
    expect(continuationRecurrence(timed as EventRow, split)).toEqual([
      'RRULE:FREQ=DAILY',
      'EXDATE;VALUE=DATE:20310224,20310301',
    ]);
  });

  it('knows the first occurrence', () => {
    expect(isFirstOccurrence(master, occurrence('2031-02-03T14:00:00Z'))).toBe(true);
    expect(isFirstOccurrence(master, occurrence('2031-02-10T14:00:00Z'))).toBe(false);
  });

  it('moves a series by the new time of one occurrence, on the wall clock', () => {
    // The 2031-03-10 occurrence (after the DST change) moved to 11:00 New York.
    const moved = seriesTimingFromOccurrence(master, occurrence('2031-03-10T13:00:00Z'), {
      allDay: false,
      startAt: new Date('2031-03-10T15:00:00Z'),
      endAt: new Date('2031-03-10T15:30:00Z'),
      startDate: null,
      endDate: null,
      timeZone: 'America/New_York',
    });
    // Back on the first date, still 11:00 local (16:00 UTC in winter), 30 minutes long.
    expect(moved.startAt?.toISOString()).toBe('2031-02-03T16:00:00.000Z');
    expect(moved.endAt?.toISOString()).toBe('2031-02-03T16:30:00.000Z');
  });
});

describe('collapsed pushes', () => {
  it('keep the broadest sendUpdates of the changes not pushed yet', () => {
    const pending = { sync_state: 'pending', push_send_updates: 'all' } as EventRow;
    const synced = { sync_state: 'synced', push_send_updates: null } as EventRow;
    expect(combinedSendUpdates(pending, 'none')).toBe('all');
    expect(combinedSendUpdates({ ...pending, push_send_updates: 'none' }, 'externalOnly')).toBe(
      'externalOnly',
    );
    expect(combinedSendUpdates(synced, 'none')).toBe('none');
    expect(combinedSendUpdates(null, 'all')).toBe('all');
  });
});
