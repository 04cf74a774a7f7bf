import type { calendar_v3 } from '@googleapis/calendar';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, meeting, openSignedIn, pageToken, skip, waitForText } from './support/browser.js';
import { signedInCaller } from './support/crm-api.js';
import { googleAs } from './support/emulator-client.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { createGoogleUser } from './support/sync-pull.js';

/**
 * Linking meetings to CRM records from the page: meetings made in Google, an invitation and an
 * occurrence of a series, linked, moved to another record and unlinked through the link dialog.
 */

interface Activity {
  status: string;
  title: string;
  event_id: string | null;
}

describe.skipIf(skip)('linking meetings to CRM records on the page', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let google: calendar_v3.Calendar;
  let crm: Awaited<ReturnType<typeof signedInCaller>>;
  const pageErrors: string[] = [];
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);

  async function createRecord(collection: string, body: Record<string, unknown>): Promise<string> {
    const res = await crm('POST', `/crm/${collection}`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  }

  async function activitiesOf(collection: string, id: string): Promise<Activity[]> {
    const res = await crm('GET', `/crm/${collection}/${id}/activities`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: Activity[] }>().items;
  }

  async function storedLink(title: string) {
    return t.ctx.db
      .selectFrom('events')
      .select(['entity_type', 'entity_id', 'entity_source'])
      .where('title', '=', title)
      .where('recurring_event_id', 'is', null)
      .executeTakeFirstOrThrow();
  }

  /** Pulls now through the calendars card, which refreshes the meetings list after it. */
  async function syncNow(): Promise<void> {
    await page.locator('#calendars-status').evaluate((status) => (status.textContent = ''));
    await page.getByRole('button', { name: 'Sync now' }).click();
    await waitForText(page, '#calendars-status', /^Synced: /);
  }

  /** Picks a record in the open link dialog. */
  async function pick(kind: string, search: string, label: string): Promise<void> {
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Kind of record').selectOption(kind);
    await dialog.getByLabel('Search by name').fill(search);
    await waitForText(page, '#link-entity-status', /^1 \w+ found/);
    await dialog.getByLabel('Record to link').selectOption({ label });
  }

  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    browser = await launchChromium();
    crm = await signedInCaller(t, 'bob', 'default');
    const context = await browser.newContext({
      timezoneId: 'Europe/Berlin',
      viewport: { width: 900, height: 1400 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await openSignedIn(page, t.baseUrl, await pageToken('bob', 'Bob Brown', 'bob@example.com'));
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await waitForText(page, '#connection-text', /^Connected as bob@example\.com since /);
    google = await googleAs(t, 'bob@example.com');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('links a meeting made in Google to a contact, moves it to a company, then unlinks it', async () => {
    const contactId = await createRecord('contacts', { name: 'Dana Lead', email: 'dana.lead@example.net' });
    const companyId = await createRecord('companies', { name: 'Northwind Traders' });
    await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Intro call',
        start: { dateTime: `${day}T10:00:00+01:00` },
        end: { dateTime: `${day}T10:30:00+01:00` },
        attendees: [{ email: 'someone@elsewhere.example' }],
      },
    });
    await syncNow();
    const item = meeting(page, 'Intro call');
    await item.waitFor();
    expect(await item.locator('.meeting-record').textContent()).toMatch(/^CRM record: none/);

    await item.getByRole('button', { name: 'Link to a CRM record: Intro call' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Link “Intro call” to a CRM record');
    expect(await dialog.locator('#link-current').textContent()).toBe('Not linked to a CRM record.');
    expect(await dialog.getByRole('button', { name: 'Unlink' }).isVisible()).toBe(false);
    await pick('contact', 'dana', 'Dana Lead (dana.lead@example.net)');
    await dialog.getByRole('button', { name: 'Link', exact: true }).click();
    await waitForText(page, '#meetings-status', /^“Intro call” is now linked to contact “Dana Lead/);
    expect(await dialog.isVisible()).toBe(false);
    await waitForText(
      page,
      '#meetings-list',
      /Intro call.*CRM record: contact “Dana Lead” \(linked in the CRM\)/,
    );
    expect(await storedLink('Intro call')).toEqual({
      entity_type: 'contact',
      entity_id: contactId,
      entity_source: 'crm',
    });
    expect((await activitiesOf('contacts', contactId)).map((a) => [a.title, a.status])).toEqual([
      ['Meeting scheduled: Intro call', 'scheduled'],
    ]);

    await item.getByRole('button', { name: 'Change the CRM record of Intro call' }).click();
    expect(await dialog.locator('#link-current').textContent()).toBe('Now linked to contact “Dana Lead”.');
    await pick('company', 'northwind', 'Northwind Traders');
    await dialog.getByRole('button', { name: 'Link', exact: true }).click();
    await waitForText(page, '#meetings-list', /Intro call.*CRM record: company “Northwind Traders”/);
    expect((await storedLink('Intro call')).entity_id).toBe(companyId);
    expect((await activitiesOf('contacts', contactId)).map((a) => a.status)).toEqual(['cancelled']);
    expect((await activitiesOf('companies', companyId)).map((a) => a.status)).toEqual(['scheduled']);

    await item.getByRole('button', { name: 'Change the CRM record of Intro call' }).click();
    await dialog.getByRole('button', { name: 'Unlink' }).click();
    await waitForText(page, '#meetings-status', /^“Intro call” is no longer linked to a CRM record\.$/);
    await waitForText(page, '#meetings-list', /Intro call.*CRM record: none \(unlinked in the CRM\)/);
    expect(await storedLink('Intro call')).toEqual({
      entity_type: null,
      entity_id: null,
      entity_source: 'none',
    });
    expect((await activitiesOf('companies', companyId)).map((a) => a.status)).toEqual(['cancelled']);
  });

  it('links an invitation from someone else, which Google does not let the invitee change', async () => {
    const dealId = await createRecord('deals', { name: 'Fleet renewal' });
    await createGoogleUser(t, 'erin@partner.example');
    const erin = await googleAs(t, 'erin@partner.example');
    await erin.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: {
        summary: 'Partner sync',
        start: { dateTime: `${day}T14:00:00+01:00` },
        end: { dateTime: `${day}T15:00:00+01:00` },
        attendees: [{ email: 'bob@example.com' }],
      },
    });
    await syncNow();
    const item = meeting(page, 'Partner sync');
    await item.waitFor();
    await item.getByRole('button', { name: 'Link to a CRM record: Partner sync' }).click();
    await pick('deal', 'fleet', 'Fleet renewal (open)');
    await page.getByRole('dialog').getByRole('button', { name: 'Link', exact: true }).click();
    await waitForText(
      page,
      '#meetings-list',
      /Partner sync.*CRM record: deal “Fleet renewal” \(linked in the CRM\)/,
    );
    expect(await storedLink('Partner sync')).toMatchObject({ entity_type: 'deal', entity_id: dealId });
    // Kept through the next pull, although Google's copy (the organizer's) cannot carry it.
    await syncNow();
    expect(await storedLink('Partner sync')).toMatchObject({ entity_type: 'deal', entity_id: dealId });
  });

  it('links the whole series from one of its occurrences', async () => {
    const contactId = await createRecord('contacts', { name: 'Frank Weekly', email: 'frank@example.net' });
    await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Weekly pipeline',
        start: { dateTime: `${day}T09:00:00`, timeZone: 'Europe/Berlin' },
        end: { dateTime: `${day}T09:30:00`, timeZone: 'Europe/Berlin' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
      },
    });
    await syncNow();
    const occurrences = page
      .locator('#meetings-list > li')
      .filter({ has: page.getByRole('heading', { name: 'Weekly pipeline', exact: true }) });
    await waitForText(page, '#meetings-list', /Weekly pipeline.*Weekly pipeline.*Weekly pipeline/);
    await occurrences.nth(1).getByRole('button', { name: 'Link to a CRM record: Weekly pipeline' }).click();
    expect(await page.locator('#link-series').isVisible()).toBe(true);
    await pick('contact', 'frank', 'Frank Weekly (frank@example.net)');
    await page.getByRole('dialog').getByRole('button', { name: 'Link', exact: true }).click();
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('#meetings-list > li'))
          .filter((li) => li.querySelector('h3')?.textContent === 'Weekly pipeline')
          .every((li) => /contact “Frank Weekly”/.test(li.textContent ?? '')),
      undefined,
      { timeout: 15_000 },
    );
    expect(await storedLink('Weekly pipeline')).toEqual({
      entity_type: 'contact',
      entity_id: contactId,
      entity_source: 'crm',
    });
    // One activity for the series.
    expect((await activitiesOf('contacts', contactId)).map((a) => a.title)).toEqual([
      'Meeting scheduled: Weekly pipeline',
    ]);
  });

  it('says why a link was refused, in the dialog, and links nothing', async () => {
    const contactId = await createRecord('contacts', { name: 'Gone Soon', email: 'gone@example.net' });
    const item = meeting(page, 'Intro call');
    await item.getByRole('button', { name: 'Link to a CRM record: Intro call' }).click();
    await pick('contact', 'gone soon', 'Gone Soon (gone@example.net)');
    // The record is deleted in the CRM while the dialog is open.
    expect((await crm('DELETE', `/crm/contacts/${contactId}`)).statusCode).toBe(204);
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Link', exact: true }).click();
    await waitForText(
      page,
      '#link-error',
      /^Linking failed: that contact no longer exists in the CRM; search again$/,
    );
    expect(await dialog.isVisible()).toBe(true);
    expect(await storedLink('Intro call')).toMatchObject({ entity_id: null, entity_source: 'none' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
  });

  it('runs without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
