import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Owner } from '../../kernel/refs.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EntityType, EventType } from '../../kernel/values.js';
import type { EventRow } from '../../adapters/db/tables/events.js';
import { dateBounds, type ResolvedRange } from './range.js';

/** Filters of an event listing, besides the time range. */
export interface EventFilters {
  calendarId?: string | undefined;
  entityType?: EntityType | undefined;
  entityId?: string | undefined;
  /** Only events of these types (Google's eventType). */
  eventTypes?: readonly EventType[] | undefined;
  /** Case-insensitive text in the title, description, location or an attendee's email. */
  q?: string | undefined;
}

type Eb = ExpressionBuilder<Database, 'events'>;

/** LIKE pattern matching `q` anywhere, with the wildcards in `q` taken literally. */
function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The instant an event sorts by: its start, or for all-day events the start of its date in `zone`. */
function sortAt(zone: string) {
  return sql<Date>`COALESCE(events.start_at, (events.start_date::timestamp AT TIME ZONE ${zone}))`;
}

const ID_TEXT = sql<string>`(events.id::text COLLATE "C")`;

function ownerAndFilters(eb: Eb, owner: Owner, filters: EventFilters): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [
    eb('events.tenant_id', '=', owner.tenantId),
    eb('events.user_id', '=', owner.userId),
    eb('events.deleted_at', 'is', null),
    eb('events.status', '<>', 'cancelled'),
  ];
  if (filters.calendarId !== undefined) conditions.push(eb('events.calendar_id', '=', filters.calendarId));
  if (filters.entityType !== undefined) conditions.push(eb('events.entity_type', '=', filters.entityType));
  if (filters.entityId !== undefined) conditions.push(eb('events.entity_id', '=', filters.entityId));
  if (filters.eventTypes !== undefined)
    conditions.push(eb('events.event_type', 'in', [...filters.eventTypes]));
  if (filters.q !== undefined) {
    const pattern = containsPattern(filters.q);
    conditions.push(
      eb.or([
        eb('events.title', 'ilike', pattern),
        eb('events.description', 'ilike', pattern),
        eb('events.location', 'ilike', pattern),
        sql<SqlBool>`EXISTS (SELECT 1 FROM jsonb_array_elements(events.attendees) AS a WHERE a->>'email' ILIKE ${pattern})`,
      ]),
    );
  }
  return conditions;
}

function overlaps(eb: Eb, range: ResolvedRange): Expression<SqlBool> | null {
  if (range.from === null && range.to === null) return null;
  const { fromDate, toDateExclusive } = dateBounds(range);
  const timed: Expression<SqlBool>[] = [eb('events.all_day', '=', false)];
  const allDay: Expression<SqlBool>[] = [eb('events.all_day', '=', true)];
  if (range.to !== null) timed.push(eb('events.start_at', '<', range.to));
  if (range.from !== null) {
    const from = range.from;
    // An event with no duration counts when it starts inside the range.
    timed.push(
      eb.or([
        eb('events.end_at', '>', from),
        eb.and([eb('events.end_at', '=', eb.ref('events.start_at')), eb('events.start_at', '>=', from)]),
      ]),
    );
  }
  if (toDateExclusive !== null) allDay.push(eb('events.start_date', '<', toDateExclusive));
  if (fromDate !== null) allDay.push(eb('events.end_date', '>', fromDate));
  return eb.or([eb.and(timed), eb.and(allDay)]);
}

