import { existsSync } from 'node:fs';
import { SignJWT } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY } from '../src/http/routes/dev-sign-in.page.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) {
  console.warn(
    `Skipping the browser tests of the page: ${CHROMIUM} is missing (apt-get install -y chromium). ` +
      'They always run in CI.',
  );
}

/** Waits until the element's text matches, and returns it (fails with the last text seen). */
async function waitForText(page: Page, selector: string, pattern: RegExp): Promise<string> {
  try {
    await page.waitForFunction(
      ([sel, source, flags]) =>
        new RegExp(source, flags).test(document.querySelector(sel)?.textContent ?? ''),
      [selector, pattern.source, pattern.flags] as const,
      { timeout: 15_000 },
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    // A CRM token that carries the user's email, which the page passes to Google as login_hint.
    token = await new SignJWT({ tenant: 'default', name: 'Alice Anders', email: 'alice@example.com' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
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
