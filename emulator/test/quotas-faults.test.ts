import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { waitFor } from '../../test/support/wait-for.js';
import { listAll, timedEvent } from './support/events.js';

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
});
afterEach(async () => {
  await emu.admin.del('/faults');
  await emu.admin.post('/settings', { rateLimitPerMinute: 600 });
});
afterAll(async () => {
  await emu.close();
});

const list = (u: Connected = user) => u.cal.events.list({ calendarId: 'primary' });

describe('per-user rate limit', () => {
  it('answers 403 rateLimitExceeded once a user exceeds the limit, other users unaffected', async () => {
    const limited = await emu.newUser();
    const bystander = await emu.newUser();
    await emu.admin.post('/settings', { rateLimitPerMinute: 5 });
    for (let i = 0; i < 5; i += 1) await list(limited);
    const err = await expectGoogleError(list(limited), 403, 'rateLimitExceeded');
    expect(err.error.errors[0]!.domain).toBe('usageLimits');
    expect((await list(bystander)).status).toBe(200);
    await emu.admin.post('/settings', { rateLimitPerMinute: 600 });
    expect((await list(limited)).status).toBe(200);
  });
});

describe('per-user rate limit window', () => {
  it('slides: requests are allowed again a minute later on the emulator clock', async () => {
    const limited = await emu.newUser();
    await emu.admin.post('/settings', { rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) await list(limited);
    await expectGoogleError(list(limited), 403, 'rateLimitExceeded');
    await emu.admin.post('/clock', { advanceMs: 61_000 });
    expect((await list(limited)).status).toBe(200);
  });
});

describe('request faults', () => {
  it.each([
    [429, 'rateLimitExceeded'],
    [403, 'rateLimitExceeded'],
    [500, 'backendError'],
    [503, undefined],
  ] as const)('answers the next matching request with %i', async (status, reason) => {
    await emu.admin.post('/faults', {
      match: { method: 'calendar.events.list' },
      count: 1,
      action: { status },
    });
    await expectGoogleError(list(), status, reason);
    expect((await list()).status).toBe(200);
  });

  it('applies to N requests and only to matching ones', async () => {
    await emu.admin.post('/faults', {
      match: { method: 'calendar.events.insert' },
      count: 2,
      action: { status: 500 },
    });
    expect((await list()).status).toBe(200);
    const body = timedEvent('2031-07-01T10:00:00Z');
    await expectGoogleError(
      user.cal.events.insert({ calendarId: 'primary', requestBody: body }),
      500,
      'backendError',
    );
    await expectGoogleError(
      user.cal.events.insert({ calendarId: 'primary', requestBody: body }),
      500,
      'backendError',
    );
    expect((await user.cal.events.insert({ calendarId: 'primary', requestBody: body })).status).toBe(200);
  });

  it('matches by HTTP method and path', async () => {
    await emu.admin.post('/faults', {
      match: { httpMethod: 'GET', path: '/calendar/v3/users/me/calendarList' },
      count: 1,
      action: { status: 503 },
    });
    expect((await list()).status).toBe(200);
    await expectGoogleError(user.cal.calendarList.list(), 503);
    expect((await user.cal.calendarList.list()).status).toBe(200);
  });

  it('forgets pending faults on DELETE /__admin/faults', async () => {
    await emu.admin.post('/faults', {
      match: { method: 'calendar.events.list' },
      count: 5,
      action: { status: 500 },
    });
    await emu.admin.del('/faults');
    expect((await list()).status).toBe(200);
  });

  it('hangs a request for the given time, then answers it normally', async () => {
    const hangMs = 1_500;
    await emu.admin.post('/faults', {
      match: { method: 'calendar.events.list' },
      count: 1,
      action: { hangMs },
    });
    let hungAnswered = false;
    const hung = emu
      .http('GET', '/calendar/v3/calendars/primary/events', { token: user.accessToken })
      .finally(() => (hungAnswered = true));
    await waitFor(
      'the request to take the fault',
      async () => ((await emu.admin.get('/faults')) as unknown[]).length === 0,
    );
    // Only the matching request hangs: the next one is answered while the first still waits.
    expect((await list()).status).toBe(200);
    expect(hungAnswered).toBe(false);
    expect((await hung).status).toBe(200);
  });

  it('lets a client time out on a hung request while the server keeps answering others', async () => {
    await emu.admin.post('/faults', {
      match: { method: 'calendar.events.list' },
      count: 1,
      action: { hangMs: 2_000 },
    });
    let failure: unknown;
    try {
      await user.cal.events.list({ calendarId: 'primary' }, { timeout: 200 });
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeDefined();
    expect((await user.cal.calendarList.list()).status).toBe(200);
  });

  it('applies a change, then drops the connection; the retried insert is a 409 and one event exists', async () => {
    await emu.admin.post('/faults', {
      match: { method: 'calendar.events.insert' },
      count: 1,
      action: { applyThenDrop: true },
    });
    const body = timedEvent('2031-07-02T10:00:00Z', 60, { id: 'idempotent0001' });
    let failure: unknown;
    try {
      await user.cal.events.insert({ calendarId: 'primary', requestBody: body });
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeDefined();
    expect((failure as { response?: unknown }).response).toBeUndefined();
    await expectGoogleError(
      user.cal.events.insert({ calendarId: 'primary', requestBody: body }),
      409,
      'duplicate',
    );
    const all = await listAll(user.cal, { calendarId: 'primary', showDeleted: true });
    expect(all.items.filter((e) => e.id === 'idempotent0001')).toHaveLength(1);
  });

  it("lets the official client's own retry recover from a transient 503", async () => {
    const retrying = await emu.connect(user.email, undefined, { retry: true });
    await emu.admin.post('/requests/reset');
    await emu.admin.post('/faults', {
      match: { method: 'calendar.events.list' },
      count: 1,
      action: { status: 503 },
    });
    const res = await retrying.cal.events.list({ calendarId: 'primary' });
    expect(res.status).toBe(200);
    const counts = (await emu.admin.get('/requests')) as { byMethod: Record<string, number> };
    expect(counts.byMethod['calendar.events.list']).toBe(2);
  });
});
