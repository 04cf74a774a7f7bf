import { sql, type RawBuilder } from 'kysely';
import type { CursorPosition } from '../pagination.js';

/**
 * Keyset conditions shared by the CRM lists. Row-value comparison keeps "(key, id) after the
 * cursor" one index-friendly predicate, and id breaks ties between equal keys.
 */

/** Lists ordered by `name ASC, id ASC`: rows strictly after the cursor. */
export function afterName(position: CursorPosition): RawBuilder<boolean> {
  return sql<boolean>`(name, id) > (${position.key}, ${position.id}::uuid)`;
}

/**
 * Timelines ordered newest first. Timestamps are compared at millisecond precision because that
 * is what a cursor (a JavaScript Date) can carry; PostgreSQL stores microseconds.
 */
export const createdAtMs = sql<Date>`date_trunc('milliseconds', created_at)`;

export function beforeCreatedAt(position: CursorPosition): RawBuilder<boolean> {
  return sql<boolean>`(${createdAtMs}, id) < (${position.key}::timestamptz, ${position.id}::uuid)`;
}
