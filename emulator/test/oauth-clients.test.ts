import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type TestEmulator } from './support/emulator.js';
import { authUrl, authorizationCode, oauthFailure, tokenRequest } from './support/oauth.js';

/**
 * Once OAuth clients are registered, Google's rules apply: unknown clients and unregistered
 * redirect URIs are refused. Its own emulator, since registration changes global behaviour.
 */
let emu: TestEmulator;
const REGISTERED = {
  id: 'registered-app.apps.googleusercontent.com',
  secret: 'registered-secret',
  redirectUri: 'http://127.0.0.1:9/registered/callback',
};

beforeAll(async () => {
  emu = await setup({ autoConsent: true });
  await emu.admin.post('/clients', {
    client_id: REGISTERED.id,
    client_secret: REGISTERED.secret,
    redirect_uris: [REGISTERED.redirectUri],
  });
});
afterAll(async () => {
  await emu.close();
});

const registeredClient = () => emu.oauthClient(REGISTERED.id, REGISTERED.secret, REGISTERED.redirectUri);

describe('registered OAuth clients', () => {
  it('runs the whole flow for the registered client', async () => {
    const email = await emu.createUser();
    const client = registeredClient();
    const { code, codeVerifier } = await authorizationCode(client, { email });
    const { tokens } = await client.getToken({ code, codeVerifier: codeVerifier! });
    expect(tokens.access_token).toEqual(expect.any(String));
    client.setCredentials(tokens);
    const { credentials } = await client.refreshAccessToken();
    expect(credentials.access_token).toEqual(expect.any(String));
  });

  it('shows an invalid_client error page, without redirecting, for an unknown client', async () => {
    const email = await emu.createUser();
    const res = await fetch(
      authUrl(emu.oauthClient('unknown.apps.googleusercontent.com', 'x', REGISTERED.redirectUri), { email }),
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('invalid_client');
  });

  it('shows a redirect_uri_mismatch error page, without redirecting, for an unregistered redirect URI', async () => {
    const email = await emu.createUser();
    const client = emu.oauthClient(REGISTERED.id, REGISTERED.secret, 'http://127.0.0.1:9/evil/callback');
    const res = await fetch(authUrl(client, { email }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uri_mismatch');
  });

  it('refuses an unknown client or a wrong secret at the token endpoint with 401 invalid_client', async () => {
    const email = await emu.createUser();
    const { code } = await authorizationCode(registeredClient(), { email, pkce: false });
    const base = { grant_type: 'authorization_code', code, redirect_uri: REGISTERED.redirectUri };
    const unknown = await tokenRequest(emu, {
      ...base,
      client_id: 'unknown.apps.googleusercontent.com',
      client_secret: 'x',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const wrongSecret = await tokenRequest(emu, {
      ...base,
      client_id: REGISTERED.id,
      client_secret: 'wrong',
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
  });

  it('refuses a code redeemed with another redirect_uri with redirect_uri_mismatch', async () => {
    const email = await emu.createUser();
    const { code } = await authorizationCode(registeredClient(), { email, pkce: false });
    const res = await tokenRequest(emu, {
      grant_type: 'authorization_code',
      code,
      client_id: REGISTERED.id,
      client_secret: REGISTERED.secret,
      redirect_uri: 'http://127.0.0.1:9/other',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('redirect_uri_mismatch');
  });

  it('refuses a code issued to another client with invalid_grant', async () => {
    const other = {
      id: 'second-app.apps.googleusercontent.com',
      secret: 'second-secret',
      redirectUri: 'http://127.0.0.1:9/second',
    };
    await emu.admin.post('/clients', {
      client_id: other.id,
      client_secret: other.secret,
      redirect_uris: [other.redirectUri],
    });
    const email = await emu.createUser();
    const { code } = await authorizationCode(registeredClient(), { email, pkce: false });
    const thief = emu.oauthClient(other.id, other.secret, REGISTERED.redirectUri);
    const failure = await oauthFailure(thief.getToken({ code }));
    expect(failure.status).toBe(400);
    expect(['invalid_grant', 'redirect_uri_mismatch']).toContain(failure.error);
  });

  it('refuses admin registration without client_id, secret or redirect URIs with 400', async () => {
    const res = await emu.http('POST', '/__admin/clients', { body: { client_id: 'x' } });
    expect(res.status).toBe(400);
  });
});
