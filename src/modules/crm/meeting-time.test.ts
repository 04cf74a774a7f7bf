import { describe, expect, it } from 'vitest';
import { resolveMeetingWhen } from './meeting-time.js';

describe('resolveMeetingWhen', () => {
  it('reads instants given as Dates or ISO strings with an offset', () => {
    const start = new Date('2026-03-01T09:00:00Z');
    expect(resolveMeetingWhen(start, '2026-03-01T10:30:00+01:00')).toEqual({
      allDay: false,
      start,
      end: new Date('2026-03-01T09:30:00Z'),
    });
  });

  it('reads all-day meetings as dates with an exclusive end', () => {
    expect(resolveMeetingWhen('2026-03-01', '2026-03-02')).toEqual({
      allDay: true,
      start: '2026-03-01',
      end: '2026-03-02',
    });
  });

  it.each([
    ['2026-03-01T09:00:00', '2026-03-01T10:00:00Z', /offset/],
    ['2026-02-30', '2026-03-01', /not a calendar date/],
    ['2026-03-01', '2026-03-01', /after the start date/],
    ['2026-03-01T10:00:00Z', '2026-03-01T09:00:00Z', /before start/],
    ['2026-03-01', '2026-03-01T10:00:00Z', /both be instants or both be dates/],
    ['tomorrow', '2026-03-01', /start must be/],
  ])('refuses %s .. %s', (start, end, message) => {
    const result = resolveMeetingWhen(start, end);
    expect('error' in result && result.error).toMatch(message);
  });

  it('refuses invalid Date objects', () => {
    expect(resolveMeetingWhen(new Date('nope'), new Date())).toEqual({ error: 'start is an invalid Date' });
  });
});
