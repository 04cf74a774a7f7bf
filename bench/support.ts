/**
 * Plumbing shared by the benchmarks: the service on PGlite or on a fresh PostgreSQL database
 * against an in-process emulator (configured as the integration tests configure it), users
 * connected through the service's own OAuth flow, bulk seeding, Google-call counters, and the
 * statistics the reports print.
 */
import { randomBytes } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { RunningEmulator } from '../emulator/src/index.js';
import { createApp, type AppContext } from '../src/app/app.js';
import { loadConfig } from '../src/adapters/config.js';
import type { ConnectionRef } from '../src/modules/connections/connection.types.js';
import { registerEmulatorClient } from '../src/app/embedded-emulator.js';
import { buildServer } from '../src/app/http/server.js';
import type { AnyJobDefinition } from '../src/adapters/queue/definition.js';
import { startWorkers } from '../src/app/jobs/workers.js';
import { calendarAs, callEmulatorAdmin } from '../test/support/emulator-client.js';
import { freePort, serviceEnv, signTestToken } from '../test/support/harness.js';
import { createTestDatabase } from '../test/support/test-database.js';

export type Store = 'pglite' | 'postgres';

export interface BenchApp {
  ctx: AppContext;
  /** Answers app.inject() always; listens on PUBLIC_URL only when serving. */
  app: FastifyInstance;
  emulator: RunningEmulator;
  store: Store;
  /** Whether job workers run and the HTTP server listens, as `serve` does. */
  serving: boolean;
  close(): Promise<void>;
}

/** Calls the emulator's admin API. */
export async function admin<T = unknown>(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return callEmulatorAdmin<T>(emulator.url, method, path, body);
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

/**
 * The service on `store` (PostgreSQL: a fresh database on the `postgresUrl` server, dropped on
 * close) against `emulator`, whose OAuth client it registers. With `serve`, job workers run and the
 * HTTP server listens on PUBLIC_URL, so Google's push notifications reach it for real.
 */
export async function startBenchApp(
  emulator: RunningEmulator,
  store: Store,
  postgresUrl: string,
  options: {
    serve: boolean;
    env?: Record<string, string>;
    /** Which of the app's jobs the workers run, and how (default: all, as defined). */
    definitions?: (jobs: readonly AnyJobDefinition[]) => readonly AnyJobDefinition[];
    /** Run the cron timekeeper too, as `serve` does (default false). */
    schedules?: boolean;
  },
): Promise<BenchApp> {
  const database = store === 'postgres' ? await createTestDatabase(postgresUrl) : undefined;
  const port = await freePort();
  const config = loadConfig({
    ...serviceEnv({ port, emulatorUrl: emulator.url, databaseUrl: database?.url }),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  await registerEmulatorClient(emulator.url, config.google);
  const ctx = await createApp(config, {
    jobs: { maintenance: options.serve, schedules: options.schedules ?? false },
  });
  const app = await buildServer(ctx);
  if (options.serve) {
    await startWorkers(ctx, options.definitions?.(ctx.jobs) ?? ctx.jobs);
    await app.listen({ host: '127.0.0.1', port });
  }
  return {
    ctx,
    app,
    emulator,
    store,
    serving: options.serve,
    close: async () => {
      await app.close();
      await ctx.close();
      await database?.drop();
    },
  };
}

/** The Authorization header value of `userId`, valid for six hours. */
export async function bearer(userId: string): Promise<string> {
  const token = await signTestToken(userId, {
    nowSeconds: Math.floor(Date.now() / 1000),
    ttlSeconds: 6 * 3600,
  });
  return `Bearer ${token}`;
}

/**
 * Connects `userId` to the Google account `email` through the service's OAuth flow (the emulator
 * auto-consents) and stores the calendar list. Returns the connection and the primary calendar id.
 */
export async function connect(
  bench: BenchApp,
  userId: string,
  email: string,
): Promise<{ connection: ConnectionRef; calendarId: string }> {
  const owner = { tenantId: 'default', userId };
  const { authUrl, browserBinding } = await bench.ctx.services.calendarConnect.startConnect(owner, {
    loginHint: email,
  });
  const consent = await fetch(authUrl, { redirect: 'manual' });
  const callback = new URL(consent.headers.get('location') ?? '');
  const connection = await bench.ctx.services.calendarConnect.completeConnect({
    state: callback.searchParams.get('state') ?? undefined,
    code: callback.searchParams.get('code') ?? undefined,
    browserBinding, // as the browser that started would send it
  });
  const ref = { id: connection.id, tenantId: owner.tenantId, userId };
  for (let i = 0; i < 400; i++) {
    const rows = await bench.ctx.services.calendars.list(owner);
    const primary = rows.find((row) => row.is_primary);
    if (primary !== undefined) return { connection: ref, calendarId: primary.id };
    // Without workers nobody runs the initial sync: read the calendar list here.
    if (!bench.serving) await bench.ctx.services.calendars.refreshCalendarList(ref);
    else await sleep(25);
  }
  throw new Error('the primary calendar was never listed');
}

export interface BenchUser {
  userId: string;
  email: string;
  authorization: string;
}

/** A new user with a Google account, connected through the OAuth flow, with its bearer header. */
export async function connectUser(bench: BenchApp, name: string): Promise<BenchUser> {
  const userId = `${name}-${randomBytes(3).toString('hex')}`;
  const email = `${userId}@example.com`;
  await admin(bench.emulator, 'POST', '/users', { email });
  await connect(bench, userId, email);
  return { userId, email, authorization: await bearer(userId) };
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

/** Calendar API calls counted by the emulator since the last reset, by method id. */
export async function calls(emulator: RunningEmulator): Promise<Record<string, number>> {
  return (await admin<{ byMethod: Record<string, number> }>(emulator, 'GET', '/requests')).byMethod;
}

export async function resetCalls(emulator: RunningEmulator): Promise<void> {
  await admin(emulator, 'POST', '/requests/reset');
}

/** The official client acting as `email`, with a token that outlives the benchmark's emulated days. */
export async function googleAs(emulator: RunningEmulator, email: string): Promise<calendar_v3.Calendar> {
  return calendarAs(emulator.url, email, { expiresInSeconds: 30 * 86_400 });
}

/** An access token for reading `email`'s calendar directly (the benchmark's view of Google). */
export async function googleToken(emulator: RunningEmulator, email: string): Promise<string> {
  const token = await admin<{ access_token: string }>(emulator, 'POST', '/tokens', {
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
