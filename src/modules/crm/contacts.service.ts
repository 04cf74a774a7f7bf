import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import { optionalText, readListOptions, requireName, requireReference, type CrmDeps } from './crm.common.js';
import type { Actor, Contact, ContactPatch, ListOptions, NewContact, Page } from './crm.types.js';
import { isUuid, toPage } from './pagination.js';
import { activitiesRepository } from './repositories/activities.repository.js';
import { contactsRepository } from './repositories/contacts.repository.js';

const emailSchema = z.email();

/** Emails are kept as typed (trimmed) and matched case-insensitively. */
function checkEmail(value: string | null | undefined): string | null | undefined {
  const email = optionalText(value);
  if (email === undefined || email === null) return email;
  if (!emailSchema.safeParse(email).success) {
    throw new ValidationError(`email is not a valid address: ${email}`, { field: 'email' });
  }
  return email;
}

function checkPhone(value: string | null | undefined): string | null | undefined {
  const phone = optionalText(value);
  if (phone === undefined || phone === null) return phone;
  const digits = phone.replace(/\D/g, '').length;
  if (phone.length > 40 || digits < 3 || !/^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d+)?$/i.test(phone)) {
    throw new ValidationError(`phone is not a phone number: ${phone}`, { field: 'phone' });
  }
  return phone;
}

/** Contacts: visible to every user of the tenant; the creator is recorded as owner. */
export class ContactService {
  constructor(private readonly deps: CrmDeps) {}

  async create(actor: Actor, input: NewContact): Promise<Contact> {
    const name = requireName(input.name, 'contact');
    const email = checkEmail(input.email) ?? null;
    const phone = checkPhone(input.phone) ?? null;
    return this.deps.db.transaction().execute(async (trx) => {
      const companyId = input.companyId ?? null;
      if (companyId !== null) await requireReference(trx, actor.tenantId, 'company_id', 'company', companyId);
      const now = this.deps.clock.now();
      return contactsRepository.insert(trx, {
        tenant_id: actor.tenantId,
        owner_user_id: actor.userId,
        name,
        email,
        phone,
        company_id: companyId,
        created_at: now,
        updated_at: now,
      });
    });
  }

  async list(actor: Actor, options: ListOptions): Promise<Page<Contact>> {
    const { q, after, limit } = readListOptions('contacts', options);
    const rows = await contactsRepository.list(this.deps.db, actor.tenantId, { q, after, limit: limit + 1 });
    return toPage(rows, limit, 'contacts', (contact) => ({ key: contact.name, id: contact.id }));
  }

  async get(actor: Actor, id: string): Promise<Contact> {
    const contact = isUuid(id)
      ? await contactsRepository.findById(this.deps.db, actor.tenantId, id)
      : undefined;
    if (contact === undefined) throw new NotFoundError(`No contact ${id}`);
    return contact;
  }

  async update(actor: Actor, id: string, patch: ContactPatch): Promise<Contact> {
    const values = {
      ...(patch.name !== undefined && { name: requireName(patch.name, 'contact') }),
      ...(patch.email !== undefined && { email: checkEmail(patch.email) ?? null }),
      ...(patch.phone !== undefined && { phone: checkPhone(patch.phone) ?? null }),
      ...(patch.companyId !== undefined && { company_id: patch.companyId }),
    };
    const updated =
      isUuid(id) &&
      (await this.deps.db.transaction().execute(async (trx) => {
        // A missing record is reported before a bad reference.
        if ((await contactsRepository.findById(trx, actor.tenantId, id)) === undefined) return undefined;
        if (patch.companyId !== undefined && patch.companyId !== null) {
          await requireReference(trx, actor.tenantId, 'company_id', 'company', patch.companyId);
        }
        const now = this.deps.clock.now();
        return contactsRepository.update(trx, actor.tenantId, id, { ...values, updated_at: now });
      }));
    if (updated === false || updated === undefined) throw new NotFoundError(`No contact ${id}`);
    return updated;
  }

  /** Deletes the contact and its timeline; deals that pointed at it stay, unlinked. */
  async delete(actor: Actor, id: string): Promise<void> {
    const deleted =
      isUuid(id) &&
      (await this.deps.db.transaction().execute(async (trx) => {
        if (!(await contactsRepository.delete(trx, actor.tenantId, id))) return false;
        await activitiesRepository.deleteForEntity(trx, actor.tenantId, 'contact', id);
        return true;
      }));
    if (!deleted) throw new NotFoundError(`No contact ${id}`);
  }

  /** Contacts of the tenant whose email is one of `emails`, ignoring case. */
  async findByEmails(tenantId: string, emails: readonly string[]): Promise<Contact[]> {
    return contactsRepository.findByEmails(this.deps.db, tenantId, emails);
  }
}
