import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { tokenContext } from '../src/modules/connections/connection.types.js';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import {
  authHeader,
  bindingCookieFor,
  calendarAccepts,
  connectCalendar,
  deliverCallback,
  emulatorAdmin,
  followAutoConsent,
  freshAccount,
  getStatus,
  rawConnectionRow,
  requestAuthUrl,
} from './support/oauth-flow.js';

let t: TestApp;
const clock = new ManualClock();

useTestApp({ clock }, (app) => {
  t = app;
});

describe('connect flow (auto-consent, no browser)', () => {
  it('connect -> consent -> callback stores an active connection and enqueues the initial sync', async () => {
    const { userId, email } = freshAccount('ann');
    const authUrl = await requestAuthUrl(t, userId, { loginHint: email });
    expect(authUrl.origin + authUrl.pathname).toBe(t.config.google.authBaseUrl);
    const params = authUrl.searchParams;
    expect(params.get('scope')?.split(' ').sort()).toEqual([
      'https://www.googleapis.com/auth/calendar.events',
      'https://www.googleapis.com/auth/calendar.readonly',
    ]);
    expect(params.get('access_type')).toBe('offline');
    expect(params.get('prompt')).toBe('consent');
    expect(params.get('include_granted_scopes')).toBe('true');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('redirect_uri')).toBe(`${t.baseUrl}/integrations/calendar/callback`);
    expect(params.get('login_hint')).toBe(email);
    expect(Buffer.from(params.get('state') ?? '', 'base64url')).toHaveLength(32);

    const callback = await deliverCallback(t, await followAutoConsent(authUrl));
    expect(callback.statusCode).toBe(302);
    expect(callback.headers.location).toBe('/?calendar=connected');

    const status = await getStatus(t, userId);
    expect(status).toMatchObject({
      connected: true,
      status: 'active',
      google_email: email,
      last_error: null,
    });
    expect(status.scopes).toEqual(
      expect.arrayContaining([
        'https://www.googleapis.com/auth/calendar.events',
        'https://www.googleapis.com/auth/calendar.readonly',
      ]),
    );
    expect(new Date(status.connected_at ?? '').getTime()).toBe(clock.now().getTime());

    const { rows } = await t.ctx.database.executeSql<{ data: Record<string, string> }>(
      "SELECT data FROM pgboss.job WHERE name = 'calendar.initial-sync'",
    );
    expect(rows.map((r) => r.data)).toContainEqual({
      connectionId: status.connection_id,
      tenantId: 'default',
      userId,
    });
  });

  it('connects through the consent page by submitting its Allow form', async () => {
    const { userId, email } = freshAccount('ben');
    await emulatorAdmin(t, 'POST', '/settings', { autoConsent: false });
    try {
      const authUrl = await requestAuthUrl(t, userId, { loginHint: email });
      const page = await fetch(authUrl);
      expect(page.status).toBe(200);
      const html = await page.text();
      const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
      expect(form).not.toBeNull();
      const fields = new URLSearchParams();
      for (const input of form![2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
        fields.append(decodeEntities(input[1]!), decodeEntities(input[2]!));
      }
      fields.set('email', email);
      fields.set('decision', 'allow'); // the Allow button's name and value
      const submitted = await fetch(new URL(decodeEntities(form![1]!), authUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
        redirect: 'manual',
      });
      expect(submitted.status).toBe(302);
      const callback = await deliverCallback(t, new URL(submitted.headers.get('location') ?? ''));
      expect(callback.statusCode).toBe(302);
      expect(await getStatus(t, userId)).toMatchObject({ status: 'active', google_email: email });
    } finally {
      await emulatorAdmin(t, 'POST', '/settings', { autoConsent: true });
    }
  });

  it('reports a user who was never connected as disconnected', async () => {
    expect(await getStatus(t, freshAccount('nobody').userId)).toEqual({
      connected: false,
      status: 'disconnected',
      connection_id: null,
      google_email: null,
      connected_at: null,
      scopes: [],
      last_sync_at: null,
      last_error: null,
      calendars: [],
    });
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, object>;
    }>();
    expect(Object.keys(doc.paths['/integrations/calendar/connect'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/integrations/calendar/callback'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/integrations/calendar/status'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/integrations/calendar'] ?? {})).toContain('delete');
  });

  it('requires a bearer token to start connecting', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/integrations/calendar/connect' });
    expect(res.statusCode).toBe(401);
  });
});

describe('what the database holds', () => {
  it('stores tokens only encrypted, bound to their owner', async () => {
    const { userId, email } = freshAccount('cid');
    await connectCalendar(t, userId, email);
    const row = await rawConnectionRow(t, userId);
    expect(row).toBeDefined();
    const context = tokenContext({ tenantId: 'default', userId });
    const refreshToken = t.ctx.services.tokenCipher.decrypt(String(row!.refresh_token_enc), context);
    const accessToken = t.ctx.services.tokenCipher.decrypt(String(row!.access_token_enc), context);
    // The decrypted values are the real, working Google tokens...
    expect(await calendarAccepts(t, accessToken)).toBe(200);
    expect(refreshToken.startsWith('1//')).toBe(true);
    // ...and neither appears anywhere in the raw row.
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(accessToken);
    expect(raw).not.toContain(refreshToken);
    expect(String(row!.access_token_enc)).toMatch(/^v1:test:[\w-]+:[\w-]+:[\w-]+$/);
    // Bound to the owner: the same ciphertext does not open for another user.
    expect(() =>
      t.ctx.services.tokenCipher.decrypt(
        String(row!.access_token_enc),
        tokenContext({ tenantId: 'default', userId: 'x' }),
      ),
    ).toThrow();
  });

  it('keeps only the SHA-256 of the state, never the state or the user id in it', async () => {
    const { userId, email } = freshAccount('dee');
    const authUrl = await requestAuthUrl(t, userId, { loginHint: email });
    const state = authUrl.searchParams.get('state')!;
    expect(state).not.toContain(userId);
    expect(Buffer.from(state, 'base64url').toString('latin1')).not.toContain(userId);
    const { rows } = await t.ctx.database.executeSql<Record<string, unknown>>(
      'SELECT * FROM oauth_states WHERE tenant_id = $1 AND user_id = $2',
      ['default', userId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state_hash).toBe(createHash('sha256').update(state).digest('base64url'));
    expect(JSON.stringify(rows)).not.toContain(state);
    expect((rows[0]!.expires_at as Date).getTime() - clock.now().getTime()).toBe(10 * 60_000);
  });
});

describe('cross-user state', () => {
  it("alice's state stores alice's connection even when bob delivers the callback", async () => {
    const alice = freshAccount('alice');
    const bob = freshAccount('bob');
    const callbackUrl = await followAutoConsent(
      await requestAuthUrl(t, alice.userId, { loginHint: alice.email }),
    );
    const res = await t.app.inject({
      method: 'GET',
      url: `/integrations/calendar/callback${callbackUrl.search}`,
      // The bearer is ignored: the state alone names the user (the cookie is the browser's).
      headers: { ...(await authHeader(t, bob.userId)), cookie: bindingCookieFor(callbackUrl) ?? '' },
    });
    expect(res.statusCode).toBe(302);
    expect(await getStatus(t, alice.userId)).toMatchObject({ status: 'active', google_email: alice.email });
    expect(await getStatus(t, bob.userId)).toMatchObject({
      connected: false,
      status: 'disconnected',
      google_email: null,
    });
  });
});

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
