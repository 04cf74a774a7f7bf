import { createHash } from 'node:crypto';
import { googleErrors } from '../errors.js';
import type { EmulatorState } from '../state/emulator-state.js';

/**
 * Sync tokens record (calendar, change number, issue time, generation). They stop working when an
 * admin expires them (generation bump) or after SYNC_TOKEN_TTL_MS of emulated time: 410
 * `fullSyncRequired`, as Google answers for expired or unknown tokens.
 */
export const SYNC_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function issueSyncToken(state: EmulatorState, calendarId: string, seq: number): string {
  const payload = `${state.syncGeneration}|${seq}|${state.now()}|${calendarId}`;
  return `C${Buffer.from(payload).toString('base64url')}`;
}

/** The change number a sync token stands for; throws 410 when it cannot be used. */
export function readSyncToken(state: EmulatorState, calendarId: string, token: string): number {
  if (!token.startsWith('C') || token.length > 2048) throw googleErrors.fullSyncRequired();
  const parts = Buffer.from(token.slice(1), 'base64url').toString('utf8').split('|');
  if (parts.length !== 4) throw googleErrors.fullSyncRequired();
  const [generation, seq, issued, calendar] = parts;
  const seqNumber = Number(seq);
  const issuedMs = Number(issued);
  if (
    Number(generation) !== state.syncGeneration ||
    calendar !== calendarId ||
    !Number.isSafeInteger(seqNumber) ||
    seqNumber < 0 ||
    seqNumber > state.seq ||
    !Number.isFinite(issuedMs) ||
    state.now() - issuedMs > SYNC_TOKEN_TTL_MS
  ) {
    throw googleErrors.fullSyncRequired();
  }
  return seqNumber;
}

export type SortKey = Array<number | string>;

/**
 * Page tokens are opaque and stable: they hold the change number of the first page's snapshot
 * (later changes are left to the next incremental sync, so no page skips an item), the sort key of
 * the last item returned, and a digest of the query they belong to.
 */
export interface PageState {
  snapshot: number;
  after: SortKey;
  /** Change number of the sync token an incremental listing started from. */
  base: number | null;
  digest: string;
}

export function queryDigest(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 12);
}

export function encodePageToken(state: PageState): string {
  return Buffer.from(JSON.stringify([state.snapshot, state.after, state.base, state.digest])).toString(
    'base64url',
  );
}

export function decodePageToken(token: string, digest: string): PageState {
  const invalid = googleErrors.invalidParameter('pageToken', 'Invalid page token value.');
  if (token.length > 4096) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid;
  const [snapshot, after, base, tokenDigest] = parsed as unknown[];
  if (
    typeof snapshot !== 'number' ||
    !Array.isArray(after) ||
    !after.every((k) => typeof k === 'number' || typeof k === 'string') ||
    (base !== null && typeof base !== 'number') ||
    tokenDigest !== digest
  ) {
    throw invalid;
  }
  return { snapshot, after: after, base: base, digest };
}

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
