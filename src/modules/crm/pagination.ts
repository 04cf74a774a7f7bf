import { ValidationError } from '../../kernel/errors.js';

/**
 * Opaque keyset cursors: the sort key and id of the last item of a page, so that the next page
 * starts right after it even while rows are inserted or deleted (no OFFSET drift).
 */
export interface CursorPosition {
  /** The sort key of the last row seen (a name, or an ISO timestamp). */
  key: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid UUID (every CRM id is one). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `scope` names the list the cursor belongs to, so a cursor of one list is refused by another. */
export function encodeCursor(scope: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([scope, position.key, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(scope: string, cursor: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed[0] === scope &&
    typeof parsed[1] === 'string' &&
    typeof parsed[2] === 'string' &&
    isUuid(parsed[2])
  ) {
    return { key: parsed[1], id: parsed[2] };
  }
  throw new ValidationError('cursor is not a next_cursor returned by this list', { field: 'cursor' });
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only proves that there is a next page.
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  scope: string,
  positionOf: (row: T) => CursorPosition,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(scope, positionOf(last)) : null;
  return { items, nextCursor };
}

/** Escapes LIKE wildcards so that a search for "50%" finds the text "50%". */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
