import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Owner } from '../../kernel/refs.js';
import type { EventRow } from '../events/index.js';
import { NotFoundError } from '../../kernel/errors.js';
import { compareKeys, decodeEventCursor, encodeEventCursor, filtersFingerprint } from './cursor.js';
import { resolveRange, type ResolvedRange } from '../events/index.js';
import type { EventFilters, EventsRepository } from '../events/index.js';
import { parseEventItemId, toEventItem, toInstanceItem, type EventItem } from '../events/index.js';
import { expandSeries, RecurrenceError } from '../../kernel/recurrence/recurrence.js';
import { dateStartInstant } from '../../kernel/time.js';

export const DEFAULT_EVENT_PAGE = 50;
export const MAX_EVENT_PAGE = 250;

interface EventListQuery extends EventFilters {
  startDate?: string | undefined;
  endDate?: string | undefined;
  timeZone?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

interface EventPage {
  items: EventItem[];
  nextCursor: string | null;
}

interface Keyed {
  sortMs: number;
  id: string;
  item: EventItem;
}

/** The instant an item sorts by (all-day events at the start of their date in the listing's zone). */
function sortMsOf(item: EventItem, zone: string): number {
  if (item.all_day && item.start_date !== null) return dateStartInstant(item.start_date, zone).getTime();
  return item.start_time === null ? 0 : Date.parse(item.start_time);
}

/**
 * GET /calendar/events: the owner's events, recurring series expanded into their occurrences in
 * the requested range, in (start, id) order with an opaque cursor. Single events come from one
 * keyset query; series are expanded in memory (masters and their stored exceptions) and merged in.
 * A series Google has not accepted yet (no etag: its create is pending or was refused) is not
 * expanded: it is one event, so a refused series shows as one failed event.
 */
export class EventsQueryService {
  constructor(
    private readonly events: EventsRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async list(owner: Owner, query: EventListQuery): Promise<EventPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_EVENT_PAGE, 1), MAX_EVENT_PAGE);
    const filters: EventFilters = {
      calendarId: query.calendarId,
      entityType: query.entityType,
      entityId: query.entityId,
      eventTypes: query.eventTypes,
      q: query.q,
    };
    const fingerprint = filtersFingerprint({
      ...filters,
      s: query.startDate,
      e: query.endDate,
      z: query.timeZone,
    });
    const cursor = query.cursor === undefined ? null : decodeEventCursor(query.cursor, fingerprint);
    const now = new Date(cursor?.nowMs ?? this.clock.now().getTime());
    const range = resolveRange(query, now);

