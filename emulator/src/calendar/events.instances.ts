import { googleErrors } from '../errors.js';
import { collectionEtag } from '../ids.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { StoredEvent } from '../state/types.js';
import { formatTimestamp, parseDateTime } from '../time.js';
import { virtualInstance } from './event-lookup.js';
import { renderEvent, renderTombstone } from './event-render.js';
import { MAX_PAGE_SIZE } from './events.list.js';
import { compareKeys, decodePageToken, encodePageToken, queryDigest, type SortKey } from './list-tokens.js';
import { zoneParam, type ParsedQuery } from './params.js';
import { occurrences, seriesOf } from './recurrence.js';

/**
 * events.instances: the occurrences of a series in a window, with modified occurrences replaced
 * by their exceptions and cancelled ones left out unless showDeleted.
 */
export function listInstances(
  state: EmulatorState,
  calendar: CalendarRecord,
  eventId: string,
  query: ParsedQuery,
): Record<string, unknown> {
  const master = calendar.store.get(eventId);
  if (!master) throw googleErrors.notFound();
  if (master.data.status === 'cancelled') throw googleErrors.deleted();
  const timeMin = query.time('timeMin');
  const timeMax = query.time('timeMax');
  if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin)
    throw googleErrors.timeRangeEmpty();
  const showDeleted = query.bool('showDeleted');
  const originalStart = query.str('originalStart');
  let originalStartMs: number | undefined;
  if (originalStart !== undefined) {
    originalStartMs = parseDateTime(originalStart) ?? undefined;
    if (originalStartMs === undefined) {
      throw googleErrors.invalidParameter(
        'originalStart',
        `Invalid value '${originalStart}' for originalStart.`,
      );
    }
  }

  const zone = calendar.meta.timeZone;
  const all: Array<{ event: StoredEvent; key: SortKey }> = [];
  if (!master.data.recurrence) {
    all.push({ event: master, key: [master.startMs, master.id] });
  } else {
    const series = seriesOf(master, zone);
    const starts =
      originalStartMs !== undefined
        ? occurrences(series, originalStartMs, originalStartMs + 1).filter((s) => s === originalStartMs)
        : occurrences(series, timeMin, timeMax);
    for (const start of starts) {
      const computed = virtualInstance(master, start, zone);
      const event = calendar.store.get(computed.id) ?? computed;
      if (event.data.status === 'cancelled' && !showDeleted) continue;
      all.push({ event, key: [start, event.id] });
    }
  }

  const digest = queryDigest([
    calendar.meta.id,
    eventId,
    timeMin,
    timeMax,
    showDeleted,
    originalStart ?? null,
  ]);
  const pageToken = query.str('pageToken');
  const page = pageToken !== undefined ? decodePageToken(pageToken, digest) : null;
  const rest = page ? all.filter((item) => compareKeys(item.key, page.after) > 0) : all;
  const limit = Math.min(query.int('maxResults') ?? 250, MAX_PAGE_SIZE);
  const items = rest.slice(0, limit);
  const view = {
    calendar: calendar.meta,
    timeZone: zoneParam(query),
    maxAttendees: query.int('maxAttendees'),
  };
  const out: Record<string, unknown> = {
    kind: 'calendar#events',
    etag: collectionEtag(calendar.store.lastSeq),
    summary: calendar.meta.summary,
    updated: formatTimestamp(calendar.store.lastUpdatedMs || state.now()),
    timeZone: view.timeZone ?? zone,
    accessRole: 'owner',
    defaultReminders: calendar.meta.defaultReminders.map((r) => ({ ...r })),
  };
  const last = items[items.length - 1];
  if (rest.length > limit && last) {
    out.nextPageToken = encodePageToken({
      snapshot: calendar.store.lastSeq,
      after: last.key,
      base: null,
      digest,
    });
  }
  out.items = items.map(({ event }) =>
    event.data.status === 'cancelled' ? renderTombstone(event, view) : renderEvent(event, view),
  );
  return out;
}
