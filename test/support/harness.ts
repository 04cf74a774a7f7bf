import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import type { Logger } from 'pino';
import { createApp, type AppContext } from '../../src/app/app.js';
import type { Clock } from '../../src/adapters/clock.js';
import { loadConfig, type Config } from '../../src/adapters/config.js';
import {
  registerEmulatorClient,
  startBundledEmulator,
  type RunningEmulator,
} from '../../src/app/embedded-emulator.js';
import { buildServer } from '../../src/app/http/server.js';
import type { JobQueueSettings } from '../../src/adapters/queue/queue.js';
import { startWorkers } from '../../src/app/jobs/workers.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { reservePort, retryOnAddressInUse } from './ports.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** HS256 secret the test apps accept (JWT mode). */
export const TEST_JWT_SECRET = 'test-secret-for-crm-calendar-sync-0123456789';

export interface TestAppOptions {
  /** Extra or overriding environment variables (e.g. AUTH_MODE, CRM_JWKS_URL). */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** Logger for the app (default: silent, or TEST_LOG_LEVEL). */
  logger?: Logger;
  /** Register the job workers, as `serve` does (default true). */
  workers?: boolean;
  /** Run pg-boss's cron timekeeper (default false: cron would fire at random moments in tests). */
  schedules?: boolean;
  /** Other job queue settings (polling and cron check intervals). */
  jobs?: Partial<Omit<JobQueueSettings, 'schedules'>>;
  /** Start the emulator with auto-consent (default true). */
  autoConsent?: boolean;
  /**
   * Emulator time a Meet link stays pending after the write that asked for it. Default 0: the
   * write still answers `pending`, and the link is there at the next request, so no test waits
   * for time to pass.
   */
  conferenceDelayMs?: number;
}