    const singles = await this.events.listSingles(owner, filters, range, cursor, limit + 1);
    const keyed: Keyed[] = singles.map((row) => ({
      sortMs: row.sort_at.getTime(),
      id: row.id,
      item: toEventItem(row),
    }));
    for (const instance of await this.instances(owner, filters, range)) {
      if (cursor === null || compareKeys(instance, cursor) > 0) keyed.push(instance);
    }
    keyed.sort(compareKeys);
    const page = keyed.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      keyed.length > limit && last !== undefined
        ? encodeEventCursor({ sortMs: last.sortMs, id: last.id, nowMs: now.getTime() }, fingerprint)
        : null;
    return { items: page.map((k) => k.item), nextCursor };
  }

  /** One event by its API id: a stored row, or an occurrence `<series id>:<occurrence id>`. */
  async get(owner: Owner, id: string): Promise<EventItem> {
    const parsed = parseEventItemId(id);
    const notFound = new NotFoundError(`No event ${id}`);
    if (parsed === null) throw notFound;
    if (parsed.kind === 'row') {
      const row = await this.events.findById(owner, parsed.rowId);
      if (row === undefined || row.status === 'cancelled') throw notFound;
      return toEventItem(row);
    }
    const master = await this.events.findById(owner, parsed.masterRowId);
    if (master === undefined || master.recurrence === null || master.status === 'cancelled') throw notFound;
    // A series Google does not have yet is one event: its occurrences come with Google's copy.
    if (master.google_etag === null) throw notFound;
    if (!parsed.instanceGoogleId.startsWith(`${master.google_event_id}_`)) throw notFound;
    const original = originalStartOf(parsed.instanceGoogleId.slice(master.google_event_id.length + 1));
    if (original === null) throw notFound;
    const exceptions = await this.events.listExceptions(owner, [master]);
    // The occurrence is where the series puts it, or where its exception moved it: look around both.
    const exception = exceptions.find((e) => e.google_event_id === parsed.instanceGoogleId);
    if (exception?.status === 'cancelled') throw notFound;
    const around =
      exception?.start_at ??
      (exception?.start_date != null ? new Date(`${exception.start_date}T00:00:00Z`) : original);
    const instances = expandSeries(master, exceptions, {
      from: new Date(Math.min(around.getTime(), original.getTime()) - 2 * 86_400_000),
      to: new Date(Math.max(around.getTime(), original.getTime()) + 3 * 86_400_000),
    });
    const instance = instances.find((i) => i.id === parsed.instanceGoogleId);
    if (instance === undefined) throw notFound;
    return toInstanceItem(master, instance);
  }

  private async instances(owner: Owner, filters: EventFilters, range: ResolvedRange): Promise<Keyed[]> {
    const masters = await this.events.listSeriesMasters(
      owner,
      filters.calendarId,
      range.expandTo,
      filters.eventTypes,
    );
    if (masters.length === 0) return [];
    const exceptions = await this.events.listExceptions(owner, masters);
    const byMaster = new Map<string, EventRow[]>();
    for (const exception of exceptions) {
      const key = `${exception.calendar_id}/${exception.recurring_event_id ?? ''}`;
      byMaster.set(key, [...(byMaster.get(key) ?? []), exception]);
    }
    const out: Keyed[] = [];
    for (const master of masters) {
      if (master.google_etag === null) {
        // Not in Google yet (its first push pending, or refused): one event, the series itself.
        if (overlapsRange(master, range) && matches(master, filters)) {
          const item = toEventItem(master);
          out.push({ sortMs: sortMsOf(item, range.timeZone), id: item.id, item });
        }
        continue;
      }
      let expanded;
      try {
        expanded = expandSeries(
          master,
          byMaster.get(`${master.calendar_id}/${master.google_event_id}`) ?? [],
          {
            from: range.expandFrom,
            to: range.expandTo,
            timeZone: range.timeZone,
          },
        );
      } catch (error) {
        if (!(error instanceof RecurrenceError)) throw error;
        this.logger.warn(
          { eventId: master.id, error: error.message },
          'Series could not be expanded; left out',
        );
        continue;
      }
      for (const instance of expanded) {
        if (!matches(instance.exception ?? master, filters)) continue;
        const item = toInstanceItem(master, instance);
        out.push({ sortMs: sortMsOf(item, range.timeZone), id: item.id, item });
      }
    }
    return out;
  }
}

/** Whether a row's own times overlap the range, as the database tells it for single events. */
function overlapsRange(row: EventRow, range: ResolvedRange): boolean {
  const from = range.from?.getTime() ?? -Infinity;
  const to = range.to?.getTime() ?? Infinity;
  if (row.all_day) {
    if (row.start_date === null || row.end_date === null) return false;
    const start = dateStartInstant(row.start_date, range.timeZone).getTime();
    return start < to && dateStartInstant(row.end_date, range.timeZone).getTime() > from;
  }
  if (row.start_at === null || row.end_at === null) return false;
  const start = row.start_at.getTime();
  const end = row.end_at.getTime();
  return start < to && (end > from || (end === start && start >= from));
}

/** Whether a stored row passes the entity and text filters (the database applies them to single events). */
function matches(row: EventRow, filters: EventFilters): boolean {
  if (filters.entityType !== undefined && row.entity_type !== filters.entityType) return false;
  if (filters.entityId !== undefined && row.entity_id !== filters.entityId) return false;
  if (filters.q === undefined) return true;
  const needle = filters.q.toLowerCase();
  const fields = [row.title, row.description, row.location, ...row.attendees.map((a) => a.email)];
  return fields.some((field) => field !== null && field.toLowerCase().includes(needle));
}

/** The original start encoded in an occurrence id suffix: YYYYMMDD or YYYYMMDDTHHMMSSZ. */
function originalStartOf(suffix: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(suffix);
  if (m === null) return null;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}
