/**
 * Plumbing of the push benchmark: the service against the in-process emulator on PGlite or on a
 * fresh PostgreSQL database, users connected through the real OAuth flow, and Google-side checks.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import pg from 'pg';
import { startEmulator, type RunningEmulator } from '../emulator/src/index.js';
import { createApp, type AppContext } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { registerEmulatorClient } from '../src/embedded-emulator.js';
import { buildServer } from '../src/http/server.js';
import { startWorkers } from '../src/jobs/workers.js';

const JWT_SECRET = 'bench-secret-for-crm-calendar-sync-0123456789';

export interface BenchApp {
  ctx: AppContext;
  app: FastifyInstance;
  emulator: RunningEmulator;
  store: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface BenchUser {
  userId: string;
  email: string;
  authorization: string;
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

async function freshPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `crm_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
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

/** The service (API + workers) on `store`, with its own emulator (no Google rate limit: the budget is the app's). */
export async function startBenchApp(store: 'pglite' | 'postgres', postgresUrl: string): Promise<BenchApp> {
  const emulator = await startEmulator({ port: 0, autoConsent: true, rateLimitPerMinute: 10_000_000 });
  const database = store === 'postgres' ? await freshPostgres(postgresUrl) : undefined;
  const port = await freePort();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: String(port),
    // Google's push notifications (the pull's echo of each write) reach this service for real.
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: ':memory:',
    DATABASE_URL: database?.url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    GOOGLE_EMULATOR_URL: emulator.url,
    TOKEN_ENCRYPTION_KEY: `bench:${randomBytes(32).toString('base64')}`,
    CRM_JWT_SECRET: JWT_SECRET,
    GOOGLE_REQUESTS_PER_MINUTE: '100000',
  });
  await registerEmulatorClient(emulator.url, config.google);
  const ctx = await createApp(config, { jobs: { maintenance: true, schedules: false } });
  await startWorkers(ctx);
  const app = await buildServer(ctx);
  await app.listen({ host: '127.0.0.1', port });
  return {
    ctx,
    app,
    emulator,
    store,
    close: async () => {
      await app.close();
      await ctx.close();
      await emulator.close();
      await database?.drop();
    },
  };
}

async function bearer(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + 6 * 3600)
    .sign(new TextEncoder().encode(JWT_SECRET));
  return `Bearer ${jwt}`;
}

/** Connects a new user through the OAuth flow (auto-consent) and waits for the primary calendar. */
export async function connectUser(bench: BenchApp, name: string): Promise<BenchUser> {
  const userId = `${name}-${randomBytes(3).toString('hex')}`;
  const email = `${userId}@example.com`;
  const authorization = await bearer(userId);
  await admin(bench.emulator, 'POST', '/users', { email });
  const start = await bench.app.inject({
    method: 'GET',
    url: `/integrations/calendar/connect?login_hint=${encodeURIComponent(email)}`,
    headers: { authorization },
  });
  const consent = await fetch(start.json<{ auth_url: string }>().auth_url, { redirect: 'manual' });
  const callback = new URL(consent.headers.get('location') ?? '');
  const done = await bench.app.inject({
    method: 'GET',
    url: `/integrations/calendar/callback${callback.search}`,
  });
  if (done.statusCode !== 302) throw new Error(`connect failed: ${done.statusCode} ${done.body}`);
  for (let i = 0; i < 400; i++) {
    const row = await bench.ctx.db
      .selectFrom('calendars')
      .select('id')
      .where('user_id', '=', userId)
      .where('is_primary', '=', true)
      .executeTakeFirst();
    if (row !== undefined) return { userId, email, authorization };
    await sleep(25);
  }
  throw new Error('the primary calendar was never listed');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An access token for reading `email`'s calendar directly (the benchmark's view of Google). */
export async function googleToken(bench: BenchApp, email: string): Promise<string> {
  const token = await admin<{ access_token: string }>(bench.emulator, 'POST', '/tokens', {
    email,
    scopes: ['https://www.googleapis.com/auth/calendar'],
  });
  return token.access_token;
}

/** Polls Google every `everyMs` until `check(event)` holds; returns when it did (performance.now()). */
export async function visibleInGoogle(
  bench: BenchApp,
  token: string,
  eventId: string,
  check: (event: { summary?: string; status?: string }) => boolean,
  everyMs = 5,
): Promise<number> {
  const url = `${bench.emulator.url}/calendar/v3/calendars/primary/events/${eventId}`;
  for (let i = 0; i < 20_000; i++) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (res.ok) {
      const event = (await res.json()) as { summary?: string; status?: string };
      if (check(event)) return performance.now();
    } else {
      await res.text();
    }
    await sleep(everyMs);
  }
  throw new Error(`event ${eventId} never became visible`);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        await task(i);
      }
    }),
  );
}
