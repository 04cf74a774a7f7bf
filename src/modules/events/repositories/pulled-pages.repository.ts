import { sql, type Expression, type ExpressionBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { EventRow } from '../../../adapters/db/tables/events.js';
import type { CalendarRef } from '../../../kernel/refs.js';
import type { EntitySource, EntityType } from '../../../kernel/values.js';
import type { MappedEventRow } from '../mapping/from-google.js';

type Trx = Transaction<Database>;

/** The mapped columns a pull writes, with the SQL type jsonb_to_recordset reads each as. */
const COLUMNS: readonly (readonly [keyof MappedEventRow, string])[] = [
  ['google_event_id', 'text'],
  ['ical_uid', 'text'],
  ['status', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['location', 'text'],
  ['all_day', 'boolean'],
  ['start_at', 'timestamptz'],
  ['end_at', 'timestamptz'],
  ['start_date', 'date'],
  ['end_date', 'date'],
  ['time_zone', 'text'],
  ['recurrence', 'text[]'],
  ['recurring_event_id', 'text'],
  ['original_start_at', 'timestamptz'],
  ['original_start_date', 'date'],
  ['organizer_email', 'text'],
  ['organizer_self', 'boolean'],
  ['attendees', 'jsonb'],
  ['reminders', 'jsonb'],
  ['meet_link', 'text'],
  ['html_link', 'text'],
  ['transparency', 'text'],
  ['visibility', 'text'],
  ['guests_can_modify', 'boolean'],
  ['guests_can_invite_others', 'boolean'],
  ['guests_can_see_other_guests', 'boolean'],
  ['event_type', 'text'],
  ['entity_type', 'text'],
  ['entity_id', 'uuid'],
  ['entity_source', 'text'],
  ['google_etag', 'text'],
  ['google_updated', 'timestamptz'],
  ['google_sequence', 'integer'],
  ['synced_snapshot', 'jsonb'],
];

const names = COLUMNS.map(([name]) => name);
const RECORD_TYPE = sql.raw(COLUMNS.map(([name, type]) => `${name} ${type}`).join(', '));
const INSERT_COLUMNS = sql.raw(names.join(', '));
const SELECT_COLUMNS = sql.raw(names.map((name) => `r.${name}`).join(', '));
/**
 * What an update of a stored row takes. An all-day event keeps the zone the row has: Google's
 * dates name none (the mapping puts in the calendar's), and it is the zone the meeting goes back
 * to when it is made timed again; a timed event takes Google's.
 */
const UPDATE_VALUE: Partial<Record<keyof MappedEventRow, string>> = {
  time_zone:
    'CASE WHEN excluded.all_day THEN coalesce(events.time_zone, excluded.time_zone) ELSE excluded.time_zone END',
};
const UPDATE_SET = sql.raw(
  names
    .filter((name) => name !== 'google_event_id')
    .map((name) => `${name} = ${UPDATE_VALUE[name] ?? `excluded.${name}`}`)
    .join(', '),
);

/** A row as the upsert returns it: the stored row, and whether this statement inserted it. */
export type UpsertedEventRow = EventRow & { inserted: boolean };

/** A row about to be deleted, with what its meeting activities need. */
export interface DoomedRow {
  id: string;
  linked: boolean;
}

/** The CRM's decision about a stored row's link (what the pull keeps when Google's copy has none). */
export interface StoredLink {
  google_event_id: string;
  entity_type: EntityType | null;
  entity_id: string | null;
  entity_source: EntitySource | null;
}

type Where = (eb: ExpressionBuilder<Database, 'events'>) => Expression<SqlBool>;

async function doomed(trx: Trx, ref: CalendarRef, where: Where): Promise<DoomedRow[]> {
  const rows = await trx
    .selectFrom('events')
    .select(['id', 'entity_type'])
    .where('calendar_id', '=', ref.calendarId)
    .where('tenant_id', '=', ref.tenantId)
    .where('user_id', '=', ref.userId)
    .where(where)
    .execute();
  return rows.map((row) => ({ id: row.id, linked: row.entity_type !== null }));
}

/**
 * The statements of the pull (src/modules/pull) on `events`: one page of Google's listing written
 * in the page's transaction, and the rows Google deleted. Every statement is scoped by the
 * calendar and its owner, and runs in the caller's transaction.
 */
export const pulledPagesRepository = {
  /**
   * Writes one page of mapped events in ONE statement: the page travels as a single jsonb parameter
   * expanded by jsonb_to_recordset (no parameter-count limit, one round trip), inserted or updated
   * on (calendar_id, google_event_id). An existing row is left alone when its etag is the one Google
   * sent (our own write coming back, or nothing changed) and its event type and guest permissions
   * are Google's (rows stored before those columns were read take them from any listing), when it
   * holds a local change not yet pushed (`pending`: the push worker merges it), or when it is
   * deleted locally and waiting for the push. Returns only the rows this statement inserted or changed.
   */
  async upsert(
    trx: Trx,
    ref: CalendarRef,
    rows: readonly MappedEventRow[],
    options: { now: Date; generation: number | null },
  ): Promise<UpsertedEventRow[]> {
    if (rows.length === 0) return [];
    const records = rows.map((row) => Object.fromEntries(names.map((name) => [name, row[name]])));
    const result = await sql<UpsertedEventRow>`
    INSERT INTO events (tenant_id, user_id, calendar_id, ${INSERT_COLUMNS}, sync_state, listed_generation, created_at, updated_at)
    SELECT ${ref.tenantId}, ${ref.userId}, ${ref.calendarId}::uuid, ${SELECT_COLUMNS}, 'synced', ${options.generation}::integer,
           ${options.now}::timestamptz, ${options.now}::timestamptz
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(${RECORD_TYPE})
    ON CONFLICT (calendar_id, google_event_id) DO UPDATE SET
      ${UPDATE_SET}, sync_state = 'synced', sync_error = NULL, deleted_at = NULL,
      updated_at = excluded.updated_at
    WHERE events.sync_state <> 'pending'
      -- A row the CRM deleted (and Google has deleted) stays until Google's cancellation is pulled:
      -- a listing taken before the delete must not bring the event back, a restore in Google
      -- (changed after the delete) does.
      AND (events.deleted_at IS NULL OR excluded.google_updated > events.deleted_at)
      AND (events.google_etag IS DISTINCT FROM excluded.google_etag
        OR (events.event_type, events.guests_can_modify, events.guests_can_invite_others,
            events.guests_can_see_other_guests)
           IS DISTINCT FROM (excluded.event_type, excluded.guests_can_modify,
            excluded.guests_can_invite_others, excluded.guests_can_see_other_guests))
    RETURNING events.*, (xmax = 0) AS inserted
  `.execute(trx);
    return result.rows;
  },

  /** Stamps the full listing's generation on the rows it returned (changed or not). */
  async markListed(trx: Trx, ref: CalendarRef, generation: number, googleIds: readonly string[]) {
    if (googleIds.length === 0) return;
    await trx
      .updateTable('events')
      .set({ listed_generation: generation })
      .where('calendar_id', '=', ref.calendarId)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .where('google_event_id', 'in', [...googleIds])
      .execute();
  },

  /** The rows of events Google deleted: the events themselves and, for series, their stored occurrences. */
  async rowsOfDeletedEvents(trx: Trx, ref: CalendarRef, googleIds: readonly string[]) {
    if (googleIds.length === 0) return [];
    const ids = [...googleIds];
    return doomed(trx, ref, (eb) =>
      eb.or([eb('google_event_id', 'in', ids), eb('recurring_event_id', 'in', ids)]),
    );
  },

  /**
   * Rows a finished full listing did not return: deleted in Google while no sync token could tell.
   * Left alone: rows Google never had (a local create not yet pushed has no etag) and rows changed
   * after the listing started (the next incremental pull settles those).
   */
  async rowsMissingFromListing(trx: Trx, ref: CalendarRef, generation: number, listingStartedAt: Date) {
    return doomed(trx, ref, (eb) =>
      eb.and([
        eb.or([eb('listed_generation', 'is', null), eb('listed_generation', '<>', generation)]),
        eb('google_etag', 'is not', null),
        eb('updated_at', '<', listingStartedAt),
      ]),
    );
  },

  /**
   * Deletes the rows of CRM deletes Google applied before `before` (deleted locally, no longer
   * waiting for the push: see PushRepository.keepDeletedUntilPulled), with the occurrences of such
   * series. An occurrence deleted with its series waits while the series' own delete is pending.
   */
  async deleteSettledDeletes(trx: Trx, ref: CalendarRef, before: Date): Promise<void> {
    const settled = await trx
      .selectFrom('events as e')
      .select(['e.id', 'e.google_event_id', 'e.recurrence'])
      .where('e.calendar_id', '=', ref.calendarId)
      .where('e.tenant_id', '=', ref.tenantId)
      .where('e.user_id', '=', ref.userId)
      .where('e.deleted_at', 'is not', null)
      .where('e.sync_state', '=', 'synced')
      .where('e.updated_at', '<', before)
      .where((eb) =>
        eb.or([
          eb('e.recurring_event_id', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('events as m')
                .select('m.id')
                .whereRef('m.calendar_id', '=', 'e.calendar_id')
                .whereRef('m.google_event_id', '=', 'e.recurring_event_id')
                .where('m.sync_state', '=', 'pending'),
            ),
          ),
        ]),
      )
      .execute();
    if (settled.length === 0) return;
    const series = settled.filter((row) => row.recurrence !== null).map((row) => row.google_event_id);
    await trx
      .deleteFrom('events')
      .where('calendar_id', '=', ref.calendarId)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .where((eb) =>
        eb.or([
          eb(
            'id',
            'in',
            settled.map((row) => row.id),
          ),
          ...(series.length > 0 ? [eb('recurring_event_id', 'in', series)] : []),
        ]),
      )
      .execute();
  },

  /** Deletes rows by id (in chunks, so any number fits the protocol's parameter limit). */
  async deleteRows(trx: Trx, ref: CalendarRef, rowIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < rowIds.length; i += 5000) {
      const result = await trx
        .deleteFrom('events')
        .where('calendar_id', '=', ref.calendarId)
        .where('tenant_id', '=', ref.tenantId)
        .where('user_id', '=', ref.userId)
        .where('id', 'in', rowIds.slice(i, i + 5000))
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  },

  /**
   * The links the CRM decided on (source 'crm' or 'none') of the calendar's rows with these Google
   * ids (the pull's keepLocalLinks applies them).
   */
  async storedLinks(trx: Trx, ref: CalendarRef, googleIds: readonly string[]): Promise<StoredLink[]> {
    return trx
      .selectFrom('events')
      .select(['google_event_id', 'entity_type', 'entity_id', 'entity_source'])
      .where('calendar_id', '=', ref.calendarId)
      .where('tenant_id', '=', ref.tenantId)
      .where('user_id', '=', ref.userId)
      .where('entity_source', 'in', ['crm', 'none'])
      .where('google_event_id', 'in', [...googleIds])
      .execute();
  },
};
