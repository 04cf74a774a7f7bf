import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { tokenContext, type ConnectionRef } from '../src/modules/connections/connection.types.js';
import {
  ConnectionRepository,
  createConnectionServices,
  TokenProvider,
} from '../src/modules/connections/index.js';
import { GoogleOAuth } from '../src/adapters/google/oauth.js';
import { TokenRevokedError } from '../src/adapters/google/errors.js';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import {
  calendarAccepts,
  connectCalendar,
  emulatorAdmin,
  freshAccount,
  getStatus,
  rawConnectionRow,
  tokenRequests,
} from './support/oauth-flow.js';

let t: TestApp;
const clock = new ManualClock();

// No job workers: the initial syncs they would run make token requests of their own, and these
// tests count token requests exactly.
useTestApp({ clock, workers: false }, (app) => {
  t = app;
});

async function connected(name: string): Promise<ConnectionRef & { email: string }> {
  const { userId, email } = freshAccount(name);
  await connectCalendar(t, userId, email);
  const status = await getStatus(t, userId);
  return { id: status.connection_id!, tenantId: 'default', userId, email };
}

/** Moves both clocks: Google's (the emulator's token expiry) and the service's. */
async function advanceBoth(ms: number): Promise<void> {
  await emulatorAdmin(t, 'POST', '/clock', { advanceMs: ms });
  clock.advance(ms);
}

function storedAccessToken(row: Record<string, unknown> | undefined, ref: ConnectionRef): string {
  return t.ctx.services.tokenCipher.decrypt(String(row!.access_token_enc), tokenContext(ref));
}

describe('token refresh', () => {
  it('keeps using a token far from expiry, without calling Google', async () => {
    const ref = await connected('steady');
    const before = await tokenRequests(t);
    const token = await t.ctx.services.tokens.getAccessToken(ref);
    expect(await t.ctx.services.tokens.getAccessToken(ref)).toBe(token);
    expect(await tokenRequests(t)).toBe(before);
  });

  it('refreshes an expired token before a call and persists the new one encrypted', async () => {
    const ref = await connected('expiry');
    const oldToken = await t.ctx.services.tokens.getAccessToken(ref);
    await advanceBoth(61 * 60_000);
    expect(await calendarAccepts(t, oldToken)).toBe(401);

    const before = await tokenRequests(t);
    const list = await t.ctx.services.google.calendarFor(ref).calendarList.list();
    expect(list.data.items?.some((c) => c.primary === true && c.id === ref.email)).toBe(true);
    expect(await tokenRequests(t)).toBe(before + 1);

    const row = await rawConnectionRow(t, ref.userId);
    const newToken = storedAccessToken(row, ref);
    expect(newToken).not.toBe(oldToken);
    expect(JSON.stringify(row)).not.toContain(newToken);
    expect((row!.token_expires_at as Date).getTime()).toBeGreaterThan(clock.now().getTime() + 55 * 60_000);
    expect(row!.refresh_lease_until).toBeNull();
    expect(await calendarAccepts(t, newToken)).toBe(200);

    const metrics = (await t.ctx.metrics.render()).body;
    expect(metrics).toMatch(
      /google_api_calls_total\{method="calendar\.calendarList\.list",outcome="ok"\} [1-9]/,
    );
    expect(metrics).toMatch(/google_api_calls_total\{method="oauth\.token",outcome="ok"\} [1-9]/);
  });

  it('refreshes within 5 minutes of expiry', async () => {
    const ref = await connected('margin');
    const oldToken = await t.ctx.services.tokens.getAccessToken(ref);
    await advanceBoth(56 * 60_000); // about 4 minutes left of 3599 s
    const newToken = await t.ctx.services.tokens.getAccessToken(ref);
    expect(newToken).not.toBe(oldToken);
  });

  it('refreshes once and retries when Google answers 401 to a token we thought valid', async () => {
    const ref = await connected('unauth');
    await t.ctx.services.google.calendarFor(ref).calendarList.list(); // warm: token known good
    await emulatorAdmin(t, 'POST', '/clock', { advanceMs: 61 * 60_000 }); // only Google's clock moves
    const before = await tokenRequests(t);
    const list = await t.ctx.services.google.calendarFor(ref).calendarList.list();
    expect(list.status).toBe(200);
    expect(await tokenRequests(t)).toBe(before + 1);
    clock.advance(61 * 60_000);
  });

  it('two workers refreshing at once spend the refresh token exactly once', async () => {
    const ref = await connected('race');
    // A second "worker process": its own token provider and clients over the same database.
    const worker2 = createConnectionServices({
      config: t.ctx.config,
      db: t.ctx.db,
      queue: t.ctx.queue,
      clock,
      logger: t.ctx.logger,
      users: t.ctx.services.users,
      tokenCipher: t.ctx.services.tokenCipher,
      metrics: t.ctx.metrics,
      meetings: t.ctx.services.activities,
    });
    await advanceBoth(61 * 60_000);
    const before = await tokenRequests(t);
    const tokens = await Promise.all([
      t.ctx.services.tokens.getAccessToken(ref),
      worker2.tokens.getAccessToken(ref),
      t.ctx.services.tokens.getAccessToken(ref),
      worker2.tokens.getAccessToken(ref),
      worker2.google
        .calendarFor(ref)
        .calendarList.list()
        .then(() => worker2.tokens.getAccessToken(ref)),
    ]);
    expect(await tokenRequests(t)).toBe(before + 1);
    expect(new Set(tokens).size).toBe(1);
    expect(storedAccessToken(await rawConnectionRow(t, ref.userId), ref)).toBe(tokens[0]);
  });
});

