import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY } from '../src/app/http/routes/dev-sign-in.page.js';
import { launchChromium, pageToken, skip, waitForText } from './support/browser.js';
import { startTestApp, type TestApp } from './support/harness.js';

/** The page's sign-in and Google Calendar connection, driven in Chromium (see also web-browser-*.test.ts). */

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

    // Disconnecting asks first; backing out changes nothing.
    await page.getByRole('button', { name: 'Disconnect' }).click();
    const question = page.locator('#confirm-dialog');
    await waitForText(page, '#confirm-heading', /Disconnect Google Calendar\?/);
    expect(await question.textContent()).toContain('nothing is deleted in Google Calendar');
    await page.getByRole('button', { name: 'Stay connected' }).click();
    await waitForText(page, '#connection-text', /^Connected as alice@example\.com since /);
    expect(await question.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await question.getByRole('button', { name: 'Disconnect' }).click();
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
    // The prompt at the top says what happened and where to act; no new meetings meanwhile.
    expect(await page.locator('#reconnect-prompt').isVisible()).toBe(true);
    expect(await page.locator('#reconnect-prompt').getAttribute('role')).toBe('alert');
    expect(await page.locator('#reconnect-prompt').textContent()).toMatch(/needs to be reconnected/);
    expect(await page.locator('#schedule-section').isVisible()).toBe(false);
    expect(await page.locator('#calendars-section').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Reconnect Google Calendar' }).click();
    await waitForText(page, '#connection-text', /^Connected as alice@example\.com since /);
    expect(await page.locator('#reconnect-prompt').isVisible()).toBe(false);
    expect(await page.locator('#schedule-section').isVisible()).toBe(true);
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

  it('says so when the bundled emulator runs in the process, and links to its page', async () => {
    // What `serve` records when it starts the emulator itself (no Google credentials).
    t.ctx.embeddedEmulatorUrl = t.emulator.url;
    try {
      const page = await openPage();
      await page.goto(`${t.baseUrl}/`);
      await waitForText(page, '#emulator-notice-text', /bundled Google Calendar emulator/);
      expect(await page.locator('#emulator-notice').innerText()).toMatch(/no real Google account/);
      const link = page.getByRole('link', { name: 'Google Calendar emulator' });
      expect(await link.getAttribute('href')).toBe(t.emulator.url);
      expect(await page.getByRole('link', { name: "Open the emulator's page" }).getAttribute('href')).toBe(
        t.emulator.url,
      );
      await page.context().close();
    } finally {
      t.ctx.embeddedEmulatorUrl = undefined;
    }
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