export interface TestApp {
  ctx: AppContext;
  config: Config;
  /** Use app.inject() for requests; the app also listens on baseUrl. */
  app: FastifyInstance;
  baseUrl: string;
  emulator: RunningEmulator;
  /** A valid bearer token (HS256, TEST_JWT_SECRET) for the user, valid for an hour of ctx.clock. */
  tokenFor(userId: string, tenant?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A port that was free a moment ago (for the benchmarks). Another process may take it before the
 * caller binds it; tests use reservePort (./ports.ts), which holds the port until just before.
 */
export async function freePort(): Promise<number> {
  const reserved = await reservePort();
  await reserved.release();
  return reserved.port;
}

/**
 * The environment of the service on `port` against the emulator at `emulatorUrl`: PGlite in memory
 * unless `databaseUrl` names a PostgreSQL database, a fresh token encryption key, JWT auth with
 * TEST_JWT_SECRET (tokens without a `tenant` claim belong to tenant `default`), logs silent unless
 * TEST_LOG_LEVEL says otherwise.
 */
export function serviceEnv(options: {
  port: number;
  emulatorUrl: string;
  databaseUrl: string | undefined;
}): Record<string, string | undefined> {
  return {
    HOST: '127.0.0.1',
    PORT: String(options.port),
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
    DATA_DIR: ':memory:',
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    GOOGLE_EMULATOR_URL: options.emulatorUrl,
    TOKEN_ENCRYPTION_KEY: `test:${randomBytes(32).toString('base64')}`,
    CRM_JWT_SECRET: TEST_JWT_SECRET,
    CRM_JWT_DEFAULT_TENANT: 'default',
    // Tests and benchmarks poll the API far faster than people do; the per-user request limits
    // have their own tests (test/reliability-limits.test.ts), which turn them on.
    API_RATE_LIMIT_PER_MINUTE: '0',
    SYNC_NOW_RATE_LIMIT_PER_MINUTE: '0',
  };
}

/**
 * A bearer token for `userId` signed with TEST_JWT_SECRET (HS256), issued at `nowSeconds`, with
 * any extra `claims` (the page reads `name` and `email`).
 */
export async function signTestToken(
  userId: string,
  options: {
    nowSeconds: number;
    ttlSeconds: number;
    tenant?: string;
    issuer?: string;
    audience?: string;
    claims?: Record<string, string>;
  },
): Promise<string> {
  const jwt = new SignJWT({
    ...options.claims,
    ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(options.nowSeconds)
    .setExpirationTime(options.nowSeconds + options.ttlSeconds);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

/**
 * A test app asking for the dev sign-in (AUTH_MODE=dev, or no JWT secret) runs it on loopback
 * next to the harness's JWT settings and, on PostgreSQL, a database: both would keep the service
 * from starting it, so the harness says ALLOW_DEV_AUTH=true unless the test sets it itself.
 */
function withDevSignInAllowance(
  env: Record<string, string | undefined>,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const devRequested =
    env.AUTH_MODE === 'dev' ||
    (env.AUTH_MODE === undefined && env.CRM_JWT_SECRET === undefined && env.CRM_JWKS_URL === undefined);
  return devRequested && !('ALLOW_DEV_AUTH' in overrides) ? { ...env, ALLOW_DEV_AUTH: 'true' } : env;
}

/**
 * Starts the real service for a test: the emulator (port 0, auto-consent), a fresh database
 * (in-memory PGlite, or a new database on the DATABASE_URL server, dropped on close), the app
 * with its job workers, and the HTTP server on a real port. JWT auth with TEST_JWT_SECRET.
 *
 * The configuration names the port before the server listens (PUBLIC_URL, the OAuth redirect
 * URI), so the port is reserved up front and released just before the bind; should another
 * process take it in that instant (EADDRINUSE), the app starts again on another port.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  return retryOnAddressInUse(() => startTestAppOnce(options));
}

/** How long a test app's close lets running jobs finish before failing them (to be retried). */
const TEST_SHUTDOWN_GRACE_MS = 5_000;
/** A close step slower than this is reported on stderr. */
const SLOW_CLOSE_STEP_MS = 10_000;

async function startTestAppOnce(options: TestAppOptions): Promise<TestApp> {
  const cleanups: { name: string; step: () => Promise<void> }[] = [];
  const cleanup = async () => {
    // A close that takes long says which of its steps did (a hook timeout alone does not).
    for (const { name, step } of cleanups.reverse()) {
      const slow = setTimeout(() => {
        process.stderr.write(`test app close: step "${name}" still running after ${SLOW_CLOSE_STEP_MS} ms\n`);
      }, SLOW_CLOSE_STEP_MS);
      slow.unref();
      await step()
        .catch(() => undefined)
        .finally(() => clearTimeout(slow));
    }
  };
  try {
    const emulator = await startBundledEmulator({
      port: 0,
      autoConsent: options.autoConsent ?? true,
      conferenceDelayMs: options.conferenceDelayMs ?? 0,
    });
    cleanups.push({ name: 'emulator', step: () => emulator.close() });

    let database: TestDatabase | undefined;
    if (process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '') {
      database = await createTestDatabase(process.env.DATABASE_URL);
      const created = database;
      cleanups.push({ name: 'drop database', step: () => created.drop() });
    }

    const reserved = await reservePort();
    cleanups.push({ name: 'port', step: () => reserved.release() });
    const port = reserved.port;
    const env = withDevSignInAllowance(
      { ...serviceEnv({ port, emulatorUrl: emulator.url, databaseUrl: database?.url }), ...options.env },
      options.env,
    );
    const config = loadConfig(env);
    await registerEmulatorClient(emulator.url, config.google);

    const logger = options.logger ?? createLogger(config);
    const ctx = await createApp(config, {
      logger,
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      jobs: { maintenance: true, ...options.jobs, schedules: options.schedules ?? false },
    });
    // A test's app has no long work worth waiting for: jobs still running get a few seconds
    // (the service's own default is 30), so a busy machine's close stays inside the hook limit.
    cleanups.push({ name: 'context', step: () => ctx.close() });
    cleanups.push({
      name: 'queue',
      step: () => ctx.queue.stop({ graceful: true, timeoutMs: TEST_SHUTDOWN_GRACE_MS }),
    });
    if (options.workers ?? true) await startWorkers(ctx);

    const app = await buildServer(ctx);
    cleanups.push({ name: 'server', step: () => app.close() });
    await reserved.release();
    await app.listen({ host: '127.0.0.1', port });

    return {
      ctx,
      config,
      app,
      baseUrl: `http://127.0.0.1:${port}`,
      emulator,
      tokenFor: (userId, tenant) =>
        signTestToken(userId, {
          nowSeconds: Math.floor(ctx.clock.now().getTime() / 1000),
          ttlSeconds: 3600,
          ...(tenant === undefined ? {} : { tenant }),
          ...(config.auth.mode === 'jwt' && config.auth.issuer !== undefined
            ? { issuer: config.auth.issuer }
            : {}),
          ...(config.auth.mode === 'jwt' && config.auth.audience !== undefined
            ? { audience: config.auth.audience }
            : {}),
        }),
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
