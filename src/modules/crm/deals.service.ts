import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import { optionalText, readListOptions, requireName, requireReference, type CrmDeps } from './crm.common.js';
import type { Actor, Deal, DealPatch, ListOptions, NewDeal, Page } from './crm.types.js';
import { MAX_AMOUNT_CENTS } from './money.js';
import { isUuid, toPage } from './pagination.js';
import { activitiesRepository } from './repositories/activities.repository.js';
import { dealsRepository } from './repositories/deals.repository.js';

const DEFAULT_DEAL_STAGE = 'open';

function checkStage(value: string): string {
  const stage = value.trim();
  if (stage === '' || stage.length > 50) {
    throw new ValidationError('stage must be 1 to 50 characters', { field: 'stage' });
  }
  return stage;
}

function checkAmount(value: number | null | undefined): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_AMOUNT_CENTS) {
    throw new ValidationError(`amount_cents must be a whole number between 0 and ${MAX_AMOUNT_CENTS}`, {
      field: 'amount',
    });
  }
  return value;
}

/** ISO 4217 alphabetic codes, stored upper case. */
function checkCurrency(value: string | null | undefined): string | null | undefined {
  const text = optionalText(value);
  if (text === undefined || text === null) return text;
  const currency = text.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new ValidationError(`currency must be a three-letter ISO 4217 code, got ${value}`, {
      field: 'currency',
    });
  }
  return currency;
}

async function checkReferences(
  db: Kysely<Database>,
  tenantId: string,
  refs: { companyId?: string | null | undefined; contactId?: string | null | undefined },
): Promise<void> {
  if (refs.companyId !== undefined && refs.companyId !== null) {
    await requireReference(db, tenantId, 'company_id', 'company', refs.companyId);
  }
  if (refs.contactId !== undefined && refs.contactId !== null) {
    await requireReference(db, tenantId, 'contact_id', 'contact', refs.contactId);
  }
}

/** Deals: visible to every user of the tenant; the creator is recorded as owner. */
export class DealService {
  constructor(private readonly deps: CrmDeps) {}

  async create(actor: Actor, input: NewDeal): Promise<Deal> {
    const values = {
      name: requireName(input.name, 'deal'),
      stage: input.stage === undefined ? DEFAULT_DEAL_STAGE : checkStage(input.stage),
      amount_cents: checkAmount(input.amountCents) ?? null,
      currency: checkCurrency(input.currency) ?? null,
      company_id: input.companyId ?? null,
      contact_id: input.contactId ?? null,
    };
    return this.deps.db.transaction().execute(async (trx) => {
      await checkReferences(trx, actor.tenantId, input);
      const now = this.deps.clock.now();
      return dealsRepository.insert(trx, {
        ...values,
        tenant_id: actor.tenantId,
        owner_user_id: actor.userId,
        created_at: now,
        updated_at: now,
      });
    });
  }

  async list(actor: Actor, options: ListOptions): Promise<Page<Deal>> {
    const { q, after, limit } = readListOptions('deals', options);
    const rows = await dealsRepository.list(this.deps.db, actor.tenantId, { q, after, limit: limit + 1 });
    return toPage(rows, limit, 'deals', (deal) => ({ key: deal.name, id: deal.id }));
  }

  async get(actor: Actor, id: string): Promise<Deal> {
    const deal = isUuid(id) ? await dealsRepository.findById(this.deps.db, actor.tenantId, id) : undefined;
    if (deal === undefined) throw new NotFoundError(`No deal ${id}`);
    return deal;
  }

  async update(actor: Actor, id: string, patch: DealPatch): Promise<Deal> {
    const values = {
      ...(patch.name !== undefined && { name: requireName(patch.name, 'deal') }),
      ...(patch.stage !== undefined && { stage: checkStage(patch.stage) }),
      ...(patch.amountCents !== undefined && { amount_cents: checkAmount(patch.amountCents) ?? null }),
      ...(patch.currency !== undefined && { currency: checkCurrency(patch.currency) ?? null }),
      ...(patch.companyId !== undefined && { company_id: patch.companyId }),
      ...(patch.contactId !== undefined && { contact_id: patch.contactId }),
    };
    const updated =
      isUuid(id) &&
      (await this.deps.db.transaction().execute(async (trx) => {
        // A missing record is reported before a bad reference.
        if ((await dealsRepository.findById(trx, actor.tenantId, id)) === undefined) return undefined;
        await checkReferences(trx, actor.tenantId, patch);
        const now = this.deps.clock.now();
        return dealsRepository.update(trx, actor.tenantId, id, { ...values, updated_at: now });
      }));
    if (updated === false || updated === undefined) throw new NotFoundError(`No deal ${id}`);
    return updated;
  }

  /** Deletes the deal and its timeline. */
  async delete(actor: Actor, id: string): Promise<void> {
    const deleted =
      isUuid(id) &&
      (await this.deps.db.transaction().execute(async (trx) => {
        if (!(await dealsRepository.delete(trx, actor.tenantId, id))) return false;
        await activitiesRepository.deleteForEntity(trx, actor.tenantId, 'deal', id);
        return true;
      }));
    if (!deleted) throw new NotFoundError(`No deal ${id}`);
  }
}
