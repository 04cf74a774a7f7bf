import { describe, expect, it } from 'vitest';
import { dateBounds, resolveRange } from './range.js';

const now = new Date('2031-01-15T12:00:00Z');

describe('listing ranges', () => {
  it('reads dates as whole days in the zone, end date included', () => {
    const range = resolveRange(
      { startDate: '2031-03-01', endDate: '2031-03-01', timeZone: 'America/New_York' },
      now,
    );
    expect(range.from?.toISOString()).toBe('2031-03-01T05:00:00.000Z');
    expect(range.to?.toISOString()).toBe('2031-03-02T05:00:00.000Z');
    expect(dateBounds(range)).toEqual({ fromDate: '2031-03-01', toDateExclusive: '2031-03-02' });
    expect(range.expandFrom).toEqual(range.from);
  });
  it('reads instants as given and wall times in the zone', () => {
    const range = resolveRange(
      { startDate: '2031-03-01T10:00:00+01:00', endDate: '2031-03-01T12:00', timeZone: 'Europe/Paris' },
      now,
    );
    expect(range.from?.toISOString()).toBe('2031-03-01T09:00:00.000Z');
    expect(range.to?.toISOString()).toBe('2031-03-01T11:00:00.000Z');
  });
  it('expands series from 30 days ago to 90 days ahead without a range', () => {
    const range = resolveRange({}, now);
    expect([range.from, range.to]).toEqual([null, null]);
    expect(range.expandFrom.toISOString()).toBe('2030-12-16T12:00:00.000Z');
    expect(range.expandTo.toISOString()).toBe('2031-04-15T12:00:00.000Z');
  });
  it('expands a year from a single bound', () => {
    const range = resolveRange({ startDate: '2031-06-01' }, now);
    expect(range.expandTo.toISOString()).toBe('2032-05-31T00:00:00.000Z');
  });
  it('refuses bad input', () => {
    expect(() => resolveRange({ startDate: 'soon' }, now)).toThrow(/start_date must be a date/);
    expect(() => resolveRange({ startDate: '2031-02-30' }, now)).toThrow(/start_date/);
    expect(() => resolveRange({ startDate: '2031-03-02', endDate: '2031-03-01' }, now)).toThrow(
      /after start_date/,
    );
    expect(() => resolveRange({ timeZone: 'Mars/Base' }, now)).toThrow(/time_zone/);
    expect(() => resolveRange({ startDate: '2031-01-01', endDate: '2040-01-01' }, now)).toThrow(/at most/);
  });
});
