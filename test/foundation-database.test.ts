import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbTransaction } from '../src/adapters/db/database.js';
import { migrateToLatest } from '../src/adapters/db/migrate.js';
import { startTestApp, type TestApp } from './support/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ workers: false });
});
afterAll(async () => {
  await t?.close();
});

const owner = { tenant_id: 'default', user_id: 'alice' };

async function insertCalendar(suffix: string): Promise<string> {
  const connection = await t.ctx.db
    .insertInto('connections')
    .values({
      ...owner,
      user_id: `alice-${suffix}`,
      status: 'active',
      scopes: ['calendar.events', 'a "quoted", scope'],
    })
    .returning(['id', 'scopes'])
    .executeTakeFirstOrThrow();
  expect(connection.scopes).toEqual(['calendar.events', 'a "quoted", scope']);
  const calendar = await t.ctx.db
    .insertInto('calendars')
    .values({ ...owner, connection_id: connection.id, google_calendar_id: `primary-${suffix}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return calendar.id;
}

describe('the store', () => {
  it('reports its kind and answers ping', async () => {
    expect(t.ctx.database.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    await expect(t.ctx.database.ping()).resolves.toBeUndefined();
  });

  it('returns dates as YYYY-MM-DD, timestamptz as Date, bigint as string, jsonb and arrays parsed', async () => {
    const calendarId = await insertCalendar('types');
    const start = new Date('2026-03-29T00:30:00.000Z');
    const event = await t.ctx.db
      .insertInto('events')
      .values({
        ...owner,
        calendar_id: calendarId,
        google_event_id: 'evt1',
        all_day: true,
        start_date: '2026-03-29',
        end_date: '2026-03-30',
        original_start_at: start,
        recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE;VALUE=DATE:20260406'],
        attendees: JSON.stringify([{ email: 'bob@example.com', status: 'accepted', name: 'Bob "B"' }]),
        reminders: JSON.stringify({ use_default: false, overrides: [{ method: 'popup', minutes: 10 }] }),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(event.start_date).toBe('2026-03-29');
    expect(event.end_date).toBe('2026-03-30');
    expect(event.original_start_at).toEqual(start);
    expect(event.created_at).toBeInstanceOf(Date);
    expect(event.recurrence).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE;VALUE=DATE:20260406']);
    expect(event.attendees).toEqual([{ email: 'bob@example.com', status: 'accepted', name: 'Bob "B"' }]);
    expect(event.reminders).toEqual({ use_default: false, overrides: [{ method: 'popup', minutes: 10 }] });

    const deal = await t.ctx.db
      .insertInto('deals')
      .values({ tenant_id: 'default', owner_user_id: 'alice', name: 'Big', amount_cents: '9007199254740993' })
      .returning('amount_cents')
      .executeTakeFirstOrThrow();
    expect(deal.amount_cents).toBe('9007199254740993');

    const { rows } = await t.ctx.database.executeSql<{ days: string[] }>(
      "SELECT ARRAY['2026-01-01'::date, '2026-12-31'::date] AS days",
    );
    expect(rows[0]!.days).toEqual(['2026-01-01', '2026-12-31']);
  });

  it('reports affected rows and supports savepoints', async () => {
    const result = await t.ctx.db
      .updateTable('users')
      .set({ name: 'nobody' })
      .where('id', '=', 'no-such-user')
      .executeTakeFirst();
    expect(result.numUpdatedRows).toBe(0n);

    const trx = await t.ctx.db.startTransaction().execute();
    await trx.insertInto('users').values({ tenant_id: 'sp', id: 'kept', name: null, email: null }).execute();
    const nested = await trx.savepoint('inner').execute();
    await nested
      .insertInto('users')
      .values({ tenant_id: 'sp', id: 'undone', name: null, email: null })
      .execute();
    const restored = await nested.rollbackToSavepoint('inner').execute();
    await restored.commit().execute();
    const ids = await t.ctx.db.selectFrom('users').select('id').where('tenant_id', '=', 'sp').execute();
    expect(ids.map((r) => r.id)).toEqual(['kept']);
  });

  it('rolls back a failed transaction and keeps working', async () => {
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({ tenant_id: 'rb', id: 'x', name: null, email: null }).execute();
        await trx.insertInto('users').values({ tenant_id: 'rb', id: 'x', name: null, email: null }).execute();
      }),
    ).rejects.toThrow(/duplicate key/);
    const count = await t.ctx.db
      .selectFrom('users')
      .select(sql<string>`count(*)`.as('n'))
      .where('tenant_id', '=', 'rb')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('never lets another query land inside an open transaction', async () => {
    let releaseTransaction!: () => void;
    const hold = new Promise<void>((resolve) => (releaseTransaction = resolve));
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    let insideTrx!: DbTransaction;
    const transaction = t.ctx.db.transaction().execute(async (trx) => {
      insideTrx = trx;
      await trx
        .insertInto('users')
        .values({ tenant_id: 'iso', id: 'pending', name: null, email: null })
        .execute();
      inserted();
      await hold;
    });
    await insertedSignal;
    let outsideDone = false;
    const outside = t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', 'iso')
      .execute()
      .then((rows) => {
        outsideDone = true;
        return rows;
      });
    // Round trips of the open transaction after the outside query was sent: had that query joined
    // the session, it would have been answered in between (a count of turns, not a pause).
    for (let i = 0; i < 5; i += 1) await sql`SELECT 1`.execute(insideTrx);
    if (t.ctx.database.kind === 'pglite') {
      // One session: the outside query waits for the transaction instead of joining it.
      expect(outsideDone).toBe(false);
      releaseTransaction();
      await transaction;
      expect(await outside).toEqual([{ id: 'pending' }]);
    } else {
      // Separate connections: the outside query runs now and cannot see uncommitted rows.
      expect(await outside).toEqual([]);
      releaseTransaction();
      await transaction;
    }
  });

  it('runs multi-statement SQL through executeSql (pg-boss sends its schema that way)', async () => {
    const { rows } = await t.ctx.database.executeSql<{ b: number }>('SELECT 1 AS a; SELECT 2 AS b');
    expect(rows).toEqual([{ b: 2 }]);
  });

  it('is migrated, and migrating again changes nothing', async () => {
    expect(await migrateToLatest(t.ctx.db)).toEqual([]);
    const { rows } = await t.ctx.database.executeSql<{ name: string }>(
      'SELECT name FROM kysely_migration ORDER BY name',
    );
    expect(rows.map((r) => r.name)).toContain('20261124120000_initial');
  });
});
