import { describe, expect, it } from 'vitest';
import { storableText, storableValue } from './storable-text.js';

describe('storableText', () => {
  it('removes NUL and replaces lone surrogates, keeping pairs and everything else', () => {
    expect(storableText('a\u0000b\u0000')).toBe('ab');
    expect(storableText('x\uD800y')).toBe('x\uFFFDy');
    expect(storableText('x\uDC00')).toBe('x\uFFFD');
    expect(storableText('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
    expect(storableText('emoji \uD83D\uDE00 and \u0001\u001F tabs\t')).toBe(
      'emoji \uD83D\uDE00 and \u0001\u001F tabs\t',
    );
  });

  it('returns the same string when nothing needs a change', () => {
    const text = 'Réunion 会議 😀';
    expect(storableText(text)).toBe(text);
  });
});

describe('storableValue', () => {
  it('cleans every string of a nested value, keys included, without touching the input', () => {
    const input = {
      summary: 'a\u0000',
      attendees: [{ email: 'x@example.com', displayName: 'N\u0000' }],
      extendedProperties: { private: { 'k\u0000': 'v\uD800' } },
      sequence: 3,
      guestsCanModify: false,
      location: null,
    };
    const before = JSON.stringify(input);
    expect(storableValue(input)).toEqual({
      summary: 'a',
      attendees: [{ email: 'x@example.com', displayName: 'N' }],
      extendedProperties: { private: { k: 'v\uFFFD' } },
      sequence: 3,
      guestsCanModify: false,
      location: null,
    });
    expect(JSON.stringify(input)).toBe(before);
  });

  it('returns the very same object when nothing needs a change', () => {
    const input = { summary: 'fine', attendees: [{ email: 'a@example.com' }], reminders: { overrides: [] } };
    expect(storableValue(input)).toBe(input);
  });

  it('keeps a "__proto__" key an own key', () => {
    const input = JSON.parse('{"a":"\\u0000x","__proto__":{"polluted":"yes"}}') as Record<string, unknown>;
    const out = storableValue(input);
    expect(Object.keys(out)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
