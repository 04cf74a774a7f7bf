import { googleErrors } from '../errors.js';
import { collectionEtag } from '../ids.js';
import type { CalendarListRecord } from '../state/calendar-lists.js';
import type { EmulatorState } from '../state/emulator-state.js';
import type { AclRole, UserRecord } from '../state/types.js';
import { calendarsVisibleTo, roleCovers, type ListedCalendar } from './calendar-access.js';
import { renderCalendarListEntry, renderRemovedEntry } from './calendar-render.js';
import { queryDigest } from './list-tokens.js';
import type { ParsedQuery } from './params.js';

/** calendarList.list pages: 100 entries by default, never more than 250 (discovery document). */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 250;
const SYNC_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Calendar-list sync tokens record (generation, change number, issue time, user). Like event sync
 * tokens they stop working when an admin expires them and after 7 days of emulated time, and a
 * token of another user is unknown here: 410 `fullSyncRequired`.
 */
function issueListSyncToken(state: EmulatorState, email: string, seq: number): string {
  const payload = JSON.stringify([state.syncGeneration, seq, state.now(), email]);
  return `L${Buffer.from(payload).toString('base64url')}`;
}

function readListSyncToken(state: EmulatorState, email: string, token: string): number {
  if (!token.startsWith('L') || token.length > 2048) throw googleErrors.fullSyncRequired();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(1), 'base64url').toString('utf8'));
  } catch {
    throw googleErrors.fullSyncRequired();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw googleErrors.fullSyncRequired();
  const [generation, seq, issued, owner] = parsed as unknown[];
  if (
    generation !== state.syncGeneration ||
    owner !== email ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    seq < 0 ||
    seq > state.seq ||
    typeof issued !== 'number' ||
    state.now() - issued > SYNC_TOKEN_TTL_MS
  ) {
    throw googleErrors.fullSyncRequired();
  }
  return seq;
}

/** Page tokens hold the position reached, the change number the listing started at and the query. */
function readPageToken(token: string, digest: string): { offset: number; snapshot: number } {
  const invalid = googleErrors.invalidParameter('pageToken', 'Invalid page token value.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid;
  const [offset, snapshot, tokenDigest] = parsed as unknown[];
  if (typeof offset !== 'number' || typeof snapshot !== 'number' || tokenDigest !== digest) throw invalid;
  return { offset, snapshot };
}

/**
 * With a sync token, Google returns every entry changed, removed or hidden since, and it "is not
 * allowed to set showDeleted neither showHidden to False"; minAccessRole "cannot be specified
 * together with nextSyncToken" (discovery document, calendarList.list).
 */
function checkSyncParameters(query: ParsedQuery): void {
  if (query.has('minAccessRole'))
    throw googleErrors.invalid(
      'The minAccessRole parameter cannot be used together with syncToken.',
      'minAccessRole',
    );
  for (const name of ['showDeleted', 'showHidden'])
    if (query.has(name) && !query.bool(name))
      throw googleErrors.invalid(`The syncToken parameter cannot be used with ${name} set to false.`, name);
}

type Row = { entry: CalendarListRecord; listed?: ListedCalendar };

/**
 * calendarList.list: the user's list in full (hidden entries with `showHidden`, removed ones with
 * `showDeleted`, filtered by `minAccessRole`), or, with a sync token, every entry changed since in
 * change order, removed ones as `deleted: true`. `nextSyncToken` comes with the last page.
 */
export function listCalendarList(
  state: EmulatorState,
  user: UserRecord,
  query: ParsedQuery,
): Record<string, unknown> {
  const syncToken = query.str('syncToken');
  if (syncToken !== undefined) checkSyncParameters(query);
  const since = syncToken === undefined ? null : readListSyncToken(state, user.email, syncToken);
  const minRole = query.str('minAccessRole') as AclRole | undefined;
  const showDeleted = since !== null || query.bool('showDeleted');
  const showHidden = since !== null || query.bool('showHidden');
  const digest = queryDigest([user.email, since, showDeleted, showHidden, minRole ?? null]);
  const pageToken = query.str('pageToken');
  const page =
    pageToken === undefined ? { offset: 0, snapshot: state.seq } : readPageToken(pageToken, digest);

  const live = calendarsVisibleTo(state, user.email);
  const liveById = new Map(live.map((listed) => [listed.calendar.meta.id, listed]));
  let rows: Row[];
  if (since !== null) {
    rows = state.calendarLists
      .entriesOf(user.email)
      .filter((entry) => entry.seq > since && entry.seq <= page.snapshot)
      .sort((a, b) => a.seq - b.seq)
      .map((entry) => ({ entry, ...withListed(liveById.get(entry.calendarId)) }));
  } else {
    rows = live
      .filter(({ role, entry }) => (showHidden || !entry.hidden) && (!minRole || roleCovers(role, minRole)))
      .map((listed) => ({ entry: listed.entry, listed }));
    if (showDeleted) {
      const removed = state.calendarLists
        .entriesOf(user.email)
        .filter((entry) => entry.deleted || !liveById.has(entry.calendarId))
        .sort((a, b) => a.seq - b.seq);
      rows.push(...removed.map((entry) => ({ entry })));
    }
  }

  const size = Math.min(query.int('maxResults') ?? DEFAULT_PAGE, MAX_PAGE);
  const items = rows.slice(page.offset, page.offset + size);
  const etagSeq = rows.reduce(
    (max, { entry, listed }) => Math.max(max, entry.seq, listed?.calendar.meta.seq ?? 0),
    0,
  );
  const out: Record<string, unknown> = { kind: 'calendar#calendarList', etag: collectionEtag(etagSeq) };
  if (page.offset + size < rows.length) {
    const next = JSON.stringify([page.offset + size, page.snapshot, digest]);
    out.nextPageToken = Buffer.from(next).toString('base64url');
  } else {
    out.nextSyncToken = issueListSyncToken(state, user.email, page.snapshot);
  }
  out.items = items.map(({ entry, listed }) =>
    listed && !entry.deleted
      ? renderCalendarListEntry(
          listed.calendar,
          listed.role,
          listed.calendar.meta.ownerEmail === user.email,
          listed.entry,
        )
      : renderRemovedEntry(entry),
  );
  return out;
}

function withListed(listed: ListedCalendar | undefined): { listed?: ListedCalendar } {
  return listed ? { listed } : {};
}
