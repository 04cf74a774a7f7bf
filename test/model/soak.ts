/**
 * The convergence test, long: `npm run soak -- --minutes 30`. Runs generated sequences with new
 * seeds until the time is up and prints a table of runs, commands, faults and divergences (each
 * divergence shrunk, with its seed and sequence). With DATABASE_URL set, the service runs on a
 * fresh PostgreSQL database with two worker processes (`npm run worker`), and a worker restart
 * stops one of them and starts another; without it, everything runs in this process on PGlite.
 *
 *   --minutes N        how long to run (default 30)
 *   --commands N       most commands per run (default 30)
 *   --known-defects    also take the paths of the issue's known defects (#8)
 *   --open-findings    also take the paths of divergences already recorded (docs/RELIABILITY.md)
 *   --seed N           the first seed (then one new seed per batch)
 *
 * Exits 1 when a run diverged.
 */
import { parseArgs } from 'node:util';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/harness.js';
import { checkConvergence, RunStats } from './runner.js';
import { inProcessSystem, type System } from './system.js';
import { WorkerProcesses } from './worker-processes.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    commands: { type: 'string', default: '30' },
    'known-defects': { type: 'boolean', default: false },
    'open-findings': { type: 'boolean', default: false },
    seed: { type: 'string' },
  },
});

const minutes = Number(values.minutes);
const maxCommands = Number(values.commands);
if (!(minutes > 0) || !Number.isInteger(maxCommands) || maxCommands < 1) {
  process.stderr.write(
    'Usage: npm run soak -- [--minutes 30] [--commands 30] [--known-defects] [--open-findings] [--seed N]\n',
  );
  process.exit(2);
}

const postgres = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '';

/** The test app (API, emulator) with its workers here, or in two processes on PostgreSQL. */
async function start(): Promise<{ t: TestApp; system: System; workers: WorkerProcesses | undefined }> {
  if (!postgres) {
    const t = await startTestApp();
    return { t, system: inProcessSystem(t), workers: undefined };
  }
  const t = await startTestApp({ workers: false });
  const workers = new WorkerProcesses({
    DATABASE_URL: t.config.databaseUrl ?? '',
    TOKEN_ENCRYPTION_KEY: t.config.tokenEncryptionKey ?? '',
    CRM_JWT_SECRET: TEST_JWT_SECRET,
    GOOGLE_EMULATOR_URL: t.emulator.url,
    PUBLIC_URL: t.baseUrl,
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'silent',
  });
  await workers.start(2);
  const system: System = {
    ...inProcessSystem(t),
    restartWorkers: () => workers.restartOne(),
    describe: () => 'API in this process, two worker processes on PostgreSQL',
  };
  return { t, system, workers };
}

async function main(): Promise<number> {
  const { t, system, workers } = await start();
  const stats = new RunStats();
  const deadline = Date.now() + minutes * 60_000;
  let seed = values.seed === undefined ? undefined : Number(values.seed);
  const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  log(`soak for ${minutes} min: ${system.describe()}, up to ${maxCommands} commands per run`);
  try {
    while (Date.now() < deadline) {
      const result = await checkConvergence({
        system,
        numRuns: 5,
        maxCommands,
        knownDefects: values['known-defects'],
        openFindings: values['open-findings'],
        mix: { faults: true, lifecycle: true },
        stats,
        seed,
        timeLimitMs: Math.max(1_000, deadline - Date.now()),
        log,
      });
      seed = undefined;
      if (result.failed) log(`divergence (seed ${result.seed}):\n${result.report}`);
    }
  } finally {
    await workers?.stopAll();
    await t.close();
  }
  process.stdout.write(`\n${stats.table(`soak: ${minutes} min, ${system.describe()}`)}\n`);
  if (workers !== undefined) process.stdout.write(`worker restarts: ${workers.restarts}\n`);
  return stats.divergences.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
