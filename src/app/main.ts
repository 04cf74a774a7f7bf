import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createApp, type AppContext } from './app.js';
import { assertDevSignInAllowed, ConfigError, loadConfig, type Config } from '../adapters/config.js';
import { seedDemoData } from '../modules/crm/index.js';
import { startBundledEmulator, startEmbeddedEmulator, type RunningEmulator } from './embedded-emulator.js';
import { syncCli } from './cli/sync.js';
import { buildServer } from './http/server.js';
import { applySchedules, startWorkers } from './jobs/workers.js';
import { createLogger } from '../adapters/observability/logger.js';
import { Metrics } from '../adapters/observability/metrics.js';

/**
 * The one entry point: `tsx src/app/main.ts <role>`. The same build runs everything in one process
 * (`serve`) or split across many (`api` and `worker` on PostgreSQL).
 */

/** Something to stop on shutdown, in reverse order of start. */
type Stopper = { name: string; stop: () => Promise<void> };

/**
 * Starts a role, pushing what it starts onto `stoppers` as it goes (so a failed start stops what
 * did start). Returns 'done' for one-shot roles, 'running' for servers.
 */
type Role = (config: Config, logger: Logger, stoppers: Stopper[]) => Promise<'done' | 'running'>;

const SHUTDOWN_TIMEOUT_MS = 35_000;

/** The roles that serve the API, and with AUTH_MODE=dev the dev sign-in. */
const HTTP_API_ROLES = new Set(['serve', 'api']);

const roles: Record<string, { describe: string; run: Role }> = {
  serve: {
    describe: 'API + web page + job workers + scheduler (+ the emulator when Google is not configured)',
    run: serve,
  },
  api: { describe: 'only the HTTP API and web page', run: api },
  worker: {
    describe: 'only the job workers and the scheduler (+ /healthz, /readyz, /metrics on PORT)',
    run: worker,
  },
  migrate: { describe: 'apply database migrations and exit', run: migrate },
  emulator: { describe: 'only the Google Calendar + OAuth emulator, on EMULATOR_PORT', run: emulatorOnly },
  sync: {
    describe: "pull a user's calendars now, in the terminal (--user <id>; --help)",
    run: (c, l) => syncCli(c, l, process.argv.slice(3)),
  },
};

async function serve(config: Config, logger: Logger, stoppers: Stopper[]): Promise<'running'> {
  let emulator: RunningEmulator | undefined;
  if (config.google.embeddedEmulatorPort !== undefined) {
    emulator = await startEmbeddedEmulator(config.google, {
      port: config.google.embeddedEmulatorPort,
      dataDir: config.dataDir,
      logger,
    });
    const running = emulator;
    stoppers.push({ name: 'emulator', stop: () => running.close() });
  }
  const ctx = await createApp(config, {
    logger,
    metrics: new Metrics({ processMetrics: true }),
    ...(emulator !== undefined ? { embeddedEmulatorUrl: emulator.url } : {}),
  });
  stoppers.push({ name: 'jobs and database', stop: () => ctx.close() });
  await seedDemoData(ctx);
  await startWorkers(ctx);
  await applySchedules(ctx);
  const server = await listen(ctx);
  stoppers.push({ name: 'HTTP server', stop: () => server.close() });
  announce(ctx, server);
  return 'running';
}

async function api(config: Config, logger: Logger, stoppers: Stopper[]): Promise<'running'> {
  const ctx = await createApp(config, {
    logger,
    metrics: new Metrics({ processMetrics: true }),
    jobs: { maintenance: false, schedules: false },
  });
  stoppers.push({ name: 'jobs and database', stop: () => ctx.close() });
  const server = await listen(ctx);
  stoppers.push({ name: 'HTTP server', stop: () => server.close() });
  announce(ctx, server);
  return 'running';
}

async function worker(config: Config, logger: Logger, stoppers: Stopper[]): Promise<'running'> {
  const ctx = await createApp(config, { logger, metrics: new Metrics({ processMetrics: true }) });
  stoppers.push({ name: 'jobs and database', stop: () => ctx.close() });
  await startWorkers(ctx);
  await applySchedules(ctx);
  // Probes and job metrics on PORT: give each process on one machine its own PORT.
  const server = await buildServer(ctx, { operationsOnly: true });
  await server.listen({ host: config.host, port: config.port });
  stoppers.push({ name: 'HTTP server', stop: () => server.close() });
  logger.info(
    { concurrency: config.workerConcurrency, port: config.port },
    'Worker running; /healthz, /readyz and /metrics on PORT',
  );
  return 'running';
}

