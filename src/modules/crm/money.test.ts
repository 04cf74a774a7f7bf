import { describe, expect, it } from 'vitest';
import { centsFromColumn, formatCents, MAX_AMOUNT_CENTS, parseAmountToCents } from './money.js';

describe('parseAmountToCents', () => {
  it.each([
    ['1234.56', 123456],
    ['1234.5', 123450],
    ['1234', 123400],
    [' 0.99 ', 99],
    ['0', 0],
    [1234.5, 123450],
    [19.99, 1999],
    [0, 0],
  ] as const)('reads %j as %i hundredths', (input, cents) => {
    expect(parseAmountToCents(input)).toEqual({ ok: true, cents });
  });

  it.each(['-1', '1.234', '1,000.00', '1e3', 'abc', '', '.5', '5.', 0.1 + 0.2, -3, Number.NaN, Infinity])(
    'refuses %j',
    (input) => {
      const result = parseAmountToCents(input);
      expect(result.ok).toBe(false);
    },
  );

  it('refuses amounts above the maximum and accepts the maximum itself', () => {
    expect(parseAmountToCents(formatCents(MAX_AMOUNT_CENTS))).toEqual({ ok: true, cents: MAX_AMOUNT_CENTS });
    expect(parseAmountToCents('1000000000000000').ok).toBe(false);
  });
});

describe('formatCents and centsFromColumn', () => {
  it('formats hundredths as a two-decimal string', () => {
    expect(formatCents(123456)).toBe('1234.56');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
  });

  it('reads bigint columns (strings) as numbers', () => {
    expect(centsFromColumn('123456')).toBe(123456);
    expect(centsFromColumn(null)).toBeNull();
    expect(() => centsFromColumn('99999999999999999999')).toThrow(RangeError);
  });
});
