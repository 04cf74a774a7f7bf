import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError, expectRawError } from './support/errors.js';

/**
 * Error bodies as Google sends them (https://developers.google.com/workspace/calendar/api/guides/errors):
 * `code`, `message`, the canonical `status`, and `errors[]` with domain, reason, message and, where
 * Google gives them, locationType and location; `Retry-After` on bursts and where a fault asks.
 */

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
});
afterAll(() => emu.close());

const fault = (method: string, action: Record<string, unknown>) =>
  emu.admin.post('/faults', { match: { method }, count: 1, action });

describe('the error envelope', () => {
  it('carries the canonical status of the HTTP code', async () => {
    const notFound = await expectGoogleError(
      user.cal.events.get({ calendarId: 'primary', eventId: 'nosuchevent1' }),
      404,
      'notFound',
    );
    expect(notFound.error).toEqual({
      code: 404,
      message: 'Not Found',
      errors: [{ domain: 'global', reason: 'notFound', message: 'Not Found' }],
      status: 'NOT_FOUND',
    });
    const unauthenticated = await emu.http('GET', '/calendar/v3/users/me/calendarList', {
      token: 'ya29.nope',
    });
    expect(expectRawError(unauthenticated, 401, 'authError').error.status).toBe('UNAUTHENTICATED');
    const stranger = await emu.newUser();
    const { data: theirs } = await stranger.cal.calendars.insert({ requestBody: { summary: 'Theirs' } });
    await stranger.cal.acl.insert({
      calendarId: theirs.id!,
      requestBody: { role: 'freeBusyReader', scope: { type: 'user', value: user.email } },
    });
    const forbidden = await expectGoogleError(
      user.cal.events.list({ calendarId: theirs.id! }),
      403,
      'forbidden',
    );
    expect(forbidden.error.status).toBe('PERMISSION_DENIED');
    const { data: event } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Stale', start: { date: '2031-06-01' }, end: { date: '2031-06-02' } },
    });
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: event.id!,
      requestBody: { summary: 'New' },
    });
    const stale = await expectGoogleError(
      user.cal.events.patch(
        { calendarId: 'primary', eventId: event.id!, requestBody: { summary: 'Old' } },
        { headers: { 'If-Match': event.etag! } },
      ),
      412,
      'conditionNotMet',
    );
    expect(stale.error).toMatchObject({
      status: 'FAILED_PRECONDITION',
      errors: [{ locationType: 'header', location: 'If-Match' }],
    });
    const duplicate = await expectGoogleError(
      user.cal.events.insert({
        calendarId: 'primary',
        requestBody: { id: event.id!, start: { date: '2031-06-01' }, end: { date: '2031-06-02' } },
      }),
      409,
      'duplicate',
    );
    expect(duplicate.error.status).toBe('ALREADY_EXISTS');
  });

  it('names the parameter of a 400 invalidParameter, and of a 410 fullSyncRequired', async () => {
    const bad = await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', maxResults: 'many' as unknown as number }),
      400,
      'invalidParameter',
    );
    expect(bad.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      errors: [{ domain: 'global', locationType: 'parameter', location: 'maxResults' }],
    });
    const gone = await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', syncToken: 'not-a-sync-token' }),
      410,
      'fullSyncRequired',
    );
    // As in Google's guide: domain calendar, the syncToken parameter; 410 has no canonical status.
    expect(gone.error).toEqual({
      code: 410,
      message: 'Sync token is no longer valid, a full sync is required.',
      errors: [
        {
          domain: 'calendar',
          reason: 'fullSyncRequired',
          message: 'Sync token is no longer valid, a full sync is required.',
          locationType: 'parameter',
          location: 'syncToken',
        },
      ],
    });
  });

  it("answers the quota reasons with Google's messages in the usageLimits domain", async () => {
    for (const [reason, message] of [
      ['rateLimitExceeded', 'Rate Limit Exceeded'],
      ['userRateLimitExceeded', 'User Rate Limit Exceeded'],
      ['quotaExceeded', 'Calendar usage limits exceeded.'],
    ] as const) {
      await fault('calendar.events.list', { status: 403, reason });
      const err = await expectGoogleError(user.cal.events.list({ calendarId: 'primary' }), 403, reason);
      expect(err.error).toEqual({
        code: 403,
        message,
        errors: [{ domain: 'usageLimits', reason, message }],
        status: 'PERMISSION_DENIED',
      });
    }
  });
});

describe('rate limits', () => {
  it('answers a burst with 429 rateLimitExceeded and Retry-After, and lets the user in again', async () => {
    const bursty = await emu.newUser();
    const bystander = await emu.newUser();
    await emu.admin.post('/settings', { burstLimitPerSecond: 3 });
    await emu.admin.post('/clock', { fixed: true });
    try {
      const list = (u: Connected) =>
        emu.http('GET', '/calendar/v3/calendars/primary/events', { token: u.accessToken });
      for (let i = 0; i < 3; i += 1) expect((await list(bursty)).status).toBe(200);
      const refused = await list(bursty);
      const body = expectRawError(refused, 429, 'rateLimitExceeded');
      expect(body.error).toMatchObject({
        status: 'RESOURCE_EXHAUSTED',
        errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
      });
      expect(refused.headers.get('retry-after')).toBe('1');
      // Other users are not held back; a second later on the emulator clock the user is let in.
      expect((await list(bystander)).status).toBe(200);
      await emu.admin.post('/clock', { advanceMs: 1000 });
      expect((await list(bursty)).status).toBe(200);
    } finally {
      await emu.admin.post('/settings', { burstLimitPerSecond: 0 });
      await emu.admin.post('/clock', { release: true });
    }
  });

  it('sends Retry-After with an error fault that asks for it', async () => {
    await fault('calendar.events.list', { status: 429, retryAfterSeconds: 120 });
    const res = await emu.http('GET', '/calendar/v3/calendars/primary/events', { token: user.accessToken });
    expectRawError(res, 429, 'rateLimitExceeded');
    expect(res.headers.get('retry-after')).toBe('120');
    await fault('calendar.events.list', { status: 503, retryAfterSeconds: 5 });
    const unavailable = await emu.http('GET', '/calendar/v3/calendars/primary/events', {
      token: user.accessToken,
    });
    expect(expectRawError(unavailable, 503, 'backendError').error.status).toBe('UNAVAILABLE');
    expect(unavailable.headers.get('retry-after')).toBe('5');
    // Without one, no header.
    await fault('calendar.events.list', { status: 429 });
    const plain = await emu.http('GET', '/calendar/v3/calendars/primary/events', { token: user.accessToken });
    expect(plain.headers.get('retry-after')).toBeNull();
  });
});

describe('events.list parameter rules', () => {
  it('refuses showDeleted=false together with a sync token', async () => {
    const { data } = await user.cal.events.list({ calendarId: 'primary' });
    const err = await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', syncToken: data.nextSyncToken!, showDeleted: false }),
      400,
      'invalid',
    );
    expect(err.error.errors[0]).toMatchObject({ locationType: 'parameter', location: 'showDeleted' });
    const ok = await user.cal.events.list({
      calendarId: 'primary',
      syncToken: data.nextSyncToken!,
      showDeleted: true,
    });
    expect(ok.status).toBe(200);
  });
});
