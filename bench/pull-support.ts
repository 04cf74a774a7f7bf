/**
 * Plumbing of the pull benchmark: one in-process emulator shared by every run, the service on
 * PGlite or on a fresh PostgreSQL database, users connected through the service's own OAuth flow,
 * bulk seeding, Google-call counters and RSS sampling.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import type { FastifyInstance } from 'fastify';
import { OAuth2Client } from 'google-auth-library';
import { SignJWT } from 'jose';
import pg from 'pg';
import type { RunningEmulator } from '../emulator/src/index.js';
import { createApp, type AppContext } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { ConnectionRef } from '../src/connections/connection.types.js';
import { buildServer } from '../src/http/server.js';
import { startWorkers } from '../src/jobs/workers.js';

const JWT_SECRET = 'bench-secret-for-crm-calendar-sync-0123456789';
export type Store = 'pglite' | 'postgres';

export interface PullBenchApp {
  ctx: AppContext;
  app: FastifyInstance | undefined;
  store: Store;
  close(): Promise<void>;
}

export async function admin<T = unknown>(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${emulator.url}/__admin${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a PostgreSQL server answers at `url`. */
export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function freshPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `crm_pull_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * The service on `store` against the shared emulator. With `serve`, job workers run and the HTTP
 * server listens on PUBLIC_URL, so Google's push notifications reach it for real.
 */
export async function startPullBenchApp(
  emulator: RunningEmulator,
  store: Store,
  postgresUrl: string,
  options: { serve: boolean },
): Promise<PullBenchApp> {
  const database = store === 'postgres' ? await freshPostgres(postgresUrl) : undefined;
  const port = await freePort();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: ':memory:',
    DATABASE_URL: database?.url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    GOOGLE_EMULATOR_URL: emulator.url,
    TOKEN_ENCRYPTION_KEY: `bench:${randomBytes(32).toString('base64')}`,
    CRM_JWT_SECRET: JWT_SECRET,
  });
  const ctx = await createApp(config, { jobs: { maintenance: options.serve, schedules: false } });
  let app: FastifyInstance | undefined;
  if (options.serve) {
    await startWorkers(ctx);
    app = await buildServer(ctx);
    await app.listen({ host: '127.0.0.1', port });
  }
  return {
    ctx,
    app,
    store,
    close: async () => {
      await app?.close();
      await ctx.close();
      await database?.drop();
    },
  };
}

export async function bearer(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + 6 * 3600)
    .sign(new TextEncoder().encode(JWT_SECRET));
  return `Bearer ${jwt}`;
}

/**
 * Connects `userId` to the Google account `email` through the service's OAuth flow (the emulator
 * auto-consents) and stores the calendar list. Returns the connection and the primary calendar id.
 */
export async function connect(
  bench: PullBenchApp,
  userId: string,
  email: string,
): Promise<{ connection: ConnectionRef; calendarId: string }> {
  const owner = { tenantId: 'default', userId };
  const { authUrl } = await bench.ctx.services.calendarConnect.startConnect(owner, { loginHint: email });
  const consent = await fetch(authUrl, { redirect: 'manual' });
  const callback = new URL(consent.headers.get('location') ?? '');
  const connection = await bench.ctx.services.calendarConnect.completeConnect({
    state: callback.searchParams.get('state') ?? undefined,
    code: callback.searchParams.get('code') ?? undefined,
  });
  const ref = { id: connection.id, tenantId: owner.tenantId, userId };
  for (let i = 0; i < 400; i++) {
    const rows = await bench.ctx.services.calendars.list(owner);
    const primary = rows.find((row) => row.is_primary);
    if (primary !== undefined) return { connection: ref, calendarId: primary.id };
    // Without workers nobody runs the initial sync: read the calendar list here.
    if (bench.app === undefined) await bench.ctx.services.calendars.refreshCalendarList(ref);
    else await sleep(25);
  }
  throw new Error('the primary calendar was never listed');
}

/** Seeds `count` one-hour events through the emulator's bulk route, starting at `startMs`, one per `stepMs`. */
export async function seed(
  emulator: RunningEmulator,
  email: string,
  count: number,
  options: { startMs?: number; stepMs?: number; prefix?: string } = {},
): Promise<void> {
  const start = options.startMs ?? Date.UTC(2032, 0, 1);
  const step = options.stepMs ?? 3_600_000;
  for (let offset = 0; offset < count; offset += 5000) {
    const events = Array.from({ length: Math.min(5000, count - offset) }, (_, i) => {
      const at = start + (offset + i) * step;
      return {
        summary: `${options.prefix ?? 'Event'} ${offset + i}`,
        description: 'Seeded by the pull benchmark',
        start: { dateTime: new Date(at).toISOString() },
        end: { dateTime: new Date(at + 1_800_000).toISOString() },
      };
    });
    await admin(emulator, 'POST', `/users/${encodeURIComponent(email)}/events/bulk`, {
      calendarId: 'primary',
      events,
    });
  }
}

/** Calendar API calls counted by the emulator since the last reset. */
export async function calls(emulator: RunningEmulator): Promise<Record<string, number>> {
  return (await admin<{ byMethod: Record<string, number> }>(emulator, 'GET', '/requests')).byMethod;
}

export async function resetCalls(emulator: RunningEmulator): Promise<void> {
  await admin(emulator, 'POST', '/requests/reset');
}

/** The official client acting as `email`, with a token that outlives the benchmark's emulated days. */
export async function googleAs(emulator: RunningEmulator, email: string): Promise<calendar_v3.Calendar> {
  const token = await admin<{ access_token: string }>(emulator, 'POST', '/tokens', {
    email,
    scopes: ['https://www.googleapis.com/auth/calendar'],
    expiresInSeconds: 30 * 86_400,
  });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token.access_token });
  return calendar({
    version: 'v3',
    auth: auth as unknown as NonNullable<calendar_v3.Options['auth']>,
    rootUrl: `${emulator.url}/`,
  });
}

/** Samples the process RSS and V8 heap every 20 ms until stopped; returns the peaks in MB. */
export function memorySampler(): { stop(): { rssMb: number; heapMb: number } } {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { rssMb: rss / 1_048_576, heapMb: heap / 1_048_576 };
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
