import { googleErrors } from '../errors.js';
import { collectionEtag } from '../ids.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { StoredEvent } from '../state/types.js';
import { formatTimestamp } from '../time.js';
import { includeInFullList, matchesData, matchesType, overlaps, type EventFilter } from './event-filters.js';
import { virtualInstance } from './event-lookup.js';
import { renderEvent, renderTombstone } from './event-render.js';
import {
  compareKeys,
  decodePageToken,
  encodePageToken,
  issueSyncToken,
  queryDigest,
  readSyncToken,
  type SortKey,
  type SyncTokenViewer,
} from './list-tokens.js';
import { occurrences, seriesOf } from './recurrence.js';

interface ListRequest {
  filter: EventFilter;
  syncToken?: string | undefined;
  pageToken?: string | undefined;
  orderBy?: 'startTime' | 'updated' | undefined;
  maxResults: number;
  timeZone?: string | undefined;
  maxAttendees?: number | undefined;
  /** Who lists, and the epoch of their access (calendar-access.ts accessEpoch): binds the sync token. */
  viewer: SyncTokenViewer;
}

export const MAX_PAGE_SIZE = 2500;

interface Item {
  event: StoredEvent;
  key: SortKey;
}

/**
 * events.list. Full listings walk the calendar in change order (or, for singleEvents, in start
 * order); incremental ones (syncToken) start from the token's change number in the change log,
 * so their cost follows the number of changes. `nextSyncToken` comes only with the last page.
 */
export function listEvents(
  state: EmulatorState,
  calendar: CalendarRecord,
  req: ListRequest,
): Record<string, unknown> {
  const { filter } = req;
  const types = filter.eventTypes?.join(',') ?? '';
  const tokenSeq =
    req.syncToken !== undefined
      ? readSyncToken(state, calendar.meta.id, req.syncToken, types, req.viewer)
      : null;
  const digest = queryDigest([calendar.meta.id, tokenSeq !== null, filter, req.orderBy ?? null]);
  const page = req.pageToken !== undefined ? decodePageToken(req.pageToken, digest) : null;
  const snapshot = page?.snapshot ?? calendar.store.lastSeq;
  const base = page ? page.base : tokenSeq;
  const limit = Math.min(req.maxResults, MAX_PAGE_SIZE);

  let items: Item[];
  let more: boolean;
  if (!filter.singleEvents && req.orderBy !== 'startTime') {
    ({ items, more } = scanInChangeOrder(calendar, filter, base, snapshot, page?.after ?? null, limit));
  } else {
    const all =
      base !== null
        ? expandChanges(calendar, filter, base, snapshot)
        : expandFull(calendar, filter, snapshot);
    const byUpdated = req.orderBy === 'updated' || base !== null;
    for (const item of all)
      item.key = byUpdated
        ? [item.event.seq, item.event.startMs, item.event.id]
        : [item.event.startMs, item.event.id];
    all.sort((a, b) => compareKeys(a.key, b.key));
    const after = page?.after ?? null;
    const rest = after ? all.filter((item) => compareKeys(item.key, after) > 0) : all;
    items = rest.slice(0, limit);
    more = rest.length > limit;
  }

  const view = { calendar: calendar.meta, timeZone: req.timeZone, maxAttendees: req.maxAttendees };
  const out: Record<string, unknown> = {
    kind: 'calendar#events',
    etag: collectionEtag(Math.max(calendar.store.lastSeq, calendar.meta.seq)),
    summary: calendar.meta.summary,
  };
  if (calendar.meta.description !== undefined) out.description = calendar.meta.description;
  out.updated = formatTimestamp(calendar.store.lastUpdatedMs || state.now());
  out.timeZone = req.timeZone ?? calendar.meta.timeZone;
  out.accessRole = 'owner';
  out.defaultReminders = calendar.meta.defaultReminders.map((r) => ({ ...r }));
  const last = items[items.length - 1];
  if (more && last) {
    out.nextPageToken = encodePageToken({ snapshot, after: last.key, base, digest });
  } else {
    out.nextSyncToken = issueSyncToken(state, calendar.meta.id, snapshot, types, req.viewer);
  }
  out.items = items.map(({ event }) =>
    event.data.status === 'cancelled' ? renderTombstone(event, view) : renderEvent(event, view),
  );
  return out;
}

function scanInChangeOrder(
  calendar: CalendarRecord,
  filter: EventFilter,
  base: number | null,
  snapshot: number,
  after: SortKey | null,
  limit: number,
): { items: Item[]; more: boolean } {
  const items: Item[] = [];
  let more = false;
  const from = typeof after?.[0] === 'number' ? after[0] : (base ?? 0);
  calendar.store.scanBySeq(from, snapshot, (event) => {
    // Incremental listings return every change of the listed types, deletions included.
    const include = base !== null ? matchesType(event, filter) : includeInFullList(calendar, event, filter);
    if (!include) return true;
    if (items.length >= limit) {
      more = true;
      return false;
    }
    items.push({ event, key: [event.seq] });
    return true;
  });
  return { items, more };
}

/** singleEvents=true: occurrences of every live series plus single events and exceptions. */
function expandFull(calendar: CalendarRecord, filter: EventFilter, snapshot: number): Item[] {
  const items: Item[] = [];
  calendar.store.scanBySeq(0, snapshot, (event) => {
    if (event.data.recurrence) {
      if (event.data.status !== 'cancelled' && matchesData(event, filter))
        items.push(...instancesOf(calendar, event, filter));
      return true;
    }
    if (!matchesData(event, filter)) return true;
    if (event.data.status === 'cancelled' && !filter.showDeleted && filter.updatedMin === undefined)
      return true;
    if (event.data.recurringEventId !== undefined) {
      const master = calendar.store.get(event.data.recurringEventId);
      if (master?.data.status === 'cancelled' && !filter.showDeleted) return true;
    }
    if (overlaps(event.startMs, event.endMs, filter)) items.push({ event, key: [] });
    return true;
  });
  return items;
}

/** singleEvents=true with a sync token: changed series come back as their occurrences. */
function expandChanges(
  calendar: CalendarRecord,
  filter: EventFilter,
  base: number,
  snapshot: number,
): Item[] {
  const items: Item[] = [];
  calendar.store.scanBySeq(base, snapshot, (event) => {
    if (!matchesType(event, filter)) return true;
    if (event.data.recurrence && event.data.status !== 'cancelled') {
      items.push(...instancesOf(calendar, event, { ...filter, timeMin: undefined, timeMax: undefined }));
    } else {
      items.push({ event, key: [] });
    }
    return true;
  });
  return items;
}

function instancesOf(calendar: CalendarRecord, master: StoredEvent, filter: EventFilter): Item[] {
  const zone = calendar.meta.timeZone;
  const series = seriesOf(master, zone);
  const out: Item[] = [];
  for (const start of occurrences(series, filter.timeMin, filter.timeMax)) {
    const instance = virtualInstance(master, start, zone);
    // A stored exception (modified or cancelled) replaces the computed occurrence.
    if (calendar.store.get(instance.id)) continue;
    out.push({ event: instance, key: [] });
  }
  return out;
}

export function checkSyncTokenCompatibility(names: string[]): void {
  const incompatible = [
    'iCalUID',
    'orderBy',
    'privateExtendedProperty',
    'q',
    'sharedExtendedProperty',
    'timeMin',
    'timeMax',
    'updatedMin',
  ];
  for (const name of incompatible) {
    if (names.includes(name)) {
      throw googleErrors.invalid(`The syncToken parameter cannot be used together with ${name}.`, name);
    }
  }
}
