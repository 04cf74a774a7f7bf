import type { Insertable, Kysely, Updateable } from 'kysely';
import type { CompaniesTable, CompanyRow } from '../../../adapters/db/tables/companies.js';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { Company } from '../crm.types.js';
import type { CursorPosition } from '../pagination.js';
import { likePattern } from '../pagination.js';
import { afterName } from './keyset.js';

function toCompany(row: CompanyRow): Company {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    ownerUserId: row.owner_user_id,
    name: row.name,
    domain: row.domain,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Companies of one tenant. Every method takes the executor so it can run inside a transaction. */
export const companiesRepository = {
  async insert(db: Kysely<Database>, values: Insertable<CompaniesTable>): Promise<Company> {
    const row = await db.insertInto('companies').values(values).returningAll().executeTakeFirstOrThrow();
    return toCompany(row);
  },

  async findById(
    db: Kysely<Database>,
    tenantId: string,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<Company | undefined> {
    let query = db.selectFrom('companies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    // FOR KEY SHARE: a record being referenced cannot be deleted until the referencing write commits.
    if (options.lock === true) query = query.forKeyShare();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toCompany(row);
  },

  /** Ordered by name, then id; fetches `limit` rows after `after`. */
  async list(
    db: Kysely<Database>,
    tenantId: string,
    options: { q?: string | undefined; after?: CursorPosition | undefined; limit: number },
  ): Promise<Company[]> {
    let query = db.selectFrom('companies').selectAll().where('tenant_id', '=', tenantId);
    if (options.q !== undefined) {
      const pattern = likePattern(options.q);
      query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('domain', 'ilike', pattern)]));
    }
    if (options.after !== undefined) query = query.where(afterName(options.after));
    const rows = await query.orderBy('name').orderBy('id').limit(options.limit).execute();
    return rows.map(toCompany);
  },

  async update(
    db: Kysely<Database>,
    tenantId: string,
    id: string,
    values: Updateable<CompaniesTable>,
  ): Promise<Company | undefined> {
    const row = await db
      .updateTable('companies')
      .set(values)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toCompany(row);
  },

  async delete(db: Kysely<Database>, tenantId: string, id: string): Promise<boolean> {
    const result = await db
      .deleteFrom('companies')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
};
