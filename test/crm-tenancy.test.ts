import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidReferenceError } from '../src/modules/crm/index.js';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { signedInCaller } from './support/crm-api.js';

let t: TestApp;

useTestApp({ workers: false }, (app) => {
  t = app;
});

const signIn = (user: string, tenant: string) => signedInCaller(t, user, tenant);

describe('tenant isolation', () => {
  const tenantA = `a-${randomUUID()}`;
  const tenantB = `b-${randomUUID()}`;

  it('shares records inside a tenant and hides them from other tenants', async () => {
    const alice = await signIn('alice', tenantA);
    const bob = await signIn('bob', tenantA);
    // Same user id, other tenant: a different person as far as the CRM is concerned.
    const intruder = await signIn('alice', tenantB);

    const company = (await alice('POST', '/crm/companies', { name: 'Globex' })).json();
    const contact = (
      await alice('POST', '/crm/contacts', {
        name: 'Hank',
        email: 'hank@globex.example',
        company_id: company.id,
      })
    ).json();
    const deal = (await alice('POST', '/crm/deals', { name: 'Renewal', contact_id: contact.id })).json();

    // Every user of the tenant sees them; the creator is recorded as owner.
    const seenByBob = await bob('GET', `/crm/contacts/${contact.id}`);
    expect(seenByBob.statusCode).toBe(200);
    expect(seenByBob.json().owner_user_id).toBe('alice');
    expect((await bob('PATCH', `/crm/deals/${deal.id}`, { stage: 'proposal' })).statusCode).toBe(200);

    for (const [kind, id] of [
      ['companies', company.id],
      ['contacts', contact.id],
      ['deals', deal.id],
    ] as const) {
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'Stolen' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await intruder(method, `/crm/${kind}/${id}`, body);
        expect(response.statusCode, `${method} ${kind}`).toBe(404);
        expect(response.json().error.code).toBe('not_found');
      }
      expect((await intruder('GET', `/crm/${kind}/${id}/activities`)).statusCode).toBe(404);
      const list = (await intruder('GET', `/crm/${kind}`)).json();
      expect(list.items).toEqual([]);
    }

    // Nothing the intruder tried changed anything.
    expect((await alice('GET', `/crm/companies/${company.id}`)).json().name).toBe('Globex');
    expect((await alice('GET', `/crm/contacts/${contact.id}`)).json().name).toBe('Hank');
    expect((await alice('GET', `/crm/deals/${deal.id}`)).json()).toMatchObject({
      name: 'Renewal',
      stage: 'proposal',
    });
  });

  it("refuses references to another tenant's records", async () => {
    const alice = await signIn('alice', tenantA);
    const intruder = await signIn('mallory', tenantB);
    const company = (await alice('POST', '/crm/companies', { name: 'Initech' })).json();
    const contact = (await alice('POST', '/crm/contacts', { name: 'Peter' })).json();

    const contactWithForeignCompany = await intruder('POST', '/crm/contacts', {
      name: 'X',
      company_id: company.id,
    });
    expect(contactWithForeignCompany.statusCode).toBe(400);
    expect(contactWithForeignCompany.json().error).toMatchObject({
      code: 'invalid_reference',
      details: { field: 'company_id' },
    });
    const dealWithForeignContact = await intruder('POST', '/crm/deals', {
      name: 'X',
      contact_id: contact.id,
    });
    expect(dealWithForeignContact.json().error.code).toBe('invalid_reference');

    const own = (await intruder('POST', '/crm/contacts', { name: 'Own' })).json();
    const relink = await intruder('PATCH', `/crm/contacts/${own.id}`, { company_id: company.id });
    expect(relink.statusCode).toBe(400);
    expect((await intruder('GET', `/crm/contacts/${own.id}`)).json().company_id).toBeNull();
  });

  it('scopes the lookups the sync engine uses', async () => {
    const alice = await signIn('alice', tenantA);
    const contact = (
      await alice('POST', '/crm/contacts', { name: 'Case', email: 'Mixed.Case@Example.com' })
    ).json();
    const { activities } = t.ctx.services;

    expect(await activities.findEntity(tenantA, 'contacts', contact.id)).toEqual({
      type: 'contact',
      id: contact.id,
      name: 'Case',
    });
    expect(await activities.findEntity(tenantB, 'contact', contact.id)).toBeUndefined();
    expect(await activities.findEntity(tenantA, 'deal', contact.id)).toBeUndefined();
    expect(await activities.findEntity(tenantA, 'contact', 'not-a-uuid')).toBeUndefined();
    await expect(activities.assertEntityExists(tenantB, 'contact', contact.id)).rejects.toBeInstanceOf(
      InvalidReferenceError,
    );

    const found = await activities.findContactsByEmails(tenantA, [
      'MIXED.case@example.COM',
      'nobody@example.com',
    ]);
    expect(found.map((c) => c.id)).toEqual([contact.id]);
    expect(found[0]?.email).toBe('Mixed.Case@Example.com');
    expect(await activities.findContactsByEmails(tenantB, ['mixed.case@example.com'])).toEqual([]);
    expect(await activities.findContactsByEmails(tenantA, [])).toEqual([]);
  });
});
