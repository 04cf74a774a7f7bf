import { createHash } from 'node:crypto';
import { ValidationError } from '../../kernel/errors.js';

/** Where a page of GET /calendar/events ended: the sort start (ms) and the id of its last item. */
interface EventCursor {
  sortMs: number;
  id: string;
  /** The "now" the first page used, so default windows stay put across pages. */
  nowMs: number;
}

interface CursorBody {
  v: 1;
  s: number;
  i: string;
  n: number;
  f: string;
}

/** A short digest of the filters a cursor was made for; a cursor only continues the same listing. */
export function filtersFingerprint(filters: Record<string, unknown>): string {
  const normalized = JSON.stringify(Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(normalized).digest('base64url').slice(0, 12);
}

/** Opaque to clients: base64url of the position and the filters' fingerprint. */
export function encodeEventCursor(cursor: EventCursor, fingerprint: string): string {
  const body: CursorBody = { v: 1, s: cursor.sortMs, i: cursor.id, n: cursor.nowMs, f: fingerprint };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Reads a cursor; ValidationError when it is malformed or was made for other filters. */
export function decodeEventCursor(text: string, fingerprint: string): EventCursor {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new ValidationError('cursor is not a cursor returned by this endpoint', { field: 'cursor' });
  }
  if (
    body === null ||
    typeof body !== 'object' ||
    body.v !== 1 ||
    typeof body.s !== 'number' ||
    !Number.isFinite(body.s) ||
    typeof body.i !== 'string' ||
    body.i.length > 1200 ||
    typeof body.n !== 'number' ||
    !Number.isFinite(body.n)
  ) {
    throw new ValidationError('cursor is not a cursor returned by this endpoint', { field: 'cursor' });
  }
  if (body.f !== fingerprint) {
    throw new ValidationError('cursor belongs to a listing with other filters; start again without it', {
      field: 'cursor',
    });
  }
  return { sortMs: body.s, id: body.i, nowMs: body.n };
}

/** Order of items: by sort start, then id in code-unit order (the database compares ids with COLLATE "C"). */
export function compareKeys(a: { sortMs: number; id: string }, b: { sortMs: number; id: string }): number {
  if (a.sortMs !== b.sortMs) return a.sortMs - b.sortMs;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
