import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { verifierContext } from '../src/modules/connections/connection.types.js';
import { sha256Base64url } from '../src/adapters/security/hashing.js';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import {
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

/** The callback answered an HTML page explaining `reason` with `status`. */
function expectFailurePage(res: LightMyRequestResponse, status: number, reason: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toContain(`<code id="reason">${reason}</code>`);
  expect(res.body).toContain('href="/"');
}

async function expectNothingStored(userId: string): Promise<void> {
  expect(await rawConnectionRow(t, userId)).toBeUndefined();
}

describe('state checks', () => {
  it('refuses a reused state and keeps the first connection as it was', async () => {
    const { userId, email } = freshAccount('reuse');
    const { callbackUrl } = await connectCalendar(t, userId, email);
    const before = await rawConnectionRow(t, userId);
    const replay = await deliverCallback(t, callbackUrl);
    expectFailurePage(replay, 400, 'state_used');
    expect(replay.body).toContain('already used');
    expect(await rawConnectionRow(t, userId)).toEqual(before);
  });

  it('refuses an expired state (older than 10 minutes) and stores nothing', async () => {
    const { userId, email } = freshAccount('late');
    const callbackUrl = await followAutoConsent(await requestAuthUrl(t, userId, { loginHint: email }));
    clock.advance(11 * 60_000);
    const res = await deliverCallback(t, callbackUrl);
    expectFailurePage(res, 400, 'state_expired');
    expect(res.body).toContain('expired');
    await expectNothingStored(userId);
  });

  it('refuses an unknown or missing state', async () => {
    expectFailurePage(
      await t.app.inject({
        method: 'GET',
        url: '/integrations/calendar/callback?code=abc&state=forged-state-value',
      }),
      400,
      'unknown_state',
    );
    expectFailurePage(
      await t.app.inject({ method: 'GET', url: '/integrations/calendar/callback?code=abc' }),
      400,
      'missing_state',
    );
  });
});

describe('consent outcomes', () => {
  it('shows a page for denied consent (error=access_denied) and stores nothing', async () => {
    const { userId, email } = freshAccount('deny');
    await emulatorAdmin(t, 'POST', '/settings', { autoConsent: false });
    try {
      const authUrl = await requestAuthUrl(t, userId, { loginHint: email });
      const fields = new URLSearchParams(authUrl.searchParams);
      fields.set('email', email);
      fields.set('decision', 'deny');
      const denied = await fetch(new URL(authUrl.pathname, authUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
        redirect: 'manual',
      });
      expect(denied.status).toBe(302);
      const callbackUrl = new URL(denied.headers.get('location') ?? '');
      expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
      const res = await deliverCallback(t, callbackUrl);
      expectFailurePage(res, 403, 'access_denied');
      expect(res.body).toContain('not granted');
      await expectNothingStored(userId);
      // The state was spent by the refusal too.
      expectFailurePage(await deliverCallback(t, callbackUrl), 400, 'state_used');
    } finally {
      await emulatorAdmin(t, 'POST', '/settings', { autoConsent: true });
    }
  });

  it('fails the exchange when the PKCE verifier does not match, and stores nothing', async () => {
    const { userId, email } = freshAccount('pkce');
    const callbackUrl = await followAutoConsent(await requestAuthUrl(t, userId, { loginHint: email }));
    const stateHash = sha256Base64url(callbackUrl.searchParams.get('state')!);
    // A well-formed verifier for this very row, just not the one the challenge was made from.
    const wrong = t.ctx.services.tokenCipher.encrypt(
      'a'.repeat(64),
      verifierContext({ tenantId: 'default', userId }, stateHash),
    );
    await t.ctx.database.executeSql('UPDATE oauth_states SET code_verifier_enc = $1 WHERE state_hash = $2', [
      wrong,
      stateHash,
    ]);
    const res = await deliverCallback(t, callbackUrl);
    expectFailurePage(res, 400, 'invalid_grant');
    expect(res.body).toContain('PKCE');
    await expectNothingStored(userId);
  });

  it('reports a grant without calendar.events instead of storing it', async () => {
    const { userId, email } = freshAccount('scope');
    const authUrl = await requestAuthUrl(t, userId, { loginHint: email });
    authUrl.searchParams.set('scope', 'https://www.googleapis.com/auth/calendar.readonly');
    const res = await deliverCallback(t, await followAutoConsent(authUrl));
    expectFailurePage(res, 403, 'missing_scope');
    expect(res.body).toContain('calendar.events');
    const status = await getStatus(t, userId);
    expect(status).toMatchObject({ connected: false, status: 'disconnected', google_email: null });
    expect(status.last_error).toContain('https://www.googleapis.com/auth/calendar.events');
    const row = await rawConnectionRow(t, userId);
    expect(row).toMatchObject({ access_token_enc: null, refresh_token_enc: null });
  });

  it('reports a grant without a refresh token and keeps the existing connection', async () => {
    const { userId, email } = freshAccount('offline');
    await connectCalendar(t, userId, email);
    const before = await rawConnectionRow(t, userId);
    // Without prompt=consent Google issues no new refresh token for an existing grant.
    const authUrl = await requestAuthUrl(t, userId, { loginHint: email });
    authUrl.searchParams.delete('prompt');
    const res = await deliverCallback(t, await followAutoConsent(authUrl));
    expectFailurePage(res, 400, 'missing_refresh_token');
    const after = await rawConnectionRow(t, userId);
    expect(after).toMatchObject({
      id: before!.id,
      status: 'active',
      access_token_enc: before!.access_token_enc,
      refresh_token_enc: before!.refresh_token_enc,
    });
    expect(String(after!.last_error)).toContain('no refresh token');
  });

  it('answers a page, not a stack trace, when Google is unreachable during the exchange', async () => {
    const { userId, email } = freshAccount('down');
    const callbackUrl = await followAutoConsent(await requestAuthUrl(t, userId, { loginHint: email }));
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'oauth.token' },
      count: 10,
      action: { status: 503 },
    });
    try {
      const res = await deliverCallback(t, callbackUrl);
      expectFailurePage(res, 502, 'google_unavailable');
      await expectNothingStored(userId);
    } finally {
      await emulatorAdmin(t, 'DELETE', '/faults');
    }
  });
});
