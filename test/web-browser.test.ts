import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY } from '../src/http/routes/dev-sign-in.page.js';
import { signTestToken, startTestApp, type TestApp } from './support/harness.js';
import { googleAs } from './support/emulator-client.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) {
  console.warn(
    `Skipping the browser tests of the page: ${CHROMIUM} is missing (apt-get install -y chromium). ` +
      'They always run in CI.',
  );
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A CRM token (valid for an hour) that carries the user's email, which the page passes to Google as login_hint. */
function pageToken(userId: string, name: string, email: string): Promise<string> {
  return signTestToken(userId, {
    nowSeconds: Math.floor(Date.now() / 1000),
    ttlSeconds: 3600,
    tenant: 'default',
    claims: { name, email },
  });
}

/** Waits until the element's text matches, and returns it (fails with the last text seen). */
async function waitForText(page: Page, selector: string, pattern: RegExp, timeout = 15_000): Promise<string> {
  try {
    await page.waitForFunction(
      ([sel, source, flags]) =>
        new RegExp(source, flags).test(document.querySelector(sel)?.textContent ?? ''),
      [selector, pattern.source, pattern.flags] as const,
      { timeout },
    );
  } catch (error) {
    const last = await page.locator(selector).textContent();
    throw new Error(`${selector} never matched ${String(pattern)}; last text: ${JSON.stringify(last)}`, {
      cause: error,
    });
  }
  return (await page.locator(selector).textContent()) ?? '';
}