/** Reads of the CRM copy of calendar events, always scoped by tenant and user. */
export class EventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Live series masters of every tenant after `after` (by id), for maintenance that walks them all
   * (the reminder horizon of recurring series).
   */
  async seriesMastersAfter(after: string, limit: number): Promise<EventRow[]> {
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('recurrence', 'is not', null)
      .where('recurring_event_id', 'is', null)
      .where('deleted_at', 'is', null)
      .where('status', '!=', 'cancelled')
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /**
   * One page of events that are not part of a stored series (single events, and occurrences whose
   * series is not in the calendar, as when invited to one occurrence), in (sort start, id) order
   * after `after`.
   */
  async listSingles(
    owner: Owner,
    filters: EventFilters,
    range: ResolvedRange,
    after: { sortMs: number; id: string } | null,
    limit: number,
  ): Promise<(EventRow & { sort_at: Date })[]> {
    const sortExpression = sortAt(range.timeZone);
    return this.db
      .selectFrom('events')
      .selectAll('events')
      .select(sortExpression.as('sort_at'))
      .where((eb) => {
        const conditions = ownerAndFilters(eb, owner, filters);
        conditions.push(eb('events.recurrence', 'is', null));
        conditions.push(
          eb.or([
            eb('events.recurring_event_id', 'is', null),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('events as m')
                  .select('m.id')
                  .whereRef('m.calendar_id', '=', 'events.calendar_id')
                  .whereRef('m.google_event_id', '=', 'events.recurring_event_id')
                  .where('m.recurrence', 'is not', null),
              ),
            ),
          ]),
        );
        const range_ = overlaps(eb, range);
        if (range_ !== null) conditions.push(range_);
        if (after !== null) {
          const at = new Date(after.sortMs);
          conditions.push(
            eb.or([
              eb(sortExpression, '>', at),
              eb.and([eb(sortExpression, '=', at), eb(ID_TEXT, '>', after.id)]),
            ]),
          );
        }
        return eb.and(conditions);
      })
      .orderBy(sortExpression)
      .orderBy(ID_TEXT)
      .limit(limit)
      .execute();
  }

  /**
   * Series masters of the owner (optionally of one calendar and of some event types) that start
   * before `before`.
   */
  async listSeriesMasters(
    owner: Owner,
    calendarId: string | undefined,
    before: Date,
    eventTypes?: readonly EventType[],
  ): Promise<EventRow[]> {
    return this.db
      .selectFrom('events')
      .selectAll()
      .where((eb) => {
        const conditions = ownerAndFilters(eb, owner, { calendarId, eventTypes });
        conditions.push(eb('recurrence', 'is not', null));
        conditions.push(
          eb.or([eb('start_at', '<', before), eb('start_date', '<=', before.toISOString().slice(0, 10))]),
        );
        return eb.and(conditions);
      })
      .execute();
  }

  /**
   * The owner's rows of one calendar holding a CRM change Google does not have yet (`pending`, not
   * deleted or cancelled) that may touch [from, to): single events and occurrences overlapping it
   * (all-day ones with a day to spare either side, whatever their zone) and series masters.
   */
  async pendingEvents(owner: Owner, calendarId: string, from: Date, to: Date): Promise<EventRow[]> {
    const DAY_MS = 86_400_000;
    const wide = {
      from: new Date(from.getTime() - DAY_MS),
      to: new Date(to.getTime() + DAY_MS),
      expandFrom: from,
      expandTo: to,
      timeZone: 'UTC',
    };
    return this.db
      .selectFrom('events')
      .selectAll()
      .where((eb) => {
        const conditions = ownerAndFilters(eb, owner, { calendarId });
        conditions.push(eb('events.sync_state', '=', 'pending'));
        const inRange = overlaps(eb, wide);
        const series = eb.and([
          eb('events.recurrence', 'is not', null),
          eb('events.recurring_event_id', 'is', null),
        ]);
        conditions.push(inRange === null ? series : eb.or([series, inRange]));
        return eb.and(conditions);
      })
      .execute();
  }

  /** Stored occurrences (modified or cancelled) of the given series, keyed by their master. */
  async listExceptions(owner: Owner, masters: readonly EventRow[]): Promise<EventRow[]> {
    if (masters.length === 0) return [];
    const calendarIds = [...new Set(masters.map((m) => m.calendar_id))];
    const masterIds = [...new Set(masters.map((m) => m.google_event_id))];
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('deleted_at', 'is', null)
      .where('calendar_id', 'in', calendarIds)
      .where('recurring_event_id', 'in', masterIds)
      .execute();
  }

  /** One row by id, within the owner's scope (deleted-pending rows excluded). */
  async findById(owner: Owner, id: string): Promise<EventRow | undefined> {
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** One row by Google id in a calendar, within the owner's scope. */
  async findByGoogleId(
    owner: Owner,
    calendarId: string,
    googleEventId: string,
  ): Promise<EventRow | undefined> {
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', calendarId)
      .where('google_event_id', '=', googleEventId)
      .where('tenant_id', '=', owner.tenantId)
      .where('user_id', '=', owner.userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }
}
