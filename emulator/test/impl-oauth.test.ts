import { CodeChallengeMethod } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.js';
import { adminCall, calendarFor, oauthClient } from './impl-helpers.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoConsent: true });
});
afterAll(async () => {
  await emu.close();
});

describe('OAuth 2.0 with google-auth-library', () => {
  it('runs the code flow with PKCE, then refresh, tokeninfo, userinfo and revoke', async () => {
    await adminCall(emu, 'POST', '/users', { email: 'oauth@example.com' });
    const client = oauthClient(emu);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const authUrl = client.generateAuthUrl({
      access_type: 'offline',
      scope: ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events'],
      state: 'st-1',
      login_hint: 'oauth@example.com',
      code_challenge: codeChallenge!,
      code_challenge_method: CodeChallengeMethod.S256,
    });
    const redirect = await fetch(authUrl, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st-1');

    const { tokens } = await client.getToken({ code: back.searchParams.get('code')!, codeVerifier });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope?.split(' ')).toContain('https://www.googleapis.com/auth/calendar.events');
    client.setCredentials(tokens);

    const info = await client.getTokenInfo(tokens.access_token!);
    expect(info.email).toBe('oauth@example.com');
    expect(info.scopes).toContain('https://www.googleapis.com/auth/calendar.events');

    const me = await fetch(`${emu.url}/oauth2/v2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toMatchObject({ email: 'oauth@example.com', verified_email: true });

    const refreshed = await client.refreshAccessToken();
    expect(refreshed.credentials.access_token).not.toBe(tokens.access_token);
    const cal = calendarFor(emu, client);
    expect((await cal.events.list({ calendarId: 'primary' })).status).toBe(200);

    await client.revokeToken(tokens.refresh_token!);
    const denied = await cal.events
      .list({ calendarId: 'primary' })
      .catch((err: { response?: { status: number } }) => err.response);
    expect(denied?.status).toBe(401);
  });

  it('binds a code to its redirect URI and makes it single-use', async () => {
    const client = oauthClient(emu);
    const url = client.generateAuthUrl({
      scope: 'https://www.googleapis.com/auth/calendar',
      login_hint: 'fresh@example.com',
    });
    const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    const code = location.searchParams.get('code')!;
    const other = oauthClient(emu, 'impl-client', 'http://127.0.0.1:9/other');
    await expect(other.getToken(code)).rejects.toMatchObject({
      response: { status: 400, data: { error: 'redirect_uri_mismatch' } },
    });
    await client.getToken(code);
    await expect(client.getToken(code)).rejects.toMatchObject({
      response: { status: 400, data: { error: 'invalid_grant' } },
    });
  });
});
