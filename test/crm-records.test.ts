import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { signedInCaller } from './support/crm-api.js';

let t: TestApp;

useTestApp({ workers: false }, (app) => {
  t = app;
});

/** A signed-in caller in a tenant of its own, so tests do not see each other's records. */
const signIn = (user = 'alice', tenant = `t-${randomUUID()}`) => signedInCaller(t, user, tenant);

describe('companies', () => {
  it('creates, reads, updates and deletes a company', async () => {
    const call = await signIn('alice');
    const created = await call('POST', '/crm/companies', { name: '  Globex  ', domain: 'Globex.EXAMPLE' });
    expect(created.statusCode).toBe(201);
    const company = created.json();
    expect(company).toMatchObject({ name: 'Globex', domain: 'globex.example', owner_user_id: 'alice' });
    expect(Date.parse(company.created_at)).not.toBeNaN();

    expect((await call('GET', `/crm/companies/${company.id}`)).json()).toEqual(company);

    const patched = await call('PATCH', `/crm/companies/${company.id}`, { domain: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Globex', domain: null });

    expect((await call('DELETE', `/crm/companies/${company.id}`)).statusCode).toBe(204);
    const gone = await call('GET', `/crm/companies/${company.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('not_found');
    expect((await call('DELETE', `/crm/companies/${company.id}`)).statusCode).toBe(404);
  });

  it('refuses bad input with 400 and a clear message', async () => {
    const call = await signIn();
    for (const body of [
      {},
      { name: '   ' },
      { name: 'X', domain: 'https://x.example/' },
      { name: 'X', website: 'x.example' },
      { name: 42 },
    ]) {
      const response = await call('POST', '/crm/companies', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
      expect(response.json().error.message).not.toBe('');
    }
    const company = (await call('POST', '/crm/companies', { name: 'Real' })).json();
    const empty = await call('PATCH', `/crm/companies/${company.id}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/at least one field/);
  });

  it('deleting a company unlinks its contacts and deals', async () => {
    const call = await signIn();
    const company = (await call('POST', '/crm/companies', { name: 'Initech' })).json();
    const contact = (await call('POST', '/crm/contacts', { name: 'Peter', company_id: company.id })).json();
    const deal = (await call('POST', '/crm/deals', { name: 'TPS', company_id: company.id })).json();
    expect((await call('DELETE', `/crm/companies/${company.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/crm/contacts/${contact.id}`)).json().company_id).toBeNull();
    expect((await call('GET', `/crm/deals/${deal.id}`)).json().company_id).toBeNull();
  });
});

describe('contacts', () => {
  it('keeps the email as given and validates references', async () => {
    const call = await signIn('bob');
    const company = (await call('POST', '/crm/companies', { name: 'Acme' })).json();
    const created = await call('POST', '/crm/contacts', {
      name: 'Ada Lovelace',
      email: 'Ada.Lovelace@Example.COM',
      phone: '+44 20 7946 0000',
      company_id: company.id,
    });
    expect(created.statusCode).toBe(201);
    const contact = created.json();
    expect(contact).toMatchObject({
      name: 'Ada Lovelace',
      email: 'Ada.Lovelace@Example.COM',
      phone: '+44 20 7946 0000',
      company_id: company.id,
      owner_user_id: 'bob',
    });

    const missing = randomUUID();
    const badRef = await call('POST', '/crm/contacts', { name: 'Nobody', company_id: missing });
    expect(badRef.statusCode).toBe(400);
    expect(badRef.json().error).toMatchObject({
      code: 'invalid_reference',
      details: { field: 'company_id', entity_type: 'company', entity_id: missing },
    });

    const cleared = await call('PATCH', `/crm/contacts/${contact.id}`, { company_id: null, phone: null });
    expect(cleared.json()).toMatchObject({
      company_id: null,
      phone: null,
      email: 'Ada.Lovelace@Example.COM',
    });
    const badPatch = await call('PATCH', `/crm/contacts/${contact.id}`, { company_id: missing });
    expect(badPatch.statusCode).toBe(400);
    expect(badPatch.json().error.code).toBe('invalid_reference');
  });

  it('refuses invalid emails, phones and ids', async () => {
    const call = await signIn();
    for (const body of [
      { name: 'A', email: 'not-an-email' },
      { name: 'A', email: 'a@' },
      { name: 'A', phone: 'call me maybe' },
      { name: 'A', company_id: 'not-a-uuid' },
    ]) {
      const response = await call('POST', '/crm/contacts', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    expect((await call('GET', '/crm/contacts/not-a-uuid')).statusCode).toBe(400);
    expect((await call('GET', `/crm/contacts/${randomUUID()}`)).statusCode).toBe(404);
    expect((await call('PATCH', `/crm/contacts/${randomUUID()}`, { name: 'X' })).statusCode).toBe(404);
  });

  it('searches case-insensitively and pages with a cursor', async () => {
    const call = await signIn();
    const names = ['Eve', 'Bob', 'alice', 'Dave', 'Carol', 'Bob'];
    for (const name of names) {
      await call('POST', '/crm/contacts', { name, email: `${name.toLowerCase()}@Corp.example` });
    }
    const seen: { id: string; name: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const response = await call('GET', `/crm/contacts?limit=2${query}`);
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen.map((c) => c.id)).size).toBe(names.length);
    // The pages, put together, are the whole list in its order (by name, in the database's collation).
    const whole = (await call('GET', '/crm/contacts?limit=200')).json();
    expect(whole.next_cursor).toBeNull();
    expect(seen.map((c) => c.id)).toEqual(whole.items.map((c: { id: string }) => c.id));
    expect(seen.filter((c) => c.name === 'Bob')).toHaveLength(2);

    const found = (await call('GET', '/crm/contacts?q=BOB@corp')).json();
    expect(found.items.map((c: { name: string }) => c.name)).toEqual(['Bob', 'Bob']);
    expect((await call('GET', '/crm/contacts?q=%25')).json().items).toHaveLength(0);
  });

  it('refuses broken cursors and limits', async () => {
    const call = await signIn();
    for (const name of ['A', 'B']) await call('POST', '/crm/deals', { name });
    const dealsCursor = (await call('GET', '/crm/deals?limit=1')).json().next_cursor;
    expect(dealsCursor).toEqual(expect.any(String));
    const crossList = await call('GET', `/crm/contacts?cursor=${encodeURIComponent(dealsCursor)}`);
    expect(crossList.statusCode).toBe(400);
    expect(crossList.json().error.message).toMatch(/cursor/);
    expect((await call('GET', '/crm/contacts?cursor=garbage')).statusCode).toBe(400);
    expect((await call('GET', '/crm/contacts?limit=0')).statusCode).toBe(400);
    expect((await call('GET', '/crm/contacts?limit=1000')).statusCode).toBe(400);
  });
});

describe('deals', () => {
  it('stores amounts as hundredths and links a company and a contact', async () => {
    const call = await signIn();
    const company = (await call('POST', '/crm/companies', { name: 'Umbrella' })).json();
    const contact = (await call('POST', '/crm/contacts', { name: 'Joanna', company_id: company.id })).json();
    const created = await call('POST', '/crm/deals', {
      name: 'Pilot',
      amount: '1234.5',
      currency: 'eur',
      company_id: company.id,
      contact_id: contact.id,
    });
    expect(created.statusCode).toBe(201);
    const deal = created.json();
    expect(deal).toMatchObject({
      stage: 'open',
      amount: '1234.50',
      amount_cents: 123450,
      currency: 'EUR',
      company_id: company.id,
      contact_id: contact.id,
    });

    const patched = await call('PATCH', `/crm/deals/${deal.id}`, { amount: 99.99, stage: 'won' });
    expect(patched.json()).toMatchObject({ amount: '99.99', amount_cents: 9999, stage: 'won' });
    const cleared = await call('PATCH', `/crm/deals/${deal.id}`, { amount: null, contact_id: null });
    expect(cleared.json()).toMatchObject({ amount: null, amount_cents: null, contact_id: null });
  });

  it('refuses bad amounts, currencies and references', async () => {
    const call = await signIn();
    for (const body of [
      { name: 'D', amount: '12.345' },
      { name: 'D', amount: -5 },
      { name: 'D', amount: '1,000' },
      { name: 'D', currency: 'EURO' },
      { name: 'D', stage: '' },
    ]) {
      const response = await call('POST', '/crm/deals', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    const contactRef = await call('POST', '/crm/deals', { name: 'D', contact_id: randomUUID() });
    expect(contactRef.statusCode).toBe(400);
    expect(contactRef.json().error).toMatchObject({
      code: 'invalid_reference',
      details: { field: 'contact_id' },
    });
    const company = (await call('POST', '/crm/companies', { name: 'C' })).json();
    // A company id is not a contact id.
    const wrongKind = await call('POST', '/crm/deals', { name: 'D', contact_id: company.id });
    expect(wrongKind.json().error.code).toBe('invalid_reference');
  });
});

it('asks for a bearer token', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/crm/contacts' });
  expect(response.statusCode).toBe(401);
  expect(response.json().error.code).toBe('unauthorized');
});
