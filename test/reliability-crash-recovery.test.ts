import { spawn, type ChildProcess } from 'node:child_process';
import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/adapters/config.js';
import { createLogger } from '../src/adapters/observability/logger.js';
import { createApp } from '../src/app/app.js';
import {
  registerEmulatorClient,
  startBundledEmulator,
  type RunningEmulator,
} from '../src/app/embedded-emulator.js';
import { buildServer } from '../src/app/http/server.js';
import { serviceEnv, signTestToken, type TestApp } from './support/harness.js';
import { googleAs, googleCalls, resetGoogleCalls } from './support/emulator-client.js';
import { authHeader, connectCalendar, emulatorAdmin, freshAccount } from './support/oauth-flow.js';
import { reservePort } from './support/ports.js';
import { createGoogleUser, listCalendars, seedEvents, storedRows } from './support/sync-pull.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { waitFor } from './support/wait-for.js';

/**
 * `kill -9` of a worker process (its whole process group) in the middle of the work, then a new
 * worker: a job whose worker died runs again within about 30 s (its heartbeats stopped), a full
 * sync resumes at the page it had committed, and CRM writes Google applied just before the crash
 * end up `synced`, each once in Google. The API and the CRM's reads run in this process; the
 * workers are real `worker` processes on the same PostgreSQL database. PGlite is owned by the one
 * process that opened it, so these tests need DATABASE_URL.
 */

const DATABASE_URL = process.env.DATABASE_URL;
const onPostgres = DATABASE_URL !== undefined && DATABASE_URL !== '';

/** How long a test waits for what must happen within about 30 s of the restart. */
const RECOVERY_TIMEOUT_MS = 75_000;

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

let database: TestDatabase;
let emulator: RunningEmulator;
let env: Record<string, string | undefined>;
let t: TestApp;
const workers = new Set<WorkerProcess>();

