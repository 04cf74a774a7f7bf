import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP } from '../src/app/http/security-headers.js';
import { launchChromium, skip as noBrowser } from './support/browser.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import { fillPath, openApiRoutes } from './support/openapi-routes.js';

/**
 * The same security headers on every answer: each route of the OpenAPI document, the page and
 * its assets, /docs, the OAuth callback's pages, the notification stream, errors and 404s; a
 * policy suited to each (JSON loads nothing), and HSTS behind an https PUBLIC_URL.
 */

let t: TestApp;
let secure: TestApp;

beforeAll(async () => {
  t = await startTestApp({ workers: false });
  secure = await startTestApp({ workers: false, env: { PUBLIC_URL: 'https://sync.example.com' } });
});
afterAll(async () => {
  await t?.close();
  await secure?.close();
});

const BASE = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function expectSecurityHeaders(
  res: Pick<LightMyRequestResponse, 'headers'>,
  what: string,
  options: { csp?: RegExp | string; hsts?: boolean } = {},
): void {
  const headers = res.headers;
  expect(headers, what).toMatchObject(BASE);
  const csp = String(headers['content-security-policy'] ?? '');
  if (options.csp instanceof RegExp) expect(csp, what).toMatch(options.csp);
  else expect(csp, what).toBe(options.csp ?? API_CSP);
  expect(csp, what).toContain("frame-ancestors 'none'");
  if (options.hsts === true) {
    expect(headers['strict-transport-security'], what).toBe('max-age=31536000; includeSubDomains');
  } else {
    expect(headers['strict-transport-security'], what).toBeUndefined();
  }
}

describe('security headers', () => {
  it('are on the answer of every route in the OpenAPI document, signed in or not', async () => {
    const routes = await openApiRoutes(t);
    expect(routes.length).toBeGreaterThan(30);
    const auth = await authHeader(t, 'headers-user');
    for (const route of routes) {
      const url = fillPath(route, () => randomUUID());
      // The stream signed in never ends: it is read below, over HTTP.
      const callers = route.path === '/notifications/stream' ? [{}] : [auth, {}];
      for (const headers of callers) {
        const res = await t.app.inject({
          method: route.method,
          url,
          headers,
          ...(route.body === undefined ? {} : { payload: {} }),
        });
        const what = `${route.method} ${route.path} (${res.statusCode})`;
        const html = String(res.headers['content-type'] ?? '').startsWith('text/html');
        // HTML answers (the OAuth callback's pages) carry their own policy: no script at all.
        expectSecurityHeaders(res, what, html ? { csp: /^default-src 'none'; style-src 'sha256-/ } : {});
      }
    }
  });

  it('are on the page and its assets, which keep their own policy', async () => {
    for (const url of ['/', '/assets/app.js', '/assets/styles.css']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expectSecurityHeaders(res, url, { csp: /^default-src 'self'; script-src 'self'; / });
    }
  });

  it('are on /docs, with a policy Swagger UI works under', async () => {
    for (const url of [
      '/docs',
      '/docs/static/index.html',
      '/docs/static/swagger-initializer.js',
      '/docs/json',
    ]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBeLessThan(400);
      expectSecurityHeaders(res, url, {
        csp: /^default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; .*connect-src 'self'/,
      });
    }
  });

  it('are on errors, 404s, the OAuth callback page and the notification stream', async () => {
    const notFound = await t.app.inject({ url: '/no/such/route' });
    expect(notFound.statusCode).toBe(404);
    expectSecurityHeaders(notFound, '404');

    // The router's own refusals, before any hook: a path parameter over its length limit, and a
    // percent-encoding that is not UTF-8.
    for (const [url, status, code] of [
      [`/crm/contacts/${'x'.repeat(1000)}`, 414, 'uri_too_long'],
      ['/crm/contacts/%E0%A4%A', 400, 'invalid_request'],
    ] as const) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error).toMatchObject({ code, request_id: res.headers['x-request-id'] });
      expectSecurityHeaders(res, url);
    }

    const unauthorized = await t.app.inject({ url: '/calendar/events' });
    expect(unauthorized.statusCode).toBe(401);
    expectSecurityHeaders(unauthorized, '401');

    const badJson = await t.app.inject({
      method: 'POST',
      url: '/crm/contacts',
      headers: { ...(await authHeader(t, 'headers-user')), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(badJson.statusCode).toBe(400);
    expectSecurityHeaders(badJson, 'bad JSON');

    const tooLarge = await t.app.inject({
      method: 'POST',
      url: '/crm/contacts',
      headers: { ...(await authHeader(t, 'headers-user')), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(tooLarge.statusCode).toBe(413);
    expectSecurityHeaders(tooLarge, '413');

    const callback = await t.app.inject({ url: '/integrations/calendar/callback?code=c&state=unknown' });
    expect(callback.statusCode).toBe(400);
    expectSecurityHeaders(callback, 'callback page', {
      csp: /^default-src 'none'; style-src 'sha256-[\w+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    });

    const ticket = await t.app.inject({
      method: 'POST',
      url: '/notifications/stream-ticket',
      headers: await authHeader(t, 'headers-user'),
    });
    const controller = new AbortController();
    const stream = await fetch(`${t.baseUrl}${ticket.json<{ stream_url: string }>().stream_url}`, {
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const streamHeaders: Record<string, string> = {};
    stream.headers.forEach((value, name) => (streamHeaders[name] = value));
    expectSecurityHeaders({ headers: streamHeaders }, 'event stream');
    controller.abort();
  });

  it('include HSTS when PUBLIC_URL is https', async () => {
    for (const url of ['/healthz', '/', '/docs', '/no/such/route', '/calendar/events']) {
      const res = await secure.app.inject({ url });
      const page = url === '/' ? { csp: /^default-src 'self'/ } : {};
      const docs = url === '/docs' ? { csp: /^default-src 'none'; script-src 'self'/ } : {};
      expectSecurityHeaders(res, url, { ...page, ...docs, hsts: true });
    }
  });

  it.skipIf(noBrowser)(
    'leave /docs, the callback page and the dev sign-in page working in a browser',
    async () => {
      const dev = await startTestApp({ workers: false, env: { AUTH_MODE: 'dev' } });
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext()).newPage();
        const violations: string[] = [];
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
        });
        await page.goto(`${dev.baseUrl}/docs`);
        await page.getByText('/calendar/events/{id}').first().waitFor();
        await page.goto(`${dev.baseUrl}/integrations/calendar/callback?code=c&state=unknown`);
        await page.getByRole('heading', { name: 'This sign-in link is not valid' }).waitFor();
        expect(
          await page.evaluate(
            () => getComputedStyle(document.querySelector('a.button') as Element).backgroundColor,
          ),
        ).toBe('rgb(26, 115, 232)'); // its stylesheet applies
        await page.goto(`${dev.baseUrl}/auth/dev`);
        await page.locator('button[data-user="alice"]').click();
        await page.waitForURL(`${dev.baseUrl}/`); // its script ran: signed in and back
        expect(violations).toEqual([]);
      } finally {
        await browser.close();
        await dev.close();
      }
    },
  );
});
