import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EntityRef, EntityType } from './crm.types.js';
import { isUuid } from './pagination.js';
import { companiesRepository } from './repositories/companies.repository.js';
import { contactsRepository } from './repositories/contacts.repository.js';
import { dealsRepository } from './repositories/deals.repository.js';

const ALIASES: Record<string, EntityType> = {
  contact: 'contact',
  contacts: 'contact',
  company: 'company',
  companies: 'company',
  deal: 'deal',
  deals: 'deal',
};

/** 'contacts' | 'contact' -> 'contact' (and so on); undefined for anything else. */
export function normalizeEntityType(value: string): EntityType | undefined {
  return Object.hasOwn(ALIASES, value) ? ALIASES[value] : undefined;
}

/**
 * Looks a record up in the tenant. A malformed id finds nothing rather than failing in SQL.
 * With `lock`, the row is held (FOR KEY SHARE) until the surrounding transaction ends, so a
 * write that references it cannot race with its deletion.
 */
export async function lookupEntity(
  db: Kysely<Database>,
  tenantId: string,
  type: EntityType,
  id: string,
  lock = false,
): Promise<EntityRef | undefined> {
  if (!isUuid(id)) return undefined;
  const options = { lock };
  const record =
    type === 'contact'
      ? await contactsRepository.findById(db, tenantId, id, options)
      : type === 'company'
        ? await companiesRepository.findById(db, tenantId, id, options)
        : await dealsRepository.findById(db, tenantId, id, options);
  return record === undefined ? undefined : { type, id: record.id, name: record.name };
}
