import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../kernel/errors.js';
import { decodeCursor, encodeCursor, likePattern, toPage } from './pagination.js';

const id = '0b7c1f0e-3c1a-4c55-9a55-1d9a3f1e2b3c';

describe('cursors', () => {
  it('round-trips a position within its list', () => {
    const cursor = encodeCursor('contacts', { key: 'Ada Lovelace', id });
    expect(decodeCursor('contacts', cursor)).toEqual({ key: 'Ada Lovelace', id });
  });

  it('refuses a cursor of another list, garbage and tampered ids', () => {
    const cursor = encodeCursor('contacts', { key: 'Ada', id });
    expect(() => decodeCursor('deals', cursor)).toThrow(ValidationError);
    expect(() => decodeCursor('deals', 'not-a-cursor')).toThrow(ValidationError);
    const tampered = Buffer.from(JSON.stringify(['contacts', 'Ada', "x' OR 1=1"])).toString('base64url');
    expect(() => decodeCursor('contacts', tampered)).toThrow(/next_cursor/);
  });

  it('makes a page from limit + 1 rows', () => {
    const rows = [1, 2, 3].map((n) => ({ n, id }));
    const page = toPage(rows, 2, 'x', (row) => ({ key: String(row.n), id: row.id }));
    expect(page.items).toHaveLength(2);
    expect(decodeCursor('x', page.nextCursor ?? '')).toEqual({ key: '2', id });
    expect(toPage(rows, 3, 'x', (row) => ({ key: String(row.n), id: row.id })).nextCursor).toBeNull();
  });
});

describe('likePattern', () => {
  it('escapes LIKE wildcards and backslashes', () => {
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
