import type { Random } from './random.js';

/** Building blocks of fuzzed input: odd text, broken dates and values of the wrong type. */
export const ODD_TEXT = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '😀👩‍👩‍👧‍👦',
  '\u202eevil',
  'Ω≈ç√∫',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '%00%zz',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  'a'.repeat(70_000),
  '𝕳𝖊𝖑𝖑𝖔',
  '\\u0000',
];
export const ODD_DATES = [
  '2030-02-30T10:00:00Z',
  '2030-01-01T25:00:00Z',
  '2030-01-01T10:00:00',
  '2030-01-01',
  '0000-00-00T00:00:00Z',
  '99999-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  'now',
  '',
  '2030-01-01T10:00:00+25:00',
  '1e400',
  '2030-01-01T10:00:00.123456789Z',
];
const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  'string',
  [],
  {},
  [null],
  { a: { b: {} } },
];

/** Replaces lone surrogates, which cannot be percent-encoded, with U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function oddValue(rng: Random): unknown {
  const roll = rng.int(0, 2);
  if (roll === 0) return rng.pick(ODD_TEXT);
  if (roll === 1) return rng.pick(ODD_DATES);
  return rng.pick(ODD_VALUES);
}
