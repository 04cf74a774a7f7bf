import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../kernel/errors.js';
import { compareKeys, decodeEventCursor, encodeEventCursor, filtersFingerprint } from './cursor.js';

describe('event cursors', () => {
  const f = filtersFingerprint({ q: 'x', calendarId: undefined });
  it('round-trip a position for the same filters', () => {
    const cursor = { sortMs: 1_900_000_000_000, id: 'a:b_20300101', nowMs: 5 };
    expect(decodeEventCursor(encodeEventCursor(cursor, f), f)).toEqual(cursor);
  });
  it('refuse garbage and cursors of other filters', () => {
    expect(() => decodeEventCursor('not-a-cursor', f)).toThrow(ValidationError);
    const other = filtersFingerprint({ q: 'y' });
    expect(() => decodeEventCursor(encodeEventCursor({ sortMs: 1, id: 'a', nowMs: 1 }, other), f)).toThrow(
      /other filters/,
    );
  });
  it('fingerprints ignore key order', () => {
    expect(filtersFingerprint({ a: 1, b: 2 })).toBe(filtersFingerprint({ b: 2, a: 1 }));
  });
  it('order by time, then id in code-unit order', () => {
    expect(compareKeys({ sortMs: 1, id: 'b' }, { sortMs: 2, id: 'a' })).toBeLessThan(0);
    expect(compareKeys({ sortMs: 1, id: 'a:x' }, { sortMs: 1, id: 'a' })).toBeGreaterThan(0);
    expect(compareKeys({ sortMs: 1, id: 'A' }, { sortMs: 1, id: 'a' })).toBeLessThan(0);
  });
});
