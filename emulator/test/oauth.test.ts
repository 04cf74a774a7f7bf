import { calendar } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asCalendarAuth, setup, type TestEmulator } from './support/emulator.js';
import { expectRawError } from './support/errors.js';
import { advanceClock } from './support/events.js';
import {
  authUrl,
  authorizationCode,
  autoAuthorize,
  oauthFailure,
  redirectUriOf,
  submitConsent,
  tokenRequest,
} from './support/oauth.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(async () => {
  await emu.close();
});

const autoConsent = (on: boolean) => emu.admin.post('/settings', { autoConsent: on });

describe('consent page', () => {
  beforeAll(() => autoConsent(false));

  it('shows an HTML consent page offering the test accounts, Allow and Deny', async () => {
    const email = await emu.createUser();
    const res = await fetch(authUrl(emu.oauthClient(), { email, state: 's1' }), { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain(email);
    expect(html).toMatch(/allow/i);
    expect(html).toMatch(/deny/i);
  });

  it('redirects with a code and the state echoed on Allow', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const url = authUrl(client, { email, state: 'xyz-123' });
    const page = await fetch(url, { redirect: 'manual' });
    const res = await submitConsent(url, await page.text(), email, /allow/i);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUriOf(client));
    expect(location.searchParams.get('state')).toBe('xyz-123');
    const { tokens } = await client.getToken(location.searchParams.get('code')!);
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('redirects with error=access_denied and the state on Deny', async () => {
    const email = await emu.createUser();
    const url = authUrl(emu.oauthClient(), { email, state: 'deny-state' });
    const page = await fetch(url, { redirect: 'manual' });
    const res = await submitConsent(url, await page.text(), email, /deny/i);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('deny-state');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('answers a request without client_id or response_type with 400 and no redirect', async () => {
    const res = await fetch(
      `${emu.url}/o/oauth2/v2/auth?redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=email`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('authorization code grant', () => {
  beforeAll(() => autoConsent(true));

  it('auto-consents for login_hint and echoes state', async () => {
    const email = await emu.createUser();
    const params = await autoAuthorize(emu.oauthClient(), { email, state: 'auto-state' });
    expect(params.get('code')).toEqual(expect.any(String));
    expect(params.get('state')).toBe('auto-state');
  });

  it('exchanges a code (PKCE S256) for tokens that work with the Calendar client', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const { code, codeVerifier } = await authorizationCode(client, { email });
    // Date is frozen around the exchange so the client's receipt time is known exactly.
    const receivedAt = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: receivedAt });
    const { tokens } = await client.getToken({ code, codeVerifier: codeVerifier! }).finally(() => {
      vi.useRealTimers();
    });
    expect(tokens).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
    });
    expect(tokens.scope).toContain('https://www.googleapis.com/auth/calendar');
    // The client stamps expiry_date = its receipt time + expires_in: expires_in is in (3590 s, 3599 s].
    expect(tokens.expiry_date! - receivedAt).toBeGreaterThan(3_590_000);
    expect(tokens.expiry_date! - receivedAt).toBeLessThanOrEqual(3_599_000);
    client.setCredentials(tokens);
    const cal = calendar({ version: 'v3', auth: asCalendarAuth(client), rootUrl: `${emu.url}/` });
    const { data } = await cal.calendarList.list();
    expect(data.items?.[0]?.id).toBe(email);
  });

  it('answers expires_in 3599 on the token endpoint', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const { code } = await authorizationCode(client, { email, pkce: false });
    const res = await tokenRequest(emu, {
      grant_type: 'authorization_code',
      code,
      client_id: client._clientId!,
      client_secret: client._clientSecret!,
      redirect_uri: redirectUriOf(client),
    });
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(3599);
  });

  it('refuses a wrong or missing PKCE verifier with invalid_grant', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const first = await authorizationCode(client, { email });
    const wrong = await oauthFailure(client.getToken({ code: first.code, codeVerifier: 'x'.repeat(64) }));
    expect(wrong).toEqual({ status: 400, error: 'invalid_grant' });
    const second = await authorizationCode(client, { email });
    const missing = await oauthFailure(client.getToken({ code: second.code }));
    expect(missing).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('refuses a reused code with invalid_grant', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const { code, codeVerifier } = await authorizationCode(client, { email });
    await client.getToken({ code, codeVerifier: codeVerifier! });
    expect(await oauthFailure(client.getToken({ code, codeVerifier: codeVerifier! }))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('refuses an expired code with invalid_grant', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const { code, codeVerifier } = await authorizationCode(client, { email });
    await advanceClock(emu, 60 * 60_000);
    expect(await oauthFailure(client.getToken({ code, codeVerifier: codeVerifier! }))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('gives a refresh token on first consent and with prompt=consent only', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const exchange = async (prompt?: string, offline = true) => {
      const { code, codeVerifier } = await authorizationCode(client, {
        email,
        offline,
        ...(prompt ? { prompt } : {}),
      });
      return (await client.getToken({ code, codeVerifier: codeVerifier! })).tokens;
    };
    expect((await exchange()).refresh_token).toEqual(expect.any(String));
    expect((await exchange()).refresh_token).toBeUndefined();
    expect((await exchange('consent')).refresh_token).toEqual(expect.any(String));
    expect((await exchange('consent', false)).refresh_token).toBeUndefined();
  });

  it('refuses an unsupported grant type and a missing code', async () => {
    expect(
      (await tokenRequest(emu, { grant_type: 'password', username: 'a', password: 'b' })).body.error,
    ).toBe('unsupported_grant_type');
    const missing = await tokenRequest(emu, {
      grant_type: 'authorization_code',
      client_id: 'c',
      client_secret: 's',
    });
    expect(missing.status).toBe(400);
    expect(['invalid_request', 'invalid_grant']).toContain(missing.body.error);
  });
});

describe('refresh tokens, revocation and userinfo', () => {
  beforeAll(() => autoConsent(true));

  async function connectedClient(scopes?: string[]) {
    const email = await emu.createUser();
    const client = emu.oauthClient();
    const { code, codeVerifier } = await authorizationCode(client, { email, ...(scopes ? { scopes } : {}) });
    const { tokens } = await client.getToken({ code, codeVerifier: codeVerifier! });
    client.setCredentials(tokens);
    return { email, client, tokens };
  }

  it('refreshes an access token with the refresh_token grant', async () => {
    const { client, tokens } = await connectedClient();
    const { credentials } = await client.refreshAccessToken();
    expect(credentials.access_token).not.toBe(tokens.access_token);
    const raw = await tokenRequest(emu, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: client._clientId!,
      client_secret: client._clientSecret!,
    });
    expect(raw.status).toBe(200);
    expect(raw.body.expires_in).toBe(3599);
    expect(raw.body.refresh_token).toBeUndefined();
    const cal = calendar({ version: 'v3', auth: asCalendarAuth(client), rootUrl: `${emu.url}/` });
    expect((await cal.calendarList.list()).status).toBe(200);
  });

  it('makes the access token expire on the emulator clock, then 401', async () => {
    const { client } = await connectedClient();
    const res = await emu.http('GET', '/calendar/v3/users/me/calendarList', {
      token: client.credentials.access_token!,
    });
    expect(res.status).toBe(200);
    await advanceClock(emu, 3_600_000);
    const expired = await emu.http('GET', '/calendar/v3/users/me/calendarList', {
      token: client.credentials.access_token!,
    });
    expectRawError(expired, 401, 'authError');
  });

  it('revokes a refresh token: refresh gives invalid_grant and its access tokens stop working', async () => {
    const { client, tokens } = await connectedClient();
    const res = await fetch(`${emu.url}/revoke?token=${encodeURIComponent(tokens.refresh_token!)}`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    expect(await oauthFailure(client.refreshAccessToken())).toEqual({ status: 400, error: 'invalid_grant' });
    const api = await emu.http('GET', '/calendar/v3/users/me/calendarList', { token: tokens.access_token! });
    expect(api.status).toBe(401);
  });

  it('revokes through the official client and refuses an unknown token with invalid_token', async () => {
    const { client, tokens } = await connectedClient();
    await client.revokeToken(tokens.access_token!);
    expect(await oauthFailure(client.refreshAccessToken())).toEqual({ status: 400, error: 'invalid_grant' });
    const unknown = await fetch(`${emu.url}/revoke?token=not-a-token`, { method: 'POST' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers userinfo for an openid email token and 401 without one', async () => {
    const { email, tokens } = await connectedClient([
      'openid',
      'email',
      'https://www.googleapis.com/auth/calendar',
    ]);
    const res = await emu.http('GET', '/oauth2/v3/userinfo', { token: tokens.access_token! });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: expect.any(String), email, email_verified: true });
    expect((await emu.http('GET', '/oauth2/v3/userinfo')).status).toBe(401);
  });
});