async function migrate(config: Config, logger: Logger): Promise<'done'> {
  // createApp migrates the schema, installs pg-boss's and creates the queues.
  const ctx = await createApp(config, { logger, jobs: { maintenance: false, schedules: false } });
  await ctx.close();
  logger.info('Database is up to date');
  return 'done';
}

async function emulatorOnly(config: Config, logger: Logger, stoppers: Stopper[]): Promise<'running'> {
  const port = config.google.embeddedEmulatorPort ?? Number(new URL(config.google.apiRootUrl).port);
  const emulator = await startBundledEmulator({ port, host: config.host });
  logger.info({ url: emulator.url }, 'Google Calendar emulator listening');
  stoppers.push({ name: 'emulator', stop: () => emulator.close() });
  process.stdout.write(`Google Calendar emulator listening on ${emulator.url}\n`);
  return 'running';
}

async function listen(ctx: AppContext): Promise<FastifyInstance> {
  const server = await buildServer(ctx);
  await server.listen({ host: ctx.config.host, port: ctx.config.port });
  return server;
}

/** The line a person looks for after `npm start`. */
function announce(ctx: AppContext, server: FastifyInstance): void {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : ctx.config.port;
  const url = port === ctx.config.port ? ctx.config.publicUrl : `http://localhost:${port}`;
  const store = ctx.database.kind === 'pglite' ? `embedded store: ${ctx.config.dataDir}` : 'PostgreSQL';
  const google =
    ctx.embeddedEmulatorUrl !== undefined
      ? `Google: emulator at ${ctx.embeddedEmulatorUrl}`
      : ctx.config.google.mode === 'emulator'
        ? `Google: emulator at ${ctx.config.google.apiRootUrl}`
        : 'Google: accounts.google.com';
  ctx.logger.info({ url, store: ctx.database.kind, google: ctx.config.google.mode }, 'Listening');
  process.stdout.write(`\nCRM Calendar Sync listening on ${url} (${store}, ${google})\n\n`);
}

/** Stops everything in reverse start order; returns false if something failed to stop. */
async function stopAll(logger: Logger, stoppers: Stopper[]): Promise<boolean> {
  let ok = true;
  for (const stopper of [...stoppers].reverse()) {
    try {
      await stopper.stop();
    } catch (error) {
      ok = false;
      logger.error({ err: error, component: stopper.name }, 'Error while stopping');
    }
  }
  return ok;
}

/** Stops on SIGINT/SIGTERM; a second signal or the timeout forces exit. */
function installShutdown(logger: Logger, stoppers: Stopper[]): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'Second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'Shutting down: finishing requests and running jobs');
    const timer = setTimeout(() => {
      logger.error('Shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    void stopAll(logger, stoppers).then((ok) => {
      logger.info('Stopped');
      process.exit(ok ? 0 : 1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** Said on stderr as well as in the log: ALLOW_DEV_AUTH=true lets the dev sign-in run exposed. */
function warnOfExposedDevSignIn(config: Config): void {
  const { exposures } = config.devSignIn;
  if (config.auth.mode !== 'dev' || exposures.length === 0) return;
  const rule = '!'.repeat(78);
  process.stderr.write(
    `\n${rule}\nWARNING: ALLOW_DEV_AUTH=true runs the dev sign-in (AUTH_MODE=dev) with\n` +
      exposures.map((exposure) => `  - ${exposure}\n`).join('') +
      'Anyone who reaches this service can sign in as a demo user and read and change\n' +
      `their calendars. Use CRM JWTs (CRM_JWT_SECRET or CRM_JWKS_URL) outside a laptop.\n${rule}\n\n`,
  );
}

function usage(): string {
  const lines = Object.entries(roles).map(([name, role]) => `  ${name.padEnd(9)} ${role.describe}`);
  return `Usage: tsx src/app/main.ts <role>\nRoles:\n${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const roleName = process.argv[2] ?? '';
  const role = roles[roleName];
  if (role === undefined) {
    process.stderr.write(`${roleName === '' ? 'No role given' : `Unknown role "${roleName}"`}.\n${usage()}`);
    process.exit(2);
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
    if (HTTP_API_ROLES.has(roleName)) assertDevSignInAllowed(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee the configuration table in README.md.\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config).child({ role: roleName });
  if (HTTP_API_ROLES.has(roleName)) warnOfExposedDevSignIn(config);
  const stoppers: Stopper[] = [];
  try {
    const state = await role.run(config, logger, stoppers);
    if (state === 'running') installShutdown(logger, stoppers);
  } catch (error) {
    logger.fatal({ err: error }, `Failed to start the ${roleName} role`);
    await stopAll(logger, stoppers);
    process.exit(1);
  }
}

await main();