/** Starts the `worker` role as a child in its own process group, and waits until it runs its jobs. */
async function startWorker(): Promise<WorkerProcess> {
  const port = await reservePort();
  await port.release();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts', 'worker'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env,
      PORT: String(port.port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const worker = { child, output: () => output, exited };
  workers.add(worker);
  await waitFor(
    'the worker running its jobs',
    () => {
      if (child.exitCode !== null) throw new Error(`worker exited:\n${output}`);
      return output.includes('Worker running');
    },
    60_000,
    100,
  );
  return worker;
}

/** `kill -9` of the worker's process group. */
async function killWorker(worker: WorkerProcess): Promise<void> {
  process.kill(-(worker.child.pid as number), 'SIGKILL');
  await worker.exited;
  workers.delete(worker);
}

/** The API side in this process: no workers, no maintenance, on the shared database. */
async function startApi(): Promise<TestApp> {
  const reserved = await reservePort();
  env = {
    ...serviceEnv({ port: reserved.port, emulatorUrl: emulator.url, databaseUrl: database.url }),
    SYNC_INTERVAL_MINUTES: '1440',
  };
  const config = loadConfig(env);
  await registerEmulatorClient(emulator.url, config.google);
  const ctx = await createApp(config, {
    logger: createLogger(config),
    jobs: { maintenance: false, schedules: false },
  });
  const app = await buildServer(ctx);
  await reserved.release();
  await app.listen({ host: '127.0.0.1', port: reserved.port });
  return {
    ctx,
    config,
    app,
    baseUrl: `http://127.0.0.1:${reserved.port}`,
    emulator,
    tokenFor: (userId, tenant) =>
      signTestToken(userId, {
        nowSeconds: Math.floor(Date.now() / 1000),
        ttlSeconds: 3600,
        ...(tenant === undefined ? {} : { tenant }),
      }),
    close: async () => {
      await app.close();
      await ctx.close();
    },
  };
}

async function calendarRow(calendarId: string) {
  const { rows } = await t.ctx.database.executeSql<{
    sync_token: string | null;
    full_sync_generation: number;
    full_sync_page_token: string | null;
  }>('SELECT sync_token, full_sync_generation, full_sync_page_token FROM calendars WHERE id = $1', [
    calendarId,
  ]);
  return rows[0]!;
}

async function primaryCalendarId(userId: string): Promise<string> {
  return waitFor(
    'the primary calendar',
    async () => (await listCalendars(t, userId)).find((c) => c.primary)?.id,
  );
}

describe.skipIf(!onPostgres)(
  'crash recovery (PostgreSQL only: several processes share the database; skipped on PGlite, which one process owns)',
  () => {
    beforeAll(async () => {
      database = await createTestDatabase(DATABASE_URL as string);
      emulator = await startBundledEmulator({ port: 0, autoConsent: true, conferenceDelayMs: 0 });
      t = await startApi();
    });
    afterAll(async () => {
      for (const worker of workers) await killWorker(worker).catch(() => undefined);
      await t?.close().catch(() => undefined);
      await emulator?.close().catch(() => undefined);
      await database?.drop().catch(() => undefined);
    });

    it('resumes a full sync at its last committed page after kill -9 of its worker', async () => {
      const { userId, email } = freshAccount('crash-sync');
      await createGoogleUser(t, email);
      await seedEvents(t, email, 10_000);
      let worker = await startWorker();
      await connectCalendar(t, userId, email);
      const calendarId = await primaryCalendarId(userId);

      // Two of the four pages committed: hold the next page's request in Google, and kill the
      // worker while it waits for the answer.
      await waitFor(
        'two pages committed',
        async () => (await storedRows(t, calendarId)).rows >= 5000,
        RECOVERY_TIMEOUT_MS,
        20,
      );
      await emulatorAdmin(t, 'POST', '/faults', {
        match: { method: 'calendar.events.list' },
        count: 1,
        action: { hangMs: 600_000 },
      });
      const listsSoFar = (await googleCalls(t))['calendar.events.list'] ?? 0;
      await waitFor(
        'the next page asked for',
        async () => ((await googleCalls(t))['calendar.events.list'] ?? 0) > listsSoFar,
        RECOVERY_TIMEOUT_MS,
        20,
      );
      // Alive, the worker keeps the job from expiring while it waits: its heartbeat pushes the
      // expiry past the 20 s a silent job gets.
      await waitFor(
        'a heartbeat of the running pull job',
        async () => {
          const { rows } = await t.ctx.database.executeSql<{ seconds: number }>(
            "SELECT extract(epoch FROM expire_in)::float AS seconds FROM pgboss.job WHERE name = 'calendar.pull' AND state = 'active'",
          );
          return rows.some((row) => row.seconds > 20);
        },
        RECOVERY_TIMEOUT_MS,
        100,
      );
      await killWorker(worker);
      const committed = (await storedRows(t, calendarId)).rows;
      const before = await calendarRow(calendarId);
      expect(committed).toBeLessThan(10_000);
      expect(before.sync_token).toBeNull();
      expect(before.full_sync_page_token).not.toBeNull();
      await emulatorAdmin(t, 'DELETE', '/faults');
      await resetGoogleCalls(t);

      worker = await startWorker();
      const after = await waitFor(
        'the full sync finished by the new worker',
        async () => {
          const row = await calendarRow(calendarId);
          return row.sync_token !== null ? row : undefined;
        },
        RECOVERY_TIMEOUT_MS,
        200,
      );
      // The same listing went on (a new one would have a new generation) from the saved page.
      expect(after.full_sync_generation).toBe(before.full_sync_generation);
      expect(await storedRows(t, calendarId)).toEqual({ rows: 10_000, distinct: 10_000 });
      const pagesLeft = Math.ceil((10_000 - committed) / 2500);
      expect((await googleCalls(t))['calendar.events.list'] ?? 0).toBeLessThanOrEqual(pagesLeft + 1);
      await killWorker(worker);
    }, 240_000);

    it('has every write Google applied just before kill -9 synced, once, after the restart', async () => {
      const { userId, email } = freshAccount('crash-push');
      await createGoogleUser(t, email);
      let worker = await startWorker();
      await connectCalendar(t, userId, email);
      await primaryCalendarId(userId);
      await waitFor('the initial sync', async () => {
        const primary = (await listCalendars(t, userId)).find((c) => c.primary);
        return primary?.last_sync_at != null;
      });
      const google: calendar_v3.Calendar = await googleAs(t, email);

      // Google holds every insert a moment before applying it. The worker is stopped (SIGSTOP)
      // with its pushes in flight, Google applies them and answers into the stopped process, then
      // the worker is killed: Google has the events, the CRM never heard back.
      await emulatorAdmin(t, 'POST', '/faults', {
        match: { method: 'calendar.events.insert' },
        count: 1000,
        action: { hangMs: 3_000 },
      });
      await resetGoogleCalls(t);
      const headers = await authHeader(t, userId);
      const ids: string[] = [];
      for (let i = 0; i < 24; i += 1) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/calendar/events',
          headers,
          payload: {
            title: `Burst ${i}`,
            start: `2031-06-01T${String(8 + (i % 10)).padStart(2, '0')}:00:00Z`,
            end: `2031-06-01T${String(8 + (i % 10)).padStart(2, '0')}:30:00Z`,
            send_updates: 'none',
          },
        });
        expect(res.statusCode, res.body).toBe(201);
        ids.push(res.json<{ id: string }>().id);
      }
      const inFlight = await waitFor(
        'pushes in flight',
        async () => {
          const n = (await googleCalls(t))['calendar.events.insert'] ?? 0;
          return n >= 8 ? n : undefined;
        },
        RECOVERY_TIMEOUT_MS,
        20,
      );
      process.kill(-(worker.child.pid as number), 'SIGSTOP');

      const burstInGoogle = async () =>
        ((await google.events.list({ calendarId: 'primary', maxResults: 2500 })).data.items ?? []).filter(
          (e) => e.summary?.startsWith('Burst ') === true,
        );
      // Google applied what the dead worker had sent; the CRM still waits for those answers.
      await waitFor(
        'the held inserts applied in Google',
        async () => (await burstInGoogle()).length >= inFlight,
      );
      await killWorker(worker);
      await emulatorAdmin(t, 'DELETE', '/faults');
      const pendingRows = async () => {
        const { rows } = await t.ctx.database.executeSql<{ n: number }>(
          "SELECT count(*)::int AS n FROM events WHERE id = ANY($1::uuid[]) AND sync_state <> 'synced'",
          [ids],
        );
        return rows[0]!.n;
      };
      expect(await pendingRows()).toBeGreaterThanOrEqual(inFlight);

      worker = await startWorker();
      await waitFor('every write synced', async () => (await pendingRows()) === 0, RECOVERY_TIMEOUT_MS, 200);
      const inGoogle = await burstInGoogle();
      expect(inGoogle).toHaveLength(24);
      expect(new Set(inGoogle.map((e) => e.summary)).size).toBe(24);
      await killWorker(worker);
    }, 240_000);
  },
);
