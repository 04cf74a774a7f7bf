import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gridEvent,
  launchChromium,
  openSignedIn,
  saveScreenshot,
  skip,
  waitForText,
  watchPage,
} from './support/browser.js';
import { signedInCaller } from './support/crm-api.js';
import { googleAs } from './support/emulator-client.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { connectCalendar } from './support/oauth-flow.js';
import { createGoogleUser, listCalendars, syncNow } from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

/**
 * CRM records on the page: the list with its search, a contact's page with its meetings and
 * activity timeline, and a meeting scheduled from it, which links the contact and invites them;
 * the timeline follows when the meeting is moved in Google.
 */

const ZONE = 'Europe/Berlin';

describe.skipIf(skip)('CRM records on the page', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let watch: { problems: string[] };
  let crm: Awaited<ReturnType<typeof signedInCaller>>;
  let contactId: string;
  const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    browser = await launchChromium();
    await createGoogleUser(t, 'bob@example.com', ZONE);
    await connectCalendar(t, 'bob', 'bob@example.com');
    await waitFor('the initial sync of bob', async () =>
      (await listCalendars(t, 'bob')).some((c) => c.primary && c.last_sync_at !== null) ? true : undefined,
    );
    crm = await signedInCaller(t, 'bob', 'default');
    const contact = await crm('POST', '/crm/contacts', {
      name: 'Dana Lead',
      email: 'dana.lead@client.example',
    });
    expect(contact.statusCode, contact.body).toBe(201);
    contactId = contact.json<{ id: string }>().id;
    for (const name of ['Dale Other', 'Erin Example']) {
      expect((await crm('POST', '/crm/contacts', { name })).statusCode).toBe(201);
    }
    expect(
      (await crm('POST', '/crm/companies', { name: 'Northwind Traders', domain: 'northwind.example' }))
        .statusCode,
    ).toBe(201);

    const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    watch = watchPage(page);
    await openSignedIn(page, t.baseUrl, await t.tokenFor('bob'));
    await waitForText(page, '#connection-text', /^Connected as bob@example\.com/);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the records of each kind and searches them', async () => {
    await waitForText(page, '#records-status', /^3 contacts shown\.$/);
    await page.getByLabel('Search CRM records').fill('dana');
    await waitForText(page, '#records-status', /^1 contacts shown\.$/);
    expect(await page.locator('#records-list').textContent()).toContain('Dana Lead dana.lead@client.example');
    await page.getByLabel('Record kind').selectOption('companies');
    await page.getByLabel('Search CRM records').fill('');
    await waitForText(page, '#records-list', /Northwind Traders northwind\.example/);
    await page.getByLabel('Record kind').selectOption('contacts');
    await page.getByLabel('Search CRM records').fill('dana');
    await waitForText(page, '#records-status', /^1 contacts shown\.$/);
  });

  it('schedules a meeting from a contact\u2019s page: linked, the contact invited, on the timeline', async () => {
    await page.getByRole('link', { name: 'Dana Lead' }).click();
    await waitForText(page, '#record-heading', /^Contact: Dana Lead$/);
    expect(page.url()).toBe(`${t.baseUrl}/#record/contact/${contactId}`);
    expect(await page.locator('#record-details').textContent()).toContain('dana.lead@client.example');
    await waitForText(page, '#record-timeline', /No activity yet/);

    await page.getByRole('button', { name: 'Schedule a meeting with this record' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'New meeting with contact “Dana Lead”' }).waitFor();
    expect(await dialog.getByLabel('Guests', { exact: true }).inputValue()).toBe('dana.lead@client.example');
    await dialog.getByLabel('Title', { exact: true }).fill('Discovery call');
    await dialog.getByLabel('Start', { exact: true }).fill(`${day}T10:00`);
    await dialog.getByLabel('End', { exact: true }).fill(`${day}T10:45`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page, '#calendar-status', /^“Discovery call” scheduled\.$/);

    await waitForText(page, '#record-upcoming', /Discovery call: .*10:00\sAM – 10:45\sAM/);
    await waitForText(
      page,
      '#record-timeline',
      /Meeting scheduled: Discovery call .*10:00\sAM – 10:45\sAM · scheduled/,
    );
    const row = await t.ctx.db
      .selectFrom('events')
      .select(['entity_type', 'entity_id', 'attendees'])
      .where('title', '=', 'Discovery call')
      .executeTakeFirstOrThrow();
    expect(row.entity_type).toBe('contact');
    expect(row.entity_id).toBe(contactId);
    expect((row.attendees ?? []).map((a) => a.email)).toEqual(['dana.lead@client.example']);
    await saveScreenshot(page, 'record-contact-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'record-contact-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the meeting moved in Google on the timeline', async () => {
    const google = await googleAs(t, 'bob@example.com');
    const created = await waitFor('the meeting in Google', async () => {
      const { data } = await google.events.list({ calendarId: 'primary', q: 'Discovery call' });
      return data.items?.[0];
    });
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.id!,
      requestBody: {
        start: { dateTime: `${day}T15:00:00`, timeZone: ZONE },
        end: { dateTime: `${day}T15:45:00`, timeZone: ZONE },
      },
    });
    await syncNow(t, 'bob');
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await page.getByRole('link', { name: 'Dana Lead' }).click();
    await waitForText(
      page,
      '#record-timeline',
      /Meeting scheduled: Discovery call .*3:00\sPM – 3:45\sPM · scheduled/,
    );
    await waitForText(page, '#record-upcoming', /Discovery call: .*3:00\sPM – 3:45\sPM/);
    await page.getByLabel('Go to date').fill(day);
    await gridEvent(page, 'Discovery call').waitFor();
  });

  it('runs without script errors, console errors or failed requests', () => {
    expect(watch.problems).toEqual([]);
  });
});
