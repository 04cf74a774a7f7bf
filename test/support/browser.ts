import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TOKEN_STORAGE_KEY } from '../../src/app/http/routes/dev-sign-in.page.js';
import { signTestToken } from './harness.js';

/** What the browser tests of the page share: Chromium from Debian, a page token, text waits. */

export const CHROMIUM = '/usr/bin/chromium';
export const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) {
  console.warn(
    `Skipping the browser tests of the page: ${CHROMIUM} is missing (apt-get install -y chromium). ` +
      'They always run in CI.',
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A CRM token (valid for an hour) that carries the user's email, which the page passes to Google as login_hint. */
export function pageToken(userId: string, name: string, email: string): Promise<string> {
  return signTestToken(userId, {
    nowSeconds: Math.floor(Date.now() / 1000),
    ttlSeconds: 3600,
    tenant: 'default',
    claims: { name, email },
  });
}

/** Waits until the element's text matches, and returns it (fails with the last text seen). */
export async function waitForText(
  page: Page,
  selector: string,
  pattern: RegExp,
  timeout = 15_000,
): Promise<string> {
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

/** The meeting in the list with this title (a locator for its list item). */
export const meeting = (page: Page, title: string) =>
  page
    .locator('#meetings-list > li')
    .filter({ has: page.getByRole('heading', { name: title, exact: true }) });

/** Opens the page signed in with `token`, stored where the page keeps it. */
export async function openSignedIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
    TOKEN_STORAGE_KEY,
    token,
  ] as const);
  await page.reload();
}

/** Where the browser tests write their screenshots (gitignored; CI keeps the folder). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Writes a full-page screenshot to test-artifacts/<name>.png; answers its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Records what went wrong in a page: script errors, console errors, failed requests and answers
 * of 400 or more (each as one line). Requests the test expects to fail can be named in
 * `expected` (matched against the line).
 */
export function watchPage(page: Page, expected: RegExp[] = []): { problems: string[] } {
  const problems: string[] = [];
  const note = (line: string) => {
    if (!expected.some((pattern) => pattern.test(line))) problems.push(line);
  };
  page.on('pageerror', (error) => note(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') note(`console error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    // A navigation away (the OAuth redirect) aborts requests still running; they did not fail.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    note(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      note(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return { problems };
}

/** A meeting on the calendar grid, by its title (FullCalendar's event element). */
export const gridEvent = (page: Page, title: string) =>
  page.locator('#calendar-grid .fc-event').filter({ hasText: title });
