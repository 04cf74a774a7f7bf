import { connect } from 'node:net';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET, type TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import { connectedUser, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * Hostile input never reaches the database as a 500: text PostgreSQL cannot store (NUL, lone
 * UTF-16 surrogates) is 400 `invalid_characters` naming the field on every route, times outside
 * the years 0001-9999 are 400 wherever an endpoint reads them, and a body over a limit is 413
 * with the error envelope, also for a client that sends all of it before reading the answer.
 */

let t: TestApp;
let user: PushUser;
let eventId: string;

useTestApp({}, async (app) => {
  t = app;
  user = await connectedUser(t, 'hostile');
  const created = await call('POST', '/calendar/events', {
    title: 'Kept as it was',
    start: '2026-12-07T09:00:00Z',
    end: '2026-12-07T10:00:00Z',
  });
  expect(created.statusCode, created.body).toBe(201);
  eventId = created.json<{ id: string }>().id;
});

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: {
      ...(await authHeader(t, user.userId)),
      ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload === undefined ? {} : { payload: payload as string }),
  });
}

async function count(table: 'events' | 'companies' | 'contacts' | 'deals'): Promise<number> {
  const { rows } = await t.ctx.database.executeSql<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE tenant_id = 'default'`,
  );
  return Number(rows[0]?.n);
}

const timed = { start: '2026-12-08T09:00:00Z', end: '2026-12-08T10:00:00Z' };

describe('text the database cannot store', () => {
  it.each([
    [
      'an event title',
      'POST',
      '/calendar/events',
      { title: 'a\u0000b', ...timed },
      'body',
      'title',
      'events',
    ],
    [
      'an event description',
      'POST',
      '/calendar/events',
      { title: 't', description: '\u0000', ...timed },
      'body',
      'description',
      'events',
    ],
    [
      'an event location',
      'POST',
      '/calendar/events',
      { title: 't', location: 'Room\u00002', ...timed },
      'body',
      'location',
      'events',
    ],
    [
      'a calendar_id',
      'POST',
      '/calendar/events',
      { title: 't', calendar_id: 'x\u0000', ...timed },
      'body',
      'calendar_id',
      'events',
    ],
    [
      'an attendee email',
      'POST',
      '/calendar/events',
      { title: 't', attendees: ['a@b.c', { email: 'x\u0000@b.c' }], ...timed },
      'body',
      'attendees.1.email',
      'events',
    ],
    ['a company name', 'POST', '/crm/companies', { name: 'Acme\u0000' }, 'body', 'name', 'companies'],
    ['a contact name', 'POST', '/crm/contacts', { name: '\u0000' }, 'body', 'name', 'contacts'],
    ['a deal stage', 'POST', '/crm/deals', { name: 'Deal', stage: 'won\u0000' }, 'body', 'stage', 'deals'],
  ] as const)(
    'refuses a NUL in %s with 400 invalid_characters, storing nothing',
    async (_what, method, url, body, location, field, table) => {
      const before = await count(table);
      const res = await call(method, url, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'invalid_characters',
        details: { location, field },
        request_id: res.headers['x-request-id'],
      });
      expect(res.json().error.message).toContain(`"${field}" contains a NUL character (U+0000)`);
      expect(await count(table)).toBe(before);
    },
  );

  it('refuses a NUL in a query parameter or a path parameter', async () => {
    for (const url of ['/crm/contacts?q=a%00b', '/calendar/events?q=%00', '/crm/deals?q=x%00']) {
      const res = await call('GET', url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'invalid_characters',
        details: { location: 'query', field: 'q' },
      });
    }
    const path = await call('GET', '/crm/contacts/%00');
    expect(path.statusCode, path.body).toBe(400);
    expect(path.json().error).toMatchObject({
      code: 'invalid_characters',
      details: { location: 'params', field: 'id' },
    });
  });

  it('refuses lone UTF-16 surrogates (JSON escapes of half a pair) and keeps whole pairs', async () => {
    const before = await count('events');
    for (const escaped of ['\\ud800', 'x\\udfff', '\\udc00\\ud800']) {
      const res = await call(
        'POST',
        '/calendar/events',
        `{"title":"${escaped}","start":"${timed.start}","end":"${timed.end}"}`,
      );
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_characters', details: { field: 'title' } });
      expect(res.json().error.message).toMatch(/a lone UTF-16 surrogate \(U\+D[89A-F][0-9A-F]{2}\)/);
    }
    expect(await count('events')).toBe(before);
    const pair = await call(
      'POST',
      '/calendar/events',
      `{"title":"Rocket \\ud83d\\ude80","start":"${timed.start}","end":"${timed.end}"}`,
    );
    expect(pair.statusCode, pair.body).toBe(201);
    expect(pair.json().title).toBe('Rocket 🚀');
  });

  it('refuses a PATCH with a NUL and leaves the event as it was', async () => {
    const res = await call('PATCH', `/calendar/events/${eventId}`, { title: 'Changed\u0000' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('invalid_characters');
    expect((await call('GET', `/calendar/events/${eventId}`)).json().title).toBe('Kept as it was');
  });

  it('refuses a token whose sub, tenant or name claim holds a NUL with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [
      { sub: 'eve\u0000' },
      { sub: 'eve', tenant: 'acme\u0000' },
      { sub: 'eve', name: 'Eve\u0000' },
    ]) {
      const { sub, ...rest } = claims;
      const token = await new SignJWT({ tenant: 'default', ...rest })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const res = await t.app.inject({ url: '/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
      expect(res.json().error.message).toMatch(/claim contains a NUL character/);
    }
  });
});

describe('times outside the years 0001-9999', () => {
  it.each([
    [
      'a start at the last second of 9999 (the kept duration ends in 10000)',
      { start: '9999-12-31T23:59:59Z' },
      'end',
    ],
    ['a start in year 0000', { start: '0000-01-01' }, 'start'],
    [
      'an all-day event on 9999-12-31 (its exclusive end is in 10000)',
      { start: '9999-12-31', all_day: true },
      'end',
    ],
    [
      'a wall time of 0001-01-01 in a zone east of UTC (year 0 in UTC)',
      { start: '0001-01-01T00:30:00', end: '0001-01-01T01:00:00', time_zone: 'Asia/Tokyo' },
      'start',
    ],
  ] as const)('refuse a PATCH with %s, changing nothing', async (_what, body, field) => {
    const res = await call('PATCH', `/calendar/events/${eventId}`, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_date', details: { field } });
    expect(res.json().error.message).toContain('outside the years 0001-9999');
    const kept = (await call('GET', `/calendar/events/${eventId}`)).json();
    expect(kept).toMatchObject({
      start_time: '2026-12-07T09:00:00.000Z',
      end_time: '2026-12-07T10:00:00.000Z',
    });
  });

  it('refuse a create in year 0000 or ending in 10000, storing nothing', async () => {
    const before = await count('events');
    for (const body of [
      { title: 't', start: '0000-01-01', end: '0000-01-02' },
      {
        title: 't',
        start: '9999-12-31T23:00:00Z',
        end: '9999-12-31T23:30:00Z',
        time_zone: 'Pacific/Kiritimati',
      },
    ]) {
      const res = await call('POST', '/calendar/events', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('invalid_date');
    }
    expect(await count('events')).toBe(before);
  });

  it('keep the first and last days of those years usable', async () => {
    const first = await call('POST', '/calendar/events', {
      title: 'First',
      start: '0001-01-01',
      end: '0001-01-02',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ start_date: '0001-01-01', end_date: '0001-01-02' });
    const early = await call('POST', '/calendar/events', {
      title: 'Early',
      start: '0001-01-01T09:00:00Z',
      end: '0001-01-01T10:00:00Z',
    });
    expect(early.statusCode, early.body).toBe(201);
    expect(early.json()).toMatchObject({ start_time: '0001-01-01T09:00:00.000Z' });
    const last = await call('POST', '/calendar/events', {
      title: 'Last',
      start: '9999-12-31T22:00:00Z',
      end: '9999-12-31T23:00:00Z',
    });
    expect(last.statusCode, last.body).toBe(201);
    expect(last.json()).toMatchObject({ start_time: '9999-12-31T22:00:00.000Z' });
  });

  it('are 400 as GET /calendar/events bounds, and bounds at the ends of the years list normally', async () => {
    for (const query of ['start_date=0000-01-01', 'end_date=0000-12-31', 'start_date=0000-06-01T00:00:00Z']) {
      const res = await call('GET', `/calendar/events?${query}`);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      expect(res.json().error.message).toContain('0001-9999');
    }
    for (const query of [
      'start_date=9999-12-31T23:59:59Z',
      'start_date=9999-12-31',
      'end_date=9999-12-31',
      'start_date=0001-01-01&time_zone=Pacific/Kiritimati',
      'start_date=0001-01-01&end_date=0001-12-31&time_zone=Pacific/Pago_Pago',
      'start_date=9999-06-01',
    ]) {
      const res = await call('GET', `/calendar/events?${query}`);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
    }
  });
  it('are 400 as POST /calendar/availability bounds, in the zone asked for', async () => {
    for (const [start, end, zone] of [
      ['0000-01-01T00:00:00', '0000-01-02T00:00:00', 'UTC'],
      ['0001-01-01T00:00:00', '0001-01-02T00:00:00', 'Pacific/Kiritimati'],
      ['9999-12-31T00:00:00', '9999-12-31T23:00:00', 'Pacific/Kiritimati'],
      ['9999-12-30T00:00:00Z', '9999-12-31T23:59:59Z', 'UTC'],
    ]) {
      const res = await call('POST', '/calendar/availability', {
        attendees: [],
        start,
        end,
        duration_minutes: 30,
        time_zone: zone,
      });
      expect(res.statusCode, `${start} ${zone}: ${res.body}`).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_date' });
      expect(res.json().error.message).toContain('0001-9999');
    }
  });
});

describe('body limits', () => {
  it('answer 413 with the error envelope', async () => {
    const res = await call(
      'POST',
      '/calendar/sync',
      JSON.stringify({ calendar_id: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'payload_too_large',
      request_id: res.headers['x-request-id'],
    });
    const webhook = await t.app.inject({
      method: 'POST',
      url: '/webhooks/google/calendar',
      headers: { 'content-type': 'text/plain' },
      payload: 'x'.repeat(70_000),
    });
    expect(webhook.statusCode).toBe(413);
    expect(webhook.json().error.code).toBe('payload_too_large');
  });

  it('answer 413 to a client that sends a 10 MB body in full before reading the answer', async () => {
    const { hostname, port } = new URL(t.baseUrl);
    const body = Buffer.from(JSON.stringify({ calendar_id: 'x'.repeat(10 * 1024 * 1024) }));
    const head =
      `POST /calendar/sync HTTP/1.1\r\nhost: ${hostname}:${port}\r\n` +
      `authorization: ${(await authHeader(t, user.userId)).authorization}\r\n` +
      `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const answer = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      // `onread` makes pause() stop reading from the kernel, as a client that sends before it
      // reads does (a reset then discards the answer waiting there).
      const socket = connect({
        port: Number(port),
        host: hostname,
        onread: {
          buffer: Buffer.alloc(64 * 1024),
          callback: (size, buffer) => {
            chunks.push(Buffer.from(buffer.subarray(0, size)));
            const text = Buffer.concat(chunks).toString('utf8');
            if (text.includes('"request_id"')) {
              resolve(text);
              socket.destroy();
            }
            return true;
          },
        },
      });
      socket.on('error', reject);
      socket.on('close', () =>
        reject(new Error(`closed with ${Buffer.concat(chunks).toString('utf8') || 'nothing'}`)),
      );
      socket.pause();
      socket.write(head);
      socket.write(body, () => socket.resume());
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"code":"payload_too_large"');
  });
});
