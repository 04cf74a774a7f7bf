import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import { optionalText, readListOptions, requireName, type CrmDeps } from './crm.common.js';
import type { Actor, Company, CompanyPatch, ListOptions, NewCompany, Page } from './crm.types.js';
import { isUuid, toPage } from './pagination.js';
import { activitiesRepository } from './repositories/activities.repository.js';
import { companiesRepository } from './repositories/companies.repository.js';

/** Domains are compared and shown in lower case, without a scheme or trailing dot. */
function normalizeDomain(value: string | null | undefined): string | null | undefined {
  const text = optionalText(value);
  if (text === undefined || text === null) return text;
  const domain = text.toLowerCase().replace(/\.$/, '');
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/.test(domain)) {
    throw new ValidationError(`domain is not a valid domain name: ${value}`, { field: 'domain' });
  }
  return domain;
}

/** Companies: visible to every user of the tenant; the creator is recorded as owner. */
export class CompanyService {
  constructor(private readonly deps: CrmDeps) {}

  async create(actor: Actor, input: NewCompany): Promise<Company> {
    const now = this.deps.clock.now();
    return companiesRepository.insert(this.deps.db, {
      tenant_id: actor.tenantId,
      owner_user_id: actor.userId,
      name: requireName(input.name, 'company'),
      domain: normalizeDomain(input.domain) ?? null,
      created_at: now,
      updated_at: now,
    });
  }

  async list(actor: Actor, options: ListOptions): Promise<Page<Company>> {
    const { q, after, limit } = readListOptions('companies', options);
    const rows = await companiesRepository.list(this.deps.db, actor.tenantId, { q, after, limit: limit + 1 });
    return toPage(rows, limit, 'companies', (company) => ({ key: company.name, id: company.id }));
  }

  async get(actor: Actor, id: string): Promise<Company> {
    const company = isUuid(id)
      ? await companiesRepository.findById(this.deps.db, actor.tenantId, id)
      : undefined;
    if (company === undefined) throw new NotFoundError(`No company ${id}`);
    return company;
  }

  async update(actor: Actor, id: string, patch: CompanyPatch): Promise<Company> {
    const values = {
      ...(patch.name !== undefined && { name: requireName(patch.name, 'company') }),
      ...(patch.domain !== undefined && { domain: normalizeDomain(patch.domain) ?? null }),
    };
    const updated = isUuid(id)
      ? await companiesRepository.update(this.deps.db, actor.tenantId, id, {
          ...values,
          updated_at: this.deps.clock.now(),
        })
      : undefined;
    if (updated === undefined) throw new NotFoundError(`No company ${id}`);
    return updated;
  }

  /** Deletes the company and its timeline; its contacts and deals stay, unlinked. */
  async delete(actor: Actor, id: string): Promise<void> {
    const deleted =
      isUuid(id) &&
      (await this.deps.db.transaction().execute(async (trx) => {
        if (!(await companiesRepository.delete(trx, actor.tenantId, id))) return false;
        await activitiesRepository.deleteForEntity(trx, actor.tenantId, 'company', id);
        return true;
      }));
    if (!deleted) throw new NotFoundError(`No company ${id}`);
  }
}
