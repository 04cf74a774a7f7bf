import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedEmulatorSnapshotFile } from '../src/app/embedded-emulator.js';
import { calendarAs } from './support/emulator-client.js';
import { runMain, serveAndWait, stop, type MainProcess, type ServePorts } from './support/main-process.js';
import { waitFor } from './support/wait-for.js';

/**
 * The local demo (`npm start`: embedded store, in-process emulator) stopped and started again on
 * the same DATA_DIR, and `npm run sync` while it is stopped: both sides of the sync survive
 * together.
 */

const ALICE = { tenant_id: 'default', user_id: 'alice', email: 'alice@example.com' };

interface EventItem {
  id: string;
  title: string;
  google_event_id: string;
  sync_state: string;
}

let dataDir: string;
let server: MainProcess | undefined;
let ports: ServePorts;
let token: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'crm-demo-restart-'));
});
afterAll(async () => {
  if (server !== undefined && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${ports.port}`;
const emulatorUrl = () => `http://127.0.0.1:${ports.emulatorPort}`;

async function call<T>(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T; cookies: string[] }> {
  const res = await fetch(`${base()}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    redirect: 'manual',
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
    cookies: res.headers.getSetCookie().map((cookie) => cookie.split(';')[0] ?? ''),
  };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Connect as a person would: the consent link, the emulator's Allow button, the callback. */
async function connectAlice(): Promise<void> {
  const connect = await call<{ auth_url: string }>('GET', '/integrations/calendar/connect');
  expect(connect.status).toBe(200);
  const authUrl = new URL(connect.body.auth_url);
  const html = await (await fetch(authUrl)).text();
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  expect(form).not.toBeNull();
  const fields = new URLSearchParams();
  for (const input of form![2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.append(decodeEntities(input[1]!), decodeEntities(input[2]!));
  }
  fields.set('email', ALICE.email);
  fields.set('decision', 'allow');
  const consent = await fetch(new URL(decodeEntities(form![1]!), authUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  expect(consent.status).toBe(302);
  // As the browser that started: with the cookie the connect answer set.
  const callback = await fetch(consent.headers.get('location') ?? '', {
    headers: { cookie: connect.cookies.join('; ') },
    redirect: 'manual',
  });
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe('/?calendar=connected');
}

/** What the CRM lists in 2031 and what Google has there, as comparable title lists. */
async function bothSides(): Promise<{ crm: string[]; google: string[] }> {
  const crm = await call<{ items: EventItem[] }>(
    'GET',
    '/calendar/events?start_date=2031-01-01&end_date=2031-12-31&limit=100',
  );
  expect(crm.status).toBe(200);
  const google = await calendarAs(emulatorUrl(), ALICE.email);
  const { data } = await google.events.list({
    calendarId: 'primary',
    timeMin: '2031-01-01T00:00:00Z',
    timeMax: '2031-12-31T00:00:00Z',
    singleEvents: true,
  });
  return {
    crm: crm.body.items.map((item) => `${item.google_event_id} ${item.title}`).sort(),
    google: (data.items ?? []).map((item) => `${item.id} ${item.summary}`).sort(),
  };
}

const serveEnv = () => ({ DATA_DIR: dataDir });

describe('the local demo across restarts', () => {
  it('keeps nothing of the emulator with DATA_DIR=:memory:, and its state in DATA_DIR otherwise', () => {
    expect(embeddedEmulatorSnapshotFile(path.resolve(':memory:'))).toBeUndefined();
    expect(embeddedEmulatorSnapshotFile(dataDir)).toBe(path.join(dataDir, 'emulator.json'));
  });

  it('connects alice and syncs both ways on the first run', async () => {
    const started = await serveAndWait(serveEnv());
    server = started.server;
    ports = started;
    const dev = await fetch(`${base()}/auth/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: ALICE.tenant_id, user_id: ALICE.user_id }),
    });
    token = ((await dev.json()) as { token: string }).token;
    await connectAlice();

    const created = await call<EventItem>('POST', '/calendar/events?wait=true', {
      title: 'Made in the CRM',
      start: '2031-05-05T09:00:00Z',
      end: '2031-05-05T10:00:00Z',
    });
    expect(created.status).toBe(201);
    expect(created.body.sync_state).toBe('synced');
    const google = await calendarAs(emulatorUrl(), ALICE.email);
    await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Made in Google',
        start: { dateTime: '2031-05-06T09:00:00Z' },
        end: { dateTime: '2031-05-06T10:00:00Z' },
      },
    });
    expect((await call('POST', '/calendar/sync', {})).status).toBe(200);
    const sides = await bothSides();
    expect(sides.crm).toHaveLength(2);
    expect(sides.crm).toEqual(sides.google);

    expect(await stop(server)).toBe(0);
    expect(existsSync(path.join(dataDir, 'emulator.json'))).toBe(true);
  }, 180_000);

  it('runs npm run sync while the service is stopped, on the same emulator state', async () => {
    const sync = runMain(['sync', '--user', ALICE.user_id], {
      ...serveEnv(),
      PORT: String(ports.port),
      EMULATOR_PORT: String(ports.emulatorPort),
    });
    const code = await sync.exited;
    expect(code, `${sync.stdout()}\n${sync.stderr()}`).toBe(0);
    expect(sync.stdout()).toMatch(/^alice@example\.com\s+pulled\s+2\s+0\s+0\s+0\s+0\s+full\s/m);
  }, 120_000);

  it('after a restart the connection is still active and the CRM matches Google', async () => {
    const started = await serveAndWait(serveEnv(), ports);
    server = started.server;
    ports = started;

    const status = await call<{ status: string; last_error: string | null }>(
      'GET',
      '/integrations/calendar/status',
    );
    expect(status.body).toMatchObject({ status: 'active', last_error: null });
    const pulled = await call<{ calendars: { status: string; error: string | null }[] }>(
      'POST',
      '/calendar/sync',
      { full: true },
    );
    expect(pulled.status).toBe(200);
    expect(pulled.body.calendars).toEqual([expect.objectContaining({ status: 'pulled', error: null })]);
    const sides = await bothSides();
    expect(sides.crm).toHaveLength(2);
    expect(sides.crm).toEqual(sides.google);

    // Writes still reach Google.
    const [first] = (
      await call<{ items: EventItem[] }>('GET', '/calendar/events?start_date=2031-05-05&end_date=2031-05-06')
    ).body.items;
    const renamed = await call<EventItem>('PATCH', `/calendar/events/${first!.id}?wait=true`, {
      title: 'Renamed after the restart',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.sync_state).toBe('synced');
    expect((await bothSides()).google).toContain(`${first!.google_event_id} Renamed after the restart`);
    // Saved while running, not only on shutdown: a crash now would not lose the change.
    await waitFor(
      'the change in the saved emulator state',
      async () =>
        (await readFile(path.join(dataDir, 'emulator.json'), 'utf8')).includes('Renamed after the restart'),
      20_000,
    );
  }, 180_000);

  it('refuses npm run sync while the service runs on the embedded store, saying what to do', async () => {
    const sync = runMain(['sync', '--user', ALICE.user_id], {
      ...serveEnv(),
      PORT: String(ports.port),
      EMULATOR_PORT: String(ports.emulatorPort),
    });
    expect(await sync.exited).toBe(1);
    expect(sync.stderr()).toContain(
      `Port ${ports.emulatorPort} (EMULATOR_PORT) is in use, so \`npm start\` is probably running on this DATA_DIR. Stop it first`,
    );
    expect(await stop(server!)).toBe(0);
  }, 120_000);
});
