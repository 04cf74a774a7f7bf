import { describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/harness.js';
import {
  authHeader,
  emulatorAdmin,
  followAutoConsent,
  freshAccount,
  getStatus,
} from './support/oauth-flow.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * Login CSRF (RFC 6749 section 10.12): a consent link started by one CRM user and finished in
 * someone else's browser must connect nothing. The connect answer sets a cookie on the browser
 * that starts; the callback refuses a browser without it, and the state is spent either way.
 */

let t: TestApp;
useTestApp({}, (app) => {
  t = app;
});

/** A browser's cookies, as a browser keeps them: by name, sent to paths under their own. */
class CookieJar {
  readonly #cookies = new Map<string, { value: string; path: string }>();

  keep(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const [name = '', value = ''] = pair.split('=');
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^max-age=0$/i.test(a));
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path });
    }
  }

  header(url: URL): Record<string, string> {
    const sent = [...this.#cookies]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`);
    return sent.length === 0 ? {} : { cookie: sent.join('; ') };
  }

  get size(): number {
    return this.#cookies.size;
  }
}

/** A browser on the service: the page's fetch to the connect endpoint keeps the answer's cookie. */
async function startConnecting(jar: CookieJar, userId: string, loginHint: string): Promise<URL> {
  const res = await fetch(
    `${t.baseUrl}/integrations/calendar/connect?login_hint=${encodeURIComponent(loginHint)}`,
    {
      headers: { ...(await authHeader(t, userId)) },
    },
  );
  expect(res.status).toBe(200);
  jar.keep(res);
  return new URL(((await res.json()) as { auth_url: string }).auth_url);
}

/** The browser follows Google's redirect to the callback, sending its cookies for that path. */
async function finish(jar: CookieJar, callbackUrl: URL): Promise<Response> {
  const res = await fetch(callbackUrl, { headers: jar.header(callbackUrl), redirect: 'manual' });
  jar.keep(res);
  return res;
}

async function expectRefusedPage(res: Response, reason: string): Promise<string> {
  expect(res.status).toBe(reason === 'browser_mismatch' ? 403 : 400);
  expect(res.headers.get('content-type')).toContain('text/html');
  const html = await res.text();
  expect(html).toContain(`<code id="reason">${reason}</code>`);
  return html;
}

