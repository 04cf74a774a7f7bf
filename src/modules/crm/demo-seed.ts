import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Config } from '../../adapters/config.js';
import type { Database } from '../../adapters/db/tables/index.js';
import { DEMO_TENANTS, type DemoTenant } from './demo-data.js';

export { DEMO_TENANTS } from './demo-data.js';

/** What seeding needs from the application context. */
interface SeedContext {
  config: Pick<Config, 'google'>;
  db: Kysely<Database>;
  clock: Clock;
  logger: Pick<Logger, 'info'>;
}

async function tenantHasRecords(db: Kysely<Database>, tenantId: string): Promise<boolean> {
  const found = await sql<{ found: boolean }>`
    SELECT EXISTS (SELECT 1 FROM companies WHERE tenant_id = ${tenantId})
        OR EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ${tenantId})
        OR EXISTS (SELECT 1 FROM deals WHERE tenant_id = ${tenantId}) AS found`.execute(db);
  return found.rows[0]?.found === true;
}

async function seedTenant(db: Kysely<Database>, tenant: DemoTenant, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Serializes concurrent seeders of one tenant; the emptiness check below then decides.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`crm-demo-seed:${tenant.tenantId}`}))`.execute(trx);
    if (await tenantHasRecords(trx, tenant.tenantId)) return false;
    const owner = {
      tenant_id: tenant.tenantId,
      owner_user_id: tenant.ownerUserId,
      created_at: now,
      updated_at: now,
    };

    const companyIds = new Map<string, string>();
    for (const company of tenant.companies) {
      const row = await trx
        .insertInto('companies')
        .values({ ...owner, name: company.name, domain: company.domain })
        .returning('id')
        .executeTakeFirstOrThrow();
      companyIds.set(company.key, row.id);
    }
    const contactIds = new Map<string, string>();
    for (const contact of tenant.contacts) {
      const row = await trx
        .insertInto('contacts')
        .values({
          ...owner,
          name: contact.name,
          email: contact.email,
          phone: contact.phone ?? null,
          company_id: contact.company === undefined ? null : (companyIds.get(contact.company) ?? null),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      contactIds.set(contact.email, row.id);
    }
    for (const deal of tenant.deals) {
      await trx
        .insertInto('deals')
        .values({
          ...owner,
          name: deal.name,
          stage: deal.stage,
          amount_cents: deal.amountCents,
          currency: deal.currency,
          company_id: deal.company === undefined ? null : (companyIds.get(deal.company) ?? null),
          contact_id: deal.contactEmail === undefined ? null : (contactIds.get(deal.contactEmail) ?? null),
        })
        .execute();
    }
    return true;
  });
}

/**
 * Seeds demo companies, contacts and deals in the embedded default (the bundled emulator stands
 * in for Google), into each demo tenant that has no CRM records yet. Running it again changes
 * nothing; with real Google it does nothing. Returns the tenants it seeded.
 */
export async function seedDemoData(ctx: SeedContext): Promise<string[]> {
  if (ctx.config.google.mode !== 'emulator') return [];
  const seeded: string[] = [];
  for (const tenant of DEMO_TENANTS) {
    if (await seedTenant(ctx.db, tenant, ctx.clock.now())) seeded.push(tenant.tenantId);
  }
  if (seeded.length > 0) ctx.logger.info({ tenants: seeded }, 'Seeded demo CRM records');
  return seeded;
}
