import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { callEmulatorAdmin } from './emulator-client.js';
import type { TestApp } from './harness.js';

/** Drives the Google Calendar connection flow of a test app as a browser would, without one. */

export async function authHeader(
  t: TestApp,
  userId: string,
  tenant?: string,
): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await t.tokenFor(userId, tenant)}` };
}

let accounts = 0;

/** A CRM user id and a Google account email not used before in this test file. */
export function freshAccount(name: string): { userId: string; email: string } {
  accounts += 1;
  return { userId: `${name}-${accounts}`, email: `${name}-${accounts}@example.com` };
}

/**
 * The browser-binding cookie each consent's browser received from the connect answer, by the
 * consent's state: the callback of that consent is delivered as from that browser.
 */
const bindingCookies = new Map<string, string>();

/** The `cookie` header of the browser that started the consent `url` (its auth or callback URL). */
export function bindingCookieFor(url: URL): string | undefined {
  return bindingCookies.get(url.searchParams.get('state') ?? '');
}

/** GET /integrations/calendar/connect as `userId`; returns Google's consent URL. */
export async function requestAuthUrl(
  t: TestApp,
  userId: string,
  options: { loginHint?: string; tenant?: string } = {},
): Promise<URL> {
  const query = options.loginHint === undefined ? '' : `?login_hint=${encodeURIComponent(options.loginHint)}`;
  const res = await t.app.inject({
    method: 'GET',
    url: `/integrations/calendar/connect${query}`,
    headers: await authHeader(t, userId, options.tenant),
  });
  expect(res.statusCode, res.body).toBe(200);
  const authUrl = new URL(res.json<{ auth_url: string }>().auth_url);
  const cookie = res.cookies.find((c) => c.name.endsWith('calendar_oauth_binding'));
  expect(cookie, 'the connect answer sets the browser-binding cookie').toBeDefined();
  bindingCookies.set(authUrl.searchParams.get('state') ?? '', `${cookie?.name}=${cookie?.value}`);
  return authUrl;
}

/**
 * Opens the consent URL with auto-consent (login_hint) and returns where Google redirected the
 * browser: the service's callback URL with code and state.
 */
export async function followAutoConsent(authUrl: URL): Promise<URL> {
  const res = await fetch(authUrl, { redirect: 'manual' });
  expect(res.status, await res.clone().text()).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

/**
 * The browser hits the callback: GET it on the service with the query Google appended, with the
 * cookie the connect answer gave the browser that started this consent.
 */
export async function deliverCallback(t: TestApp, callbackUrl: URL): Promise<LightMyRequestResponse> {
  const cookie = bindingCookieFor(callbackUrl);
  return t.app.inject({
    method: 'GET',
    url: `/integrations/calendar/callback${callbackUrl.search}`,
    ...(cookie === undefined ? {} : { headers: { cookie } }),
  });
}

/** Connect -> consent (auto) -> callback; asserts the redirect to the success page. */
export async function connectCalendar(
  t: TestApp,
  userId: string,
  email: string,
  options: { tenant?: string } = {},
): Promise<{ callbackUrl: URL; response: LightMyRequestResponse }> {
  const authUrl = await requestAuthUrl(t, userId, { loginHint: email, ...options });
  const callbackUrl = await followAutoConsent(authUrl);
  const response = await deliverCallback(t, callbackUrl);
  expect(response.statusCode, response.body).toBe(302);
  expect(response.headers.location).toBe('/?calendar=connected');
  return { callbackUrl, response };
}

export interface StatusJson {
  connected: boolean;
  status: 'active' | 'reauth_required' | 'disconnected';
  connection_id: string | null;
  google_email: string | null;
  connected_at: string | null;
  scopes: string[];
  last_sync_at: string | null;
  last_error: string | null;
  calendars: unknown[];
}

export async function getStatus(t: TestApp, userId: string, tenant?: string): Promise<StatusJson> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/integrations/calendar/status',
    headers: await authHeader(t, userId, tenant),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<StatusJson>();
}

/** Calls the emulator's admin API of the test app. */
export async function emulatorAdmin<T = unknown>(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return callEmulatorAdmin<T>(t.emulator.url, method, path, body);
}

/** How many token-endpoint requests (both grants) the emulator has answered. */
export async function tokenRequests(t: TestApp): Promise<number> {
  const snapshot = await emulatorAdmin<{ byMethod: Record<string, number> }>(t, 'GET', '/requests');
  return snapshot.byMethod['oauth.token'] ?? 0;
}

/** Whether the emulator accepts `accessToken` for a Calendar API call. */
export async function calendarAccepts(t: TestApp, accessToken: string): Promise<number> {
  const res = await fetch(`${t.emulator.url}/calendar/v3/users/me/calendarList`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await res.text();
  return res.status;
}

/** The raw connection row as the database holds it. */
export async function rawConnectionRow(t: TestApp, userId: string, tenant = 'default') {
  const { rows } = await t.ctx.database.executeSql<Record<string, unknown>>(
    'SELECT * FROM connections WHERE tenant_id = $1 AND user_id = $2',
    [tenant, userId],
  );
  return rows[0];
}
