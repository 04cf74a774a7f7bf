import { sql, type Expression, type ExpressionBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Database, EventRow } from '../../db/schema.js';
import type { MappedEventRow } from '../../google/event-mapping.js';
import type { CalendarRef } from './pull.types.js';
import './pull.schema.js';

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
const UPDATE_SET = sql.raw(
  names
    .filter((name) => name !== 'google_event_id')
    .map((name) => `${name} = excluded.${name}`)
    .join(', '),
);

/** A row as the upsert returns it: the stored row, and whether this statement inserted it. */
export type UpsertedEventRow = EventRow & { inserted: boolean };

/**
 * Writes one page of mapped events in ONE statement: the page travels as a single jsonb parameter
 * expanded by jsonb_to_recordset (no parameter-count limit, one round trip), inserted or updated
 * on (calendar_id, google_event_id). An existing row is left alone when its etag is the one Google
 * sent (our own write coming back, or nothing changed), when it holds a local change not yet
 * pushed (`pending`: the push worker merges it), or when it is deleted locally and waiting for the
 * push. Returns only the rows this statement inserted or changed.
 */
export async function upsertEventRows(
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
      ${UPDATE_SET}, sync_state = 'synced', sync_error = NULL, updated_at = excluded.updated_at
    WHERE events.sync_state <> 'pending'
      AND events.deleted_at IS NULL
      AND events.google_etag IS DISTINCT FROM excluded.google_etag
    RETURNING events.*, (xmax = 0) AS inserted
  `.execute(trx);
  return result.rows;
}

/** Stamps the full listing's generation on the rows it returned (changed or not). */
export async function markListed(
  trx: Trx,
  ref: CalendarRef,
  generation: number,
  googleIds: readonly string[],
) {
  if (googleIds.length === 0) return;
  await trx
    .updateTable('events')
    .set({ listed_generation: generation })
    .where('calendar_id', '=', ref.calendarId)
    .where('tenant_id', '=', ref.tenantId)
    .where('user_id', '=', ref.userId)
    .where('google_event_id', 'in', [...googleIds])
    .execute();
}

/** A row about to be deleted, with what its meeting activities need. */
export interface DoomedRow {
  id: string;
  linked: boolean;
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

/** The rows of events Google deleted: the events themselves and, for series, their stored occurrences. */
export async function rowsOfDeletedEvents(trx: Trx, ref: CalendarRef, googleIds: readonly string[]) {
  if (googleIds.length === 0) return [];
  const ids = [...googleIds];
  return doomed(trx, ref, (eb) =>
    eb.or([eb('google_event_id', 'in', ids), eb('recurring_event_id', 'in', ids)]),
  );
}

/**
 * Rows a finished full listing did not return: deleted in Google while no sync token could tell.
 * Left alone: rows Google never had (a local create not yet pushed has no etag) and rows changed
 * after the listing started (the next incremental pull settles those).
 */
export async function rowsMissingFromListing(
  trx: Trx,
  ref: CalendarRef,
  generation: number,
  listingStartedAt: Date,
) {
  return doomed(trx, ref, (eb) =>
    eb.and([
      eb.or([eb('listed_generation', 'is', null), eb('listed_generation', '<>', generation)]),
      eb('google_etag', 'is not', null),
      eb('updated_at', '<', listingStartedAt),
    ]),
  );
}

/** Deletes rows by id (in chunks, so any number fits the protocol's parameter limit). */
export async function deleteRows(trx: Trx, ref: CalendarRef, rowIds: readonly string[]): Promise<number> {
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
}
