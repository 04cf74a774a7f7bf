import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { DealRow, DealsTable } from '../../../adapters/db/tables/deals.js';
import type { Deal } from '../crm.types.js';
import { centsFromColumn } from '../money.js';
import type { CursorPosition } from '../pagination.js';
import { likePattern } from '../pagination.js';
import { afterName } from './keyset.js';

function toDeal(row: DealRow): Deal {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    ownerUserId: row.owner_user_id,
    name: row.name,
    stage: row.stage,
    amountCents: centsFromColumn(row.amount_cents),
    currency: row.currency,
    companyId: row.company_id,
    contactId: row.contact_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Deals of one tenant. Every method takes the executor so it can run inside a transaction. */
export const dealsRepository = {
  async insert(db: Kysely<Database>, values: Insertable<DealsTable>): Promise<Deal> {
    const row = await db.insertInto('deals').values(values).returningAll().executeTakeFirstOrThrow();
    return toDeal(row);
  },

  async findById(
    db: Kysely<Database>,
    tenantId: string,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<Deal | undefined> {
    let query = db.selectFrom('deals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    // FOR KEY SHARE: a record being referenced cannot be deleted until the referencing write commits.
    if (options.lock === true) query = query.forKeyShare();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toDeal(row);
  },

  /** Ordered by name, then id; fetches `limit` rows after `after`. */
  async list(
    db: Kysely<Database>,
    tenantId: string,
    options: { q?: string | undefined; after?: CursorPosition | undefined; limit: number },
  ): Promise<Deal[]> {
    let query = db.selectFrom('deals').selectAll().where('tenant_id', '=', tenantId);
    if (options.q !== undefined) {
      const pattern = likePattern(options.q);
      query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('stage', 'ilike', pattern)]));
    }
    if (options.after !== undefined) query = query.where(afterName(options.after));
    const rows = await query.orderBy('name').orderBy('id').limit(options.limit).execute();
    return rows.map(toDeal);
  },

  async update(
    db: Kysely<Database>,
    tenantId: string,
    id: string,
    values: Updateable<DealsTable>,
  ): Promise<Deal | undefined> {
    const row = await db
      .updateTable('deals')
      .set(values)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toDeal(row);
  },

  async delete(db: Kysely<Database>, tenantId: string, id: string): Promise<boolean> {
    const result = await db
      .deleteFrom('deals')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
};