describe.skipIf(skip)('the page in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let token: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ workers: false });
    browser = await launchChromium();
    token = await pageToken('alice', 'Alice Anders', 'alice@example.com');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openPage(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  it('signs in with a token, connects through Google consent, and disconnects', async () => {
    const page = await openPage();
    await page.goto(`${t.baseUrl}/`);
    await waitForText(page, '#account-text', /You are not signed in/);
    expect(await page.locator('#token-form').isVisible()).toBe(true);

    await page.locator('#token-input').fill(token);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await waitForText(page, '#account-text', /Signed in as Alice Anders \(alice\), tenant default/);
    expect(await page.evaluate((key) => localStorage.getItem(key), TOKEN_STORAGE_KEY)).toBe(token);

    await waitForText(page, '#connection-text', /^Not connected$/);
    expect(await page.locator('#emulator-notice').isVisible()).toBe(true);
    expect(await page.locator('#emulator-notice').textContent()).toContain('Google Calendar emulator');
    expect(await page.locator('#emulator-notice-link').getAttribute('href')).toBe(t.emulator.url);
    expect(await page.getByRole('link', { name: 'API reference' }).first().getAttribute('href')).toBe(
      '/docs',
    );

    // Connect: the page asks for the consent URL, the emulator consents at once (login_hint +
    // auto-consent) and redirects to the callback, which redirects to /?calendar=connected.
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await waitForText(page, '#flash', /Google Calendar connected/);
    const connected = await waitForText(page, '#connection-text', /^Connected as alice@example\.com since /);
    expect(connected).not.toContain('Invalid Date');
    expect(page.url()).toBe(`${t.baseUrl}/`);
    expect(await page.getByRole('button', { name: 'Disconnect' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Connect Google Calendar' }).isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await waitForText(page, '#flash', /Google Calendar disconnected/);
    await waitForText(page, '#connection-text', /^Not connected$/);
    await page.context().close();
  });

  it('asks to reconnect when Google access was revoked, and reconnects', async () => {
    const page = await openPage();
    await page.goto(`${t.baseUrl}/`);
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
      TOKEN_STORAGE_KEY,
      token,
    ] as const);
    await page.reload();
    await waitForText(page, '#connection-text', /^Not connected$/);
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await waitForText(page, '#connection-text', /^Connected as /);

    // What the token refresher records when Google answers invalid_grant.
    await t.ctx.db
      .updateTable('connections')
      .set({ status: 'reauth_required', last_error: 'invalid_grant: Token has been expired or revoked.' })
      .where('tenant_id', '=', 'default')
      .where('user_id', '=', 'alice')
      .execute();
    await page.reload();
    await waitForText(page, '#connection-text', /^Google access was revoked: reconnect$/);
    expect(await page.locator('#connection-details').textContent()).toContain('invalid_grant');

    await page.getByRole('button', { name: 'Reconnect Google Calendar' }).click();
    await waitForText(page, '#connection-text', /^Connected as alice@example\.com since /);
    await page.context().close();
  });

  it('reports a failed consent and a rejected token in words', async () => {
    const page = await openPage();
    await page.goto(`${t.baseUrl}/?calendar=error&reason=access_denied`);
    await waitForText(page, '#flash', /Connecting Google Calendar failed: access was declined/);
    expect(page.url()).toBe(`${t.baseUrl}/`);

    await page.evaluate((key) => localStorage.setItem(key, 'not-a-valid-token'), TOKEN_STORAGE_KEY);
    await page.reload();
    await waitForText(page, '#account-text', /no longer accepted/);
    expect(await page.evaluate((key) => localStorage.getItem(key), TOKEN_STORAGE_KEY)).toBeNull();
    await page.context().close();
  });

  it('signs in through the dev sign-in page and connects as that demo user', async () => {
    const dev = await startTestApp({ workers: false, env: { AUTH_MODE: 'dev' } });
    try {
      const page = await openPage();
      await page.goto(`${dev.baseUrl}/`);
      await waitForText(page, '#account-text', /You are not signed in/);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.locator('button[data-user="alice"]').click();
      await page.waitForURL(`${dev.baseUrl}/`);
      await waitForText(page, '#account-text', /Signed in as Alice Anders \(alice\), tenant default/);
      await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
      await waitForText(page, '#connection-text', /^Connected as alice@example\.com since /);
      await page.context().close();
    } finally {
      await dev.close();
    }
  });

  it('runs without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

/** The meeting in the list with this title (a locator for its list item). */
const meeting = (page: Page, title: string) =>
  page
    .locator('#meetings-list > li')
    .filter({ has: page.getByRole('heading', { name: title, exact: true }) });

describe.skipIf(skip)('meetings and reminders on the page', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // With the job workers: the page's writes reach the emulated Google through the outbox.
    t = await startTestApp({ workers: true });
    browser = await launchChromium();
    const token = await pageToken('bob', 'Bob Brown', 'bob@example.com');
    const context = await browser.newContext({
      timezoneId: 'America/New_York',
      viewport: { width: 900, height: 1400 },
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.baseUrl}/`);
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
      TOKEN_STORAGE_KEY,
      token,
    ] as const);
    await page.reload();
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await waitForText(page, '#connection-text', /^Connected as bob@example\.com since /);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('schedules a meeting through the form; it is listed, then synced to Google', async () => {
    expect(await page.locator('#meetings-section').isVisible()).toBe(true);
    await waitForText(page, '#reminders-state', /Listening for reminders/);

    const start = new Date(Date.now() + 2 * 86_400_000);
    const day = start.toISOString().slice(0, 10);
    await page.getByLabel('Title').fill('Quarterly review');
    await page.getByLabel('Start').fill(`${day}T15:30`);
    await page.getByLabel('Duration').selectOption('60');
    await page.getByRole('textbox', { name: 'Attendees' }).fill('carol@example.org, dave@example.org');
    await page.getByLabel('add a Google Meet link').check();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await waitForText(page, '#schedule-status', /“Quarterly review” scheduled/);

    const item = meeting(page, 'Quarterly review');
    await item.waitFor();
    await waitForText(page, '#meetings-list', /Quarterly review.*Synced/);
    const text = (await item.textContent()) ?? '';
    // 15:30 wall-clock in the browser's zone, shown back in that zone: never shifted.
    expect(text).toMatch(/3:30\s?PM – 4:30\s?PM/);
    expect(text).toContain('carol@example.org: no answer yet');
    expect(await item.getByRole('link', { name: 'Join with Google Meet' }).getAttribute('href')).toMatch(
      /^https:\/\/meet\.google\.com\//,
    );

    // Google has it, at the instant 15:30 New York time.
    const google = await googleAs(t, 'bob@example.com');
    const listed = await google.events.list({ calendarId: 'primary', q: 'Quarterly review' });
    const created = listed.data.items?.find((e) => e.summary === 'Quarterly review');
    expect(created?.attendees?.map((a) => a.email).sort()).toEqual(['carol@example.org', 'dave@example.org']);
    const instant = await page.evaluate((wall) => new Date(wall).toISOString(), `${day}T15:30`);
    expect(new Date(created?.start?.dateTime ?? '').toISOString()).toBe(instant);
  });

  it('shows the service\u2019s 400 answer next to the form and writes nothing', async () => {
    await page.getByLabel('Title').fill('Bad invite');
    await page.getByRole('textbox', { name: 'Attendees' }).fill('not-an-email');
    await page.getByRole('button', { name: 'Schedule' }).click();
    const error = await waitForText(page, '#schedule-error', /\S/);
    expect(error).toMatch(/email/i);
    expect(await page.locator('#schedule-error').isVisible()).toBe(true);
    const rows = await t.ctx.db.selectFrom('events').select('id').where('title', '=', 'Bad invite').execute();
    expect(rows).toEqual([]);
  });

  it('lists an event created in Google after a sync, with an all-day event on its own date', async () => {
    const google = await googleAs(t, 'bob@example.com');
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    await google.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Offsite day', start: { date: day }, end: { date: next } },
    });
    const sync = await t.app.inject({
      method: 'POST',
      url: '/calendar/sync',
      payload: {},
      headers: { authorization: `Bearer ${await t.tokenFor('bob')}` },
    });
    expect(sync.statusCode, sync.body).toBe(200);
    await page.reload();
    const item = meeting(page, 'Offsite day');
    await item.waitFor();
    const expected = new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', {
      dateStyle: 'medium',
      timeZone: 'UTC',
    });
    expect(await item.locator('.meeting-when').textContent()).toBe(`${expected}, all day`);
    expect(await item.locator('.sync-state').textContent()).toBe('Synced');
  });

  it('shows a failed write in words', async () => {
    const updated = await t.ctx.db
      .updateTable('events')
      .set({ sync_state: 'failed', sync_error: 'Google refused the attendee list' })
      .where('title', '=', 'Offsite day')
      .executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(1);
    const text = await waitForText(page, '#meetings-list', /Failed: Google refused the attendee list/);
    expect(text).toContain('Offsite day');
    expect(await meeting(page, 'Offsite day').locator('.sync-state').getAttribute('data-state')).toBe(
      'failed',
    );
  });

  it('shows reminders from the stream as they are delivered', async () => {
    const start = new Date(Date.now() + 10 * 60_000).toISOString();
    await t.ctx.db
      .insertInto('notifications')
      .values({
        tenant_id: 'default',
        user_id: 'bob',
        event_id: null,
        kind: 'reminder',
        fire_at: new Date(),
        fired_at: new Date(),
        outcome: 'delivered',
        payload: JSON.stringify({ title: 'Standup', start, minutes_before: 10, meet_link: null }),
      })
      .execute();
    const text = await waitForText(page, '#reminders-list', /Standup starts in 10 minutes/);
    expect(text).toContain('Starts');
    expect(await page.locator('#reminders-list .reminder-new').count()).toBe(1);
    await page.screenshot({ path: '/tmp/web-page.png', fullPage: true });
  });

  it('runs without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
