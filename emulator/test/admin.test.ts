import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setup, uniqueEmail, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { timedEvent } from './support/events.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(async () => {
  await emu.close();
});

describe('users and tokens', () => {
  it('creates a user (201), refuses a duplicate (409) and lists users', async () => {
    const email = uniqueEmail('admin');
    const created = await emu.http('POST', '/__admin/users', { body: { email, timeZone: 'Asia/Tokyo' } });
    expect(created.status).toBe(201);
    const duplicate = await emu.http('POST', '/__admin/users', { body: { email } });
    expect(duplicate.status).toBe(409);
    const users = (await emu.admin.get('/users')) as
      Array<{ email: string }> | { users: Array<{ email: string }> };
    const list = Array.isArray(users) ? users : users.users;
    expect(list.map((u) => u.email)).toContain(email);
  });

  it('refuses a user without a valid email with 400', async () => {
    expect((await emu.http('POST', '/__admin/users', { body: { email: 'not-an-email' } })).status).toBe(400);
    expect((await emu.http('POST', '/__admin/users', { body: {} })).status).toBe(400);
    expect(
      (
        await emu.http('POST', '/__admin/users', {
          rawBody: '{nope',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
  });

  it('mints tokens with expires_in 3599 and refuses them for unknown users', async () => {
    const email = await emu.createUser();
    const tokens = await emu.admin.post('/tokens', {
      email,
      scopes: ['https://www.googleapis.com/auth/calendar'],
    });
    expect(tokens).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3599,
    });
    const unknown = await emu.http('POST', '/__admin/tokens', {
      body: { email: 'ghost@example.com', scopes: [] },
    });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
  });

  it('revokes every token of a user', async () => {
    const user = await emu.newUser();
    const second = await emu.connect(user.email);
    // Admin-minted refresh tokens work with any client until clients are registered.
    const refreshed = await user.auth.refreshAccessToken();
    expect(refreshed.credentials.access_token).toEqual(expect.any(String));
    await emu.admin.post(`/users/${encodeURIComponent(user.email)}/revoke`);
    await expectGoogleError(user.cal.events.list({ calendarId: 'primary' }), 401, 'authError');
    await expectGoogleError(second.cal.events.list({ calendarId: 'primary' }), 401, 'authError');
    const refresh = await user.auth.refreshAccessToken().then(
      () => undefined,
      (err: { response?: { status: number; data: unknown } }) => err.response,
    );
    expect(refresh?.status).toBe(400);
    expect(refresh?.data).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('clock', () => {
  // The emulator's clock runs with the process's time; freezing Date makes every reading exact.
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads, advances and sets the clock', async () => {
    type ClockView = { now: string; offsetMs: number };
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2031-03-01T09:00:00Z') });
    const read = (await emu.admin.get('/clock')) as ClockView;
    const before = new Date(read.now).getTime();
    expect(Number.isFinite(before)).toBe(true);
    const advanced = (await emu.admin.post('/clock', { advanceMs: 90_000 })) as ClockView;
    expect(advanced.offsetMs - read.offsetMs).toBe(90_000);
    expect(new Date(advanced.now).getTime() - before).toBe(90_000);
    const target = new Date(before + 10 * 86_400_000).toISOString();
    await emu.admin.post('/clock', { now: target });
    vi.setSystemTime(new Date('2031-03-01T09:00:05Z'));
    const now = new Date(((await emu.admin.get('/clock')) as ClockView).now).getTime();
    // A set clock keeps running with real time from the target.
    expect(now - Date.parse(target)).toBe(5_000);
  });

  it('stamps created/updated with the emulator clock', async () => {
    const user = await emu.newUser();
    const target = '2035-01-01T00:00:00.000Z';
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2031-03-01T09:00:00Z') });
    await emu.admin.post('/clock', { now: target });
    const fresh = await emu.connect(user.email);
    const { data } = await fresh.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2035-02-01T10:00:00Z'),
    });
    expect(data.created).toBe(target);
    expect(data.updated).toBe(target);
  });

  it('refuses a malformed clock request with 400', async () => {
    expect((await emu.http('POST', '/__admin/clock', { body: { advanceMs: 'soon' } })).status).toBe(400);
    expect((await emu.http('POST', '/__admin/clock', { body: { now: 'not a date' } })).status).toBe(400);
  });
});

describe('request counting', () => {
  it('counts Calendar API calls per discovery method since the last reset, not admin calls', async () => {
    const user = await emu.newUser();
    await emu.admin.post('/requests/reset');
    for (let i = 0; i < 3; i += 1) await user.cal.events.list({ calendarId: 'primary' });
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-08-01T10:00:00Z') });
    await user.cal.calendarList.list();
    await emu.admin.get('/users');
    const counts = (await emu.admin.get('/requests')) as { total: number; byMethod: Record<string, number> };
    expect(counts.byMethod).toEqual({
      'calendar.events.list': 3,
      'calendar.events.insert': 1,
      'calendar.calendarList.list': 1,
    });
    expect(counts.total).toBe(5);
    await emu.admin.post('/requests/reset');
    expect(((await emu.admin.get('/requests')) as { total: number }).total).toBe(0);
  });
});

describe('reset and snapshots', () => {
  it('forgets everything on POST /__admin/reset', async () => {
    const user = await emu.newUser();
    await emu.admin.post('/reset');
    const users = (await emu.admin.get('/users')) as unknown[] | { users: unknown[] };
    expect(Array.isArray(users) ? users : users.users).toEqual([]);
    await expectGoogleError(user.cal.events.list({ calendarId: 'primary' }), 401, 'authError');
    // The email is free again.
    expect((await emu.http('POST', '/__admin/users', { body: { email: user.email } })).status).toBe(201);
  });

  it('restores users and events from a snapshot file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-snapshot-'));
    try {
      const snapshotFile = join(dir, 'state.json');
      const first = await setup({ snapshotFile });
      const user = await first.newUser();
      const { data } = await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2031-09-01T10:00:00Z', 60, { summary: 'persisted' }),
      });
      await first.close();

      const second = await setup({ snapshotFile });
      try {
        const again = await second.connect(user.email);
        const got = await again.cal.events.get({ calendarId: 'primary', eventId: data.id! });
        expect(got.data.summary).toBe('persisted');
        expect(got.data.etag).toBe(data.etag);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
