import { createHash } from 'node:crypto';
import { googleErrors } from '../errors.js';
import type { EmulatorState } from '../state/emulator-state.js';

/**
 * Sync tokens record (calendar, change number, issue time, generation, the `eventTypes` of the
 * listing that issued them, and who listed with which access). They stop working when an admin
 * expires them (generation bump) or after SYNC_TOKEN_TTL_MS of emulated time: 410
 * `fullSyncRequired`, as Google answers for expired or unknown tokens. A token used with other
 * `eventTypes` than it was issued for answers the same 410: its changes were filtered for other
 * types, so only a full sync makes the client whole. So does a token of another user, and one
 * issued before the user's access changed: Google invalidates sync tokens "because of changes in
 * related ACLs", so after a calendar is shared again its former grantee syncs it in full.
 */
const SYNC_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The user a sync token is issued to and the epoch of their access to the calendar. */
export interface SyncTokenViewer {
  email: string;
  accessEpoch: number;
}

export function issueSyncToken(
  state: EmulatorState,
  calendarId: string,
  seq: number,
  eventTypes: string,
  viewer: SyncTokenViewer,
): string {
  const payload = [
    state.syncGeneration,
    seq,
    state.now(),
    calendarId,
    eventTypes,
    viewer.email,
    viewer.accessEpoch,
  ];
  return `E${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

/** The fields of a token: JSON ones (`E...`), or the `|`-separated ones issued before viewers were bound (`C...`). */
function parseSyncToken(token: string): unknown[] | null {
  const body = Buffer.from(token.slice(1), 'base64url').toString('utf8');
  if (token.startsWith('C')) {
    const parts = body.split('|');
    if (parts.length !== 4 && parts.length !== 5) return null;
    const [generation, seq, issued, calendar, types = ''] = parts;
    return [Number(generation), Number(seq), Number(issued), calendar, types];
  }
  if (!token.startsWith('E')) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    return Array.isArray(parsed) && parsed.length === 7 ? parsed : null;
  } catch {
    return null;
  }
}

/** The change number a sync token stands for; throws 410 when it cannot be used. */
export function readSyncToken(
  state: EmulatorState,
  calendarId: string,
  token: string,
  eventTypes: string,
  viewer: SyncTokenViewer,
): number {
  const parts = token.length > 2048 ? null : parseSyncToken(token);
  if (!parts) throw googleErrors.fullSyncRequired();
  const [generation, seq, issued, calendar, types, email, epoch] = parts;
  if (types !== eventTypes) throw googleErrors.fullSyncRequired();
  // Tokens issued before viewers were bound (a restored snapshot) carry no viewer.
  const viewerMatches = parts.length === 5 || (email === viewer.email && epoch === viewer.accessEpoch);
  if (
    !viewerMatches ||
    generation !== state.syncGeneration ||
    calendar !== calendarId ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    seq < 0 ||
    seq > state.seq ||
    typeof issued !== 'number' ||
    !Number.isFinite(issued) ||
    state.now() - issued > SYNC_TOKEN_TTL_MS
  ) {
    throw googleErrors.fullSyncRequired();
  }
  return seq;
}

export type SortKey = Array<number | string>;

/**
 * Page tokens are opaque and stable: they hold the change number of the first page's snapshot
 * (later changes are left to the next incremental sync, so no page skips an item), the sort key of
 * the last item returned, and a digest of the query they belong to.
 */
interface PageState {
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
