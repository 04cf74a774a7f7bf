import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_TENANTS, seedDemoData } from '../src/modules/crm/index.js';
import { DEMO_USERS } from '../src/app/demo-users.js';
import { startTestApp, type TestApp } from './support/harness.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ workers: false });
});
afterAll(async () => {
  await t?.close();
});

async function counts(tenantId: string) {
  const count = async (table: 'companies' | 'contacts' | 'deals') =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('tenant_id', '=', tenantId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    companies: await count('companies'),
    contacts: await count('contacts'),
    deals: await count('deals'),
  };
}

it('seeds nothing when talking to real Google', async () => {
  const google = { ...t.ctx.config.google, mode: 'google' as const };
  expect(await seedDemoData({ ...t.ctx, config: { ...t.ctx.config, google } })).toEqual([]);
  expect(await counts('default')).toEqual({ companies: 0, contacts: 0, deals: 0 });
});

it('seeds each empty demo tenant once and leaves tenants with records alone', async () => {
  expect(t.ctx.config.google.mode).toBe('emulator');
  const token = await t.tokenFor('dave', 'acme');
  const own = await t.app.inject({
    method: 'POST',
    url: '/crm/companies',
    headers: { authorization: `Bearer ${token}` },
    payload: { name: 'Already here' },
  });
  expect(own.statusCode).toBe(201);

  expect(await seedDemoData(t.ctx)).toEqual(['default']);
  const defaults = DEMO_TENANTS.find((tenant) => tenant.tenantId === 'default');
  expect(await counts('default')).toEqual({
    companies: defaults?.companies.length,
    contacts: defaults?.contacts.length,
    deals: defaults?.deals.length,
  });
  expect(await counts('acme')).toEqual({ companies: 1, contacts: 0, deals: 0 });

  expect(await seedDemoData(t.ctx)).toEqual([]);
  expect((await counts('default')).contacts).toBe(defaults?.contacts.length);

  // Demo users other than the signed-in one are contacts, so meetings between them link.
  const colleagues = DEMO_USERS.filter((user) => user.tenantId === 'default' && user.userId !== 'alice');
  const matched = await t.ctx.services.activities.findContactsByEmails(
    'default',
    colleagues.map((user) => user.email.toUpperCase()),
  );
  expect(matched.map((contact) => contact.email).sort()).toEqual(colleagues.map((user) => user.email).sort());

  const deals = await t.ctx.services.crm.deals.list({ tenantId: 'default', userId: 'alice' }, { limit: 50 });
  expect(deals.items.every((deal) => deal.companyId !== null && deal.amountCents !== null)).toBe(true);
});