describe('the OAuth state is bound to the browser that started connecting', () => {
  it("refuses an attacker's consent link finished in the victim's browser, and connects nothing", async () => {
    const attacker = freshAccount('mallory');
    const victim = freshAccount('victim');
    await emulatorAdmin(t, 'POST', '/users', { email: attacker.email });
    await emulatorAdmin(t, 'POST', '/users', { email: victim.email });
    const attackerBrowser = new CookieJar();
    const victimBrowser = new CookieJar();

    // The attacker starts connecting in their own browser and sends the link to the victim, who
    // consents with their Google account in theirs.
    const consentLink = await startConnecting(attackerBrowser, attacker.userId, victim.email);
    expect(attackerBrowser.size).toBe(1);
    const callbackUrl = await followAutoConsent(consentLink);

    const html = await expectRefusedPage(await finish(victimBrowser, callbackUrl), 'browser_mismatch');
    expect(html).toContain('started in another browser');
    expect(html).toContain('nothing was connected');
    expect(await getStatus(t, attacker.userId)).toMatchObject({ connected: false, google_email: null });
    expect(await getStatus(t, victim.userId)).toMatchObject({ connected: false, google_email: null });

    // The state is spent: the attacker cannot finish it in their own browser afterwards.
    await expectRefusedPage(await finish(attackerBrowser, callbackUrl), 'state_used');
    expect(await getStatus(t, attacker.userId)).toMatchObject({ connected: false, google_email: null });
  });

  it("refuses it too when the victim's browser holds a binding of its own consent", async () => {
    const attacker = freshAccount('mallory');
    const victim = freshAccount('victim');
    await emulatorAdmin(t, 'POST', '/users', { email: victim.email });
    const victimBrowser = new CookieJar();
    await startConnecting(victimBrowser, victim.userId, victim.email);
    expect(victimBrowser.size).toBe(1);

    const callbackUrl = await followAutoConsent(
      await startConnecting(new CookieJar(), attacker.userId, victim.email),
    );
    await expectRefusedPage(await finish(victimBrowser, callbackUrl), 'browser_mismatch');
    expect(await getStatus(t, attacker.userId)).toMatchObject({ connected: false, google_email: null });
  });

  it('connects the browser that started, with the cookie HttpOnly, SameSite=Lax, on the callback path only', async () => {
    const user = freshAccount('alice');
    await emulatorAdmin(t, 'POST', '/users', { email: user.email });
    const res = await fetch(
      `${t.baseUrl}/integrations/calendar/connect?login_hint=${encodeURIComponent(user.email)}`,
      {
        headers: await authHeader(t, user.userId),
      },
    );
    const [cookie, ...others] = res.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(cookie).toMatch(/^calendar_oauth_binding=[\w-]{43}; /);
    const attributes = (cookie ?? '').split('; ').slice(1);
    expect(attributes).toEqual(
      expect.arrayContaining([
        'Max-Age=600',
        'Path=/integrations/calendar/callback',
        'HttpOnly',
        'SameSite=Lax',
      ]),
    );
    expect(attributes).not.toContain('Secure'); // PUBLIC_URL is http here
    expect(res.headers.get('cache-control')).toBe('no-store');

    const browser = new CookieJar();
    browser.keep(res);
    const callback = await finish(
      browser,
      await followAutoConsent(new URL(((await res.json()) as { auth_url: string }).auth_url)),
    );
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/?calendar=connected');
    expect(browser.size).toBe(0); // cleared once used
    expect(await getStatus(t, user.userId)).toMatchObject({ status: 'active', google_email: user.email });
  });

  it('lets a CRM that asks for the consent URL from its server set the binding on the browser itself', async () => {
    const user = freshAccount('server-side');
    await emulatorAdmin(t, 'POST', '/users', { email: user.email });
    interface Started {
      auth_url: string;
      browser_binding: { cookie: string; value: string; path: string; expires_at: string };
    }
    // The CRM's server calls the API; its HTTP client's cookies never reach the user's browser.
    const startOnServer = async () =>
      (await (
        await fetch(
          `${t.baseUrl}/integrations/calendar/connect?login_hint=${encodeURIComponent(user.email)}`,
          {
            headers: await authHeader(t, user.userId),
          },
        )
      ).json()) as Started;

    const forgotten = await startOnServer();
    expect(forgotten.browser_binding).toMatchObject({
      cookie: 'calendar_oauth_binding',
      path: '/integrations/calendar/callback',
    });
    expect(Date.parse(forgotten.browser_binding.expires_at) - t.ctx.clock.now().getTime()).toBeGreaterThan(
      590_000,
    );
    // A browser the CRM did not give the cookie is refused.
    const refused = await fetch(await followAutoConsent(new URL(forgotten.auth_url)), { redirect: 'manual' });
    await expectRefusedPage(refused, 'browser_mismatch');
    expect(await getStatus(t, user.userId)).toMatchObject({ connected: false });

    // The browser the CRM set the cookie on (name, value and path from browser_binding) connects.
    const started = await startOnServer();
    const connected = await fetch(await followAutoConsent(new URL(started.auth_url)), {
      redirect: 'manual',
      headers: { cookie: `${started.browser_binding.cookie}=${started.browser_binding.value}` },
    });
    expect(connected.status).toBe(302);
    expect(await getStatus(t, user.userId)).toMatchObject({ status: 'active', google_email: user.email });
  });
});

describe('with an https PUBLIC_URL', () => {
  it('marks the binding cookie Secure, with the __Secure- prefix', async () => {
    const secure = await startTestApp({ workers: false, env: { PUBLIC_URL: 'https://sync.example.com' } });
    try {
      const res = await secure.app.inject({
        url: '/integrations/calendar/connect',
        headers: { authorization: `Bearer ${await secure.tokenFor('alice')}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^__Secure-calendar_oauth_binding=/);
      expect(cookie.split('; ')).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Lax']));
      expect(res.json().browser_binding.cookie).toBe('__Secure-calendar_oauth_binding');
    } finally {
      await secure.close();
    }
  });
});