describe('revoked refresh token', () => {
  it('turns into reauth_required, pauses the connection, and a reconnect resumes it with the same id', async () => {
    const ref = await connected('revoked');
    await emulatorAdmin(t, 'POST', `/users/${encodeURIComponent(ref.email)}/revoke`);
    await advanceBoth(61 * 60_000);

    await expect(t.ctx.services.tokens.getAccessToken(ref)).rejects.toBeInstanceOf(TokenRevokedError);
    expect(await t.ctx.services.connections.isActive(ref)).toBe(false);
    const status = await getStatus(t, ref.userId);
    expect(status).toMatchObject({ connected: false, status: 'reauth_required', google_email: ref.email });
    expect(status.last_error).toMatch(/reconnect/i);
    // Calls fail fast with the domain error; Google is not asked again.
    const before = await tokenRequests(t);
    await expect(t.ctx.services.google.calendarFor(ref).calendarList.list()).rejects.toBeInstanceOf(
      TokenRevokedError,
    );
    expect(await tokenRequests(t)).toBe(before);
    const row = await rawConnectionRow(t, ref.userId);
    expect(row).toMatchObject({ access_token_enc: null, refresh_token_enc: null });

    await connectCalendar(t, ref.userId, ref.email);
    const after = await getStatus(t, ref.userId);
    expect(after).toMatchObject({
      connected: true,
      status: 'active',
      connection_id: ref.id,
      last_error: null,
    });
    expect(await t.ctx.services.connections.isActive(ref)).toBe(true);
    const list = await t.ctx.services.google.calendarFor(ref).calendarList.list();
    expect(list.status).toBe(200);
  });
});

describe('a refresh Google refuses after the user reconnected', () => {
  it('leaves the new connection active with its new tokens, and the caller gets the new token', async () => {
    const ref = await connected('reconnected-mid-refresh');
    await emulatorAdmin(t, 'POST', `/users/${encodeURIComponent(ref.email)}/revoke`);
    await advanceBoth(61 * 60_000);

    // A worker whose refresh is held until the user has connected again: it spends the old,
    // revoked refresh token, and Google refuses it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let spending!: () => void;
    const spent = new Promise<void>((resolve) => (spending = resolve));
    const oauth = new GoogleOAuth(t.ctx.config.google, clock, () => undefined);
    const gated = Object.create(oauth) as GoogleOAuth;
    gated.refresh = async (refreshToken) => {
      spending();
      await held;
      return oauth.refresh(refreshToken);
    };
    const worker = new TokenProvider(
      new ConnectionRepository(t.ctx.db),
      t.ctx.services.tokenCipher,
      gated,
      clock,
      t.ctx.logger,
    );
    const refused = worker.getAccessToken(ref);
    await spent;
    await connectCalendar(t, ref.userId, ref.email);
    const fresh = storedAccessToken(await rawConnectionRow(t, ref.userId), ref);
    release();

    // The refused token was the old one: the caller gets the token of the reconnect.
    await expect(refused).resolves.toBe(fresh);
    expect(await getStatus(t, ref.userId)).toMatchObject({
      connected: true,
      status: 'active',
      last_error: null,
    });
    const row = await rawConnectionRow(t, ref.userId);
    expect(storedAccessToken(row, ref)).toBe(fresh);
    expect(row?.refresh_token_enc).not.toBeNull();
    expect((await t.ctx.services.google.calendarFor(ref).calendarList.list()).status).toBe(200);
  });
});
