import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import type { ConnectionRef, Owner } from '../../kernel/refs.js';
import type { CalendarRow } from '../../adapters/db/tables/calendars.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { CalendarRef } from '../../kernel/refs.js';

export type Executor = Kysely<Database> | Transaction<Database>;

/** Whose `calendars` rows a statement may touch: one calendar, one connection's, or an owner's. */
type CalendarScope = CalendarRef | ConnectionRef | Owner;

/**
 * The WHERE clause every `calendars` statement uses: always the tenant and the user, plus the
 * calendar id (a CalendarRef) or the connection id (a ConnectionRef). Works for select, update and
 * delete alike: `.where(scoped(ref))`.
 */
export function scoped(scope: CalendarScope) {
  return (eb: ExpressionBuilder<Database, 'calendars'>): Expression<SqlBool> => {
    const filters = [eb('tenant_id', '=', scope.tenantId), eb('user_id', '=', scope.userId)];
    if ('calendarId' in scope) filters.push(eb('id', '=', scope.calendarId));
    else if ('id' in scope) filters.push(eb('connection_id', '=', scope.id));
    return eb.and(filters);
  };
}

/** Google's access role of a calendar the user sees only as free/busy: events.list is refused. */
export const FREE_BUSY_ONLY_ROLE = 'freeBusyReader';

/** The push-channel columns of a calendar without a channel. */
export const NO_CHANNEL = {
  channel_id: null,
  channel_resource_id: null,
  channel_token_hash: null,
  channel_expires_at: null,
} as const;

/** One calendar within its owner's scope. */
export async function findCalendar(db: Executor, ref: CalendarRef): Promise<CalendarRow | undefined> {
  return db.selectFrom('calendars').selectAll().where(scoped(ref)).executeTakeFirst();
}

export function refOf(calendar: CalendarRow): CalendarRef {
  return { tenantId: calendar.tenant_id, userId: calendar.user_id, calendarId: calendar.id };
}

export function connectionOf(calendar: CalendarRow): ConnectionRef {
  return { id: calendar.connection_id, tenantId: calendar.tenant_id, userId: calendar.user_id };
}
