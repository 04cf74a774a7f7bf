import { describe, expect, it } from 'vitest';
import {
  alignedSlots,
  freeWindows,
  intersect,
  mergeIntervals,
  workingWindows,
} from './availability-slots.js';

const d = (iso: string) => new Date(iso);
const iv = (start: string, end: string) => ({ start: d(start), end: d(end) });
const iso = (list: { start: Date; end: Date }[]) =>
  list.map((i) => [i.start.toISOString(), i.end.toISOString()]);

describe('free/busy interval arithmetic', () => {
  it('merges overlapping and touching busy periods', () => {
    const merged = mergeIntervals([
      iv('2030-01-01T10:00:00Z', '2030-01-01T11:00:00Z'),
      iv('2030-01-01T09:00:00Z', '2030-01-01T10:00:00Z'),
      iv('2030-01-01T10:30:00Z', '2030-01-01T12:00:00Z'),
      iv('2030-01-01T14:00:00Z', '2030-01-01T15:00:00Z'),
    ]);
    expect(iso(merged)).toEqual([
      ['2030-01-01T09:00:00.000Z', '2030-01-01T12:00:00.000Z'],
      ['2030-01-01T14:00:00.000Z', '2030-01-01T15:00:00.000Z'],
    ]);
  });

  it('finds the free windows between busy periods, clipped to the range', () => {
    const busy = mergeIntervals([
      iv('2030-01-01T07:00:00Z', '2030-01-01T09:00:00Z'),
      iv('2030-01-01T12:00:00Z', '2030-01-01T13:00:00Z'),
    ]);
    expect(iso(freeWindows(iv('2030-01-01T08:00:00Z', '2030-01-01T18:00:00Z'), busy))).toEqual([
      ['2030-01-01T09:00:00.000Z', '2030-01-01T12:00:00.000Z'],
      ['2030-01-01T13:00:00.000Z', '2030-01-01T18:00:00.000Z'],
    ]);
  });

  it('builds working-hour windows in the zone, weekdays only', () => {
    // 2030-01-04 is a Friday, 2030-01-05 a Saturday.
    const windows = workingWindows(
      iv('2030-01-04T00:00:00Z', '2030-01-06T00:00:00Z'),
      { startMinute: 9 * 60, endMinute: 17 * 60, days: [1, 2, 3, 4, 5] },
      'Europe/Berlin',
    );
    expect(iso(windows)).toEqual([['2030-01-04T08:00:00.000Z', '2030-01-04T16:00:00.000Z']]);
  });

  it('intersects interval lists', () => {
    const a = [
      iv('2030-01-01T08:00:00Z', '2030-01-01T12:00:00Z'),
      iv('2030-01-01T13:00:00Z', '2030-01-01T20:00:00Z'),
    ];
    const b = [iv('2030-01-01T09:00:00Z', '2030-01-01T17:00:00Z')];
    expect(iso(intersect(a, b))).toEqual([
      ['2030-01-01T09:00:00.000Z', '2030-01-01T12:00:00.000Z'],
      ['2030-01-01T13:00:00.000Z', '2030-01-01T17:00:00.000Z'],
    ]);
  });

  it('aligns slots to the local quarter hour and respects the duration', () => {
    const { slots, truncated } = alignedSlots(
      [iv('2030-01-01T09:05:00Z', '2030-01-01T10:10:00Z')],
      30,
      15,
      'Asia/Kolkata', // +05:30: quarter hours fall on :00/:15/:30/:45 UTC too
      10,
    );
    expect(truncated).toBe(false);
    expect(iso(slots)).toEqual([
      ['2030-01-01T09:15:00.000Z', '2030-01-01T09:45:00.000Z'],
      ['2030-01-01T09:30:00.000Z', '2030-01-01T10:00:00.000Z'],
    ]);
  });

  it('aligns on the wall clock of zones with odd offsets and stops at the limit', () => {
    // Asia/Kathmandu is +05:45: local :00 is :15 UTC.
    const { slots, truncated } = alignedSlots(
      [iv('2030-01-01T00:00:00Z', '2030-01-01T06:00:00Z')],
      60,
      60,
      'Asia/Kathmandu',
      2,
    );
    expect(truncated).toBe(true);
    expect(iso(slots)).toEqual([
      ['2030-01-01T00:15:00.000Z', '2030-01-01T01:15:00.000Z'],
      ['2030-01-01T01:15:00.000Z', '2030-01-01T02:15:00.000Z'],
    ]);
  });
});
