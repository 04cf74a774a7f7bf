import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type RawOptions, type TestEmulator } from './support/emulator.js';
import { expectGoogleError, expectRawError } from './support/errors.js';
import { tokenRequest } from './support/oauth.js';

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
});
afterEach(async () => {
  await emu.admin.del('/faults');
});
afterAll(async () => {
  await emu.close();
});

const EVENTS = '/calendar/v3/calendars/primary/events';

function injectOnce(method: string, action: Record<string, unknown>): Promise<unknown> {
  return emu.admin.post('/faults', { match: { method }, count: 1, action });
}

/** The same request answered once for real and once by a fault: both answers must be identical. */
async function expectFaultLikeReal(
  request: { method: string; path: string; options: RawOptions; methodId: string },
  action: Record<string, unknown>,
): Promise<void> {
  const real = await emu.http(request.method, request.path, request.options);
  expect(real.status).toBeGreaterThanOrEqual(400);
  await injectOnce(request.methodId, action);
  const faulted = await emu.http(request.method, request.path, request.options);
  expect(faulted.status).toBe(real.status);
  expect(faulted.body).toEqual(real.body);
  expect(faulted.headers.get('www-authenticate')).toBe(real.headers.get('www-authenticate'));
  expect(faulted.headers.get('content-type')).toBe(real.headers.get('content-type'));
}

describe('error faults answer exactly as the real error', () => {
  it('404 notFound matches a missing event', async () => {
    const get = { method: 'GET', path: `${EVENTS}/doesnotexist01`, methodId: 'calendar.events.get' };
    await expectFaultLikeReal({ ...get, options: { token: user.accessToken } }, { status: 404 });
    await expectFaultLikeReal(
      { ...get, options: { token: user.accessToken } },
      { status: 404, reason: 'notFound' },
    );
  });

  it('400 badRequest with a message matches a body that is not an object', async () => {
    await expectFaultLikeReal(
      {
        method: 'POST',
        path: EVENTS,
        methodId: 'calendar.events.insert',
        options: { token: user.accessToken, rawBody: '[]', headers: { 'content-type': 'application/json' } },
      },
      { status: 400, reason: 'badRequest', message: 'The request body must be a JSON object.' },
    );
  });

  it('410 fullSyncRequired matches an unknown sync token, domain included', async () => {
    await expectFaultLikeReal(
      {
        method: 'GET',
        path: EVENTS,
        methodId: 'calendar.events.list',
        options: { token: user.accessToken, query: { syncToken: 'not-a-token' } },
      },
      { status: 410, reason: 'fullSyncRequired' },
    );
  });

  it('401 matches an unknown access token, WWW-Authenticate header included', async () => {
    await expectFaultLikeReal(
      { method: 'GET', path: EVENTS, methodId: 'calendar.events.list', options: { token: 'ya29.unknown' } },
      { status: 401 },
    );
  });
});

describe('error faults with a chosen status and reason', () => {
  const list = () => user.cal.events.list({ calendarId: 'primary' });

  it('keeps 403 without a reason as usageLimits rateLimitExceeded', async () => {
    await injectOnce('calendar.events.list', { status: 403 });
    const err = await expectGoogleError(list(), 403, 'rateLimitExceeded');
    expect(err.error.errors[0]!.domain).toBe('usageLimits');
    expect((await list()).status).toBe(200);
  });

  it('answers 403 forbidden in the global domain', async () => {
    await injectOnce('calendar.events.list', { status: 403, reason: 'forbidden' });
    const err = await expectGoogleError(list(), 403, 'forbidden');
    expect(err.error).toEqual({
      code: 403,
      message: 'Forbidden',
      errors: [{ domain: 'global', reason: 'forbidden', message: 'Forbidden' }],
      status: 'PERMISSION_DENIED',
    });
  });

  it('puts the per-user quota reasons in the usageLimits domain', async () => {
    await injectOnce('calendar.events.list', { status: 403, reason: 'userRateLimitExceeded' });
    const err = await expectGoogleError(list(), 403, 'userRateLimitExceeded');
    expect(err.error.errors[0]!.domain).toBe('usageLimits');
  });

  it('answers any other status with its reason phrase unless a message is given', async () => {
    await injectOnce('calendar.events.list', { status: 422 });
    const plain = await expectGoogleError(list(), 422, 'badRequest');
    expect(plain.error.message).toBe('Unprocessable Entity');
    await injectOnce('calendar.events.list', { status: 502, reason: 'badGateway', message: 'Upstream down' });
    const custom = await expectGoogleError(list(), 502, 'badGateway');
    expect(custom.error).toEqual({
      code: 502,
      message: 'Upstream down',
      errors: [{ domain: 'global', reason: 'badGateway', message: 'Upstream down' }],
    });
    await injectOnce('calendar.events.list', { status: 504 });
    await expectGoogleError(list(), 504, 'backendError');
  });

  it('uses the reason as the OAuth `error` code on the token endpoint', async () => {
    await injectOnce('oauth.token', {
      status: 400,
      reason: 'invalid_grant',
      message: 'Token has been expired or revoked.',
    });
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
      client_id: user.auth._clientId!,
      client_secret: user.auth._clientSecret!,
    };
    const faulted = await tokenRequest(emu, refresh);
    expect(faulted).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });
    await injectOnce('oauth.token', { status: 403 });
    expect(await tokenRequest(emu, refresh)).toMatchObject({
      status: 403,
      body: { error: 'rate_limit_exceeded' },
    });
    expect((await tokenRequest(emu, refresh)).status).toBe(200);
  });
});

describe('fault validation', () => {
  async function rejected(action: unknown): Promise<string> {
    const res = await emu.http('POST', '/__admin/faults', {
      body: { match: { method: 'calendar.events.list' }, action },
    });
    expect(res.status).toBe(400);
    const body = res.body as { error: { code: number; message: string } };
    expect(body.error.code).toBe(400);
    return body.error.message;
  }

  it.each([200, 302, 399, 499, 600, 1000, 404.5])('rejects status %s', async (status) => {
    expect(await rejected({ status })).toMatch(/^Invalid request: action\.status: /);
    expect(await emu.admin.get('/faults')).toEqual([]);
  });

  it('names the status rule in the message', async () => {
    expect(await rejected({ status: 499 })).toContain(
      'status must be an HTTP error status (400-599) with a standard meaning',
    );
  });

  it.each(['', 'not a reason', '1abc', 'a-b', 'x'.repeat(65), 42])('rejects reason %j', async (reason) => {
    expect(await rejected({ status: 400, reason })).toMatch(/^Invalid request: action\.reason: /);
  });

  it('rejects an empty message and unknown keys', async () => {
    expect(await rejected({ status: 400, message: '' })).toMatch(/^Invalid request: action\.message: /);
    expect(await rejected({ status: 400, domain: 'calendar' })).toMatch(
      /^Invalid request: action: .*"domain"/,
    );
  });

  it('lists an accepted fault with its reason and message', async () => {
    const action = { status: 404, reason: 'notFound', message: 'Gone for the test' };
    const created = (await emu.admin.post('/faults', {
      match: { method: 'calendar.events.get' },
      action,
    })) as { id: string; action: unknown };
    expect(created.action).toEqual(action);
    expect(await emu.admin.get('/faults')).toEqual([expect.objectContaining({ id: created.id, action })]);
    const res = await emu.http('GET', `${EVENTS}/anything01`, { token: user.accessToken });
    expectRawError(res, 404, 'notFound');
    expect((res.body as { error: { message: string } }).error.message).toBe('Gone for the test');
  });
});
