import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { ContactRow, ContactsTable } from '../../../adapters/db/tables/contacts.js';
import type { Database } from '../../../adapters/db/tables/index.js';
import type { Contact } from '../crm.types.js';
import type { CursorPosition } from '../pagination.js';
import { likePattern } from '../pagination.js';
import { afterName } from './keyset.js';

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    ownerUserId: row.owner_user_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    companyId: row.company_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Contacts of one tenant. Every method takes the executor so it can run inside a transaction. */
export const contactsRepository = {
  async insert(db: Kysely<Database>, values: Insertable<ContactsTable>): Promise<Contact> {
    const row = await db.insertInto('contacts').values(values).returningAll().executeTakeFirstOrThrow();
    return toContact(row);
  },

  async findById(
    db: Kysely<Database>,
    tenantId: string,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<Contact | undefined> {
    let query = db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    // FOR KEY SHARE: a record being referenced cannot be deleted until the referencing write commits.
    if (options.lock === true) query = query.forKeyShare();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toContact(row);
  },

  /** Contacts whose email equals one of `emails`, ignoring case (served by contacts_email_idx). */
  async findByEmails(db: Kysely<Database>, tenantId: string, emails: readonly string[]): Promise<Contact[]> {
    const lowered = [...new Set(emails.map((email) => email.trim().toLowerCase()))].filter((e) => e !== '');
    if (lowered.length === 0) return [];
    const rows = await db
      .selectFrom('contacts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(sql<string>`lower(email)`, 'in', lowered)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toContact);
  },

  /** Ordered by name, then id; fetches `limit` rows after `after`. */
  async list(
    db: Kysely<Database>,
    tenantId: string,
    options: { q?: string | undefined; after?: CursorPosition | undefined; limit: number },
  ): Promise<Contact[]> {
    let query = db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId);
    if (options.q !== undefined) {
      const pattern = likePattern(options.q);
      query = query.where((eb) =>
        eb.or([eb('name', 'ilike', pattern), eb('email', 'ilike', pattern), eb('phone', 'ilike', pattern)]),
      );
    }
    if (options.after !== undefined) query = query.where(afterName(options.after));
    const rows = await query.orderBy('name').orderBy('id').limit(options.limit).execute();
    return rows.map(toContact);
  },

  async update(
    db: Kysely<Database>,
    tenantId: string,
    id: string,
    values: Updateable<ContactsTable>,
  ): Promise<Contact | undefined> {
    const row = await db
      .updateTable('contacts')
      .set(values)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toContact(row);
  },

  async delete(db: Kysely<Database>, tenantId: string, id: string): Promise<boolean> {
    const result = await db
      .deleteFrom('contacts')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
};
