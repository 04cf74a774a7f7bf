import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALENDAR_READONLY_SCOPE, setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError, expectRawError } from './support/errors.js';
import { advanceClock, timedEvent } from './support/events.js';

const EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

let emu: TestEmulator;
let owner: Connected;

beforeAll(async () => {
  emu = await setup();
  owner = await emu.newUser();
});
afterAll(async () => {
  await emu.close();
});

describe('bearer tokens', () => {
  it('answers a request without credentials with 401 required (Login Required)', async () => {
    const res = await emu.http('GET', '/calendar/v3/calendars/primary/events');
    const err = expectRawError(res, 401, 'required');
    expect(err.error.errors[0]).toMatchObject({
      domain: 'global',
      location: 'Authorization',
      locationType: 'header',
    });
  });

  it('answers an unknown token with 401 authError (Invalid Credentials)', async () => {
    const res = await emu.http('GET', '/calendar/v3/calendars/primary/events', {
      token: 'ya29.not-a-real-token',
    });
    const err = expectRawError(res, 401, 'authError');
    expect(err.error.errors[0]).toEqual({
      domain: 'global',
      reason: 'authError',
      message: 'Invalid Credentials',
      locationType: 'header',
      location: 'Authorization',
    });
  });

  it('answers a malformed Authorization header with 401', async () => {
    const res = await emu.http('GET', '/calendar/v3/users/me/calendarList', {
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expect(res.status).toBe(401);
  });

  it('accepts the token as the access_token query parameter', async () => {
    const res = await emu.http('GET', '/calendar/v3/users/me/calendarList', {
      query: { access_token: owner.accessToken },
    });
    expect(res.status).toBe(200);
  });

  it('accepts the token through the official client', async () => {
    const { data } = await owner.cal.calendarList.list();
    expect(data.items?.some((c) => c.id === owner.email)).toBe(true);
  });
});

describe('scopes', () => {
  let readonly: Connected;
  let eventId: string;
  beforeAll(async () => {
    readonly = await emu.connect(owner.email, [CALENDAR_READONLY_SCOPE]);
    eventId = (
      await owner.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2031-04-01T10:00:00Z'),
      })
    ).data.id!;
  });

  it('lets a calendar.readonly token read', async () => {
    const { data } = await readonly.cal.events.list({ calendarId: 'primary' });
    expect(data.items?.map((e) => e.id)).toContain(eventId);
    expect((await readonly.cal.events.get({ calendarId: 'primary', eventId })).data.id).toBe(eventId);
    expect((await readonly.cal.calendarList.list()).data.items?.length).toBeGreaterThan(0);
  });

  it('refuses every write with a calendar.readonly token: 403 insufficientPermissions', async () => {
    const calls = [
      readonly.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-04-02T10:00:00Z') }),
      readonly.cal.events.patch({ calendarId: 'primary', eventId, requestBody: { summary: 'x' } }),
      readonly.cal.events.update({
        calendarId: 'primary',
        eventId,
        requestBody: timedEvent('2031-04-02T10:00:00Z'),
      }),
      readonly.cal.events.delete({ calendarId: 'primary', eventId }),
      readonly.cal.calendars.insert({ requestBody: { summary: 'nope' } }),
    ];
    for (const call of calls) {
      const err = await expectGoogleError(call, 403, 'insufficientPermissions');
      expect(err.error.message).toBe('Request had insufficient authentication scopes.');
    }
    expect((await owner.cal.events.get({ calendarId: 'primary', eventId })).data.status).toBe('confirmed');
  });

  it('lets a calendar.events token write events but not create calendars', async () => {
    const events = await emu.connect(owner.email, [EVENTS_SCOPE]);
    const { data } = await events.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2031-04-03T10:00:00Z'),
    });
    expect(data.id).toEqual(expect.any(String));
    await expectGoogleError(
      events.cal.calendars.insert({ requestBody: { summary: 'nope' } }),
      403,
      'insufficientPermissions',
    );
  });

  it('refuses a token without any calendar scope', async () => {
    const profileOnly = await emu.connect(owner.email, ['openid', 'email']);
    await expectGoogleError(
      profileOnly.cal.events.list({ calendarId: 'primary' }),
      403,
      'insufficientPermissions',
    );
  });
});

describe('token lifetime', () => {
  it('rejects an access token after its 3599 s lifetime on the emulator clock', async () => {
    const user = await emu.newUser();
    await user.cal.events.list({ calendarId: 'primary' });
    await advanceClock(emu, 3_600_000);
    await expectGoogleError(user.cal.events.list({ calendarId: 'primary' }), 401, 'authError');
    // A new token for the same user works again.
    const again = await emu.connect(user.email);
    expect((await again.cal.events.list({ calendarId: 'primary' })).status).toBe(200);
  });
});
