/**
 * What an idle service costs: `serve` (API, job workers, cron schedules) with one connected user and
 * nothing happening, measured over a window on PGlite and PostgreSQL, with every queue polled each
 * half second (all jobs at pg-boss's fastest polling) against the service's own polling (scheduled
 * maintenance queues every MAINTENANCE_POLLING_SECONDS), side by side in one run.
 * Reports the job queue's SQL statements per second and this process's CPU time per minute
 * (on PostgreSQL the server's own work is not in it; the statements are).
 *
 * Run: npm run bench -- idle-cost
 * Knobs: BENCH_IDLE_SECONDS (default 60), BENCH_STORES (pglite,postgres),
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { startEmulator } from '../emulator/src/index.js';
import type { AnyJobDefinition } from '../src/adapters/queue/definition.js';
import { applySchedules } from '../src/app/jobs/workers.js';
import { connectUser, postgresReachable, sleep, startBenchApp, type Store } from './support.js';

const WINDOW_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const STORES = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',') as Store[];
const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Time for the initial sync and its echoes to settle before the window opens. */
const SETTLE_MS = 5_000;

interface Variant {
  name: string;
  definitions: (jobs: readonly AnyJobDefinition[]) => readonly AnyJobDefinition[];
}

const VARIANTS: Variant[] = [
  {
    name: 'every queue at 0.5 s',
    definitions: (jobs) =>
      jobs.map((definition) => {
        const { pollingIntervalSeconds: _seldom, ...fast } = definition;
        return fast;
      }),
  },
  { name: 'service polling', definitions: (jobs) => jobs },
];

interface Row {
  store: Store;
  variant: string;
  statementsPerSecond: number;
  cpuMsPerMinute: number;
}

async function measure(store: Store, variant: Variant): Promise<Row> {
  const emulator = await startEmulator({ port: 0, autoConsent: true });
  const bench = await startBenchApp(emulator, store, POSTGRES, {
    serve: true,
    schedules: true,
    definitions: variant.definitions,
  });
  try {
    await applySchedules(bench.ctx);
    await connectUser(bench, 'idle');
    await sleep(SETTLE_MS);
    const database = bench.ctx.database;
    const execute = database.executeSql.bind(database);
    let statements = 0;
    database.executeSql = (text: string, values?: unknown[]) => {
      statements += 1;
      return execute(text, values);
    };
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await sleep(WINDOW_SECONDS * 1000);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    database.executeSql = execute;
    return {
      store,
      variant: variant.name,
      statementsPerSecond: statements / seconds,
      cpuMsPerMinute: ((cpu.user + cpu.system) / 1000 / seconds) * 60,
    };
  } finally {
    await bench.close();
    await emulator.close();
  }
}

const rows: Row[] = [];
for (const store of STORES) {
  if (store === 'postgres' && !(await postgresReachable(POSTGRES))) {
    console.log(`PostgreSQL is not reachable at ${POSTGRES}; skipping it.`);
    continue;
  }
  for (const variant of VARIANTS) {
    console.error(`measuring ${store}, ${variant.name} (${WINDOW_SECONDS} s)...`);
    rows.push(await measure(store, variant));
  }
}

console.log(`\nIdle service, one connected user, ${WINDOW_SECONDS} s window\n`);
console.log(
  '| store | polling | queue statements/s | CPU ms per minute (this process) | vs every queue at 0.5 s |',
);
console.log('|---|---|---|---|---|');
for (const row of rows) {
  const base = rows.find((r) => r.store === row.store && r.variant === VARIANTS[0]!.name)!;
  const ratio = `${(row.statementsPerSecond / base.statementsPerSecond).toFixed(2)}x statements, ${(
    row.cpuMsPerMinute / base.cpuMsPerMinute
  ).toFixed(2)}x CPU`;
  console.log(
    `| ${row.store} | ${row.variant} | ${row.statementsPerSecond.toFixed(1)} | ${row.cpuMsPerMinute.toFixed(0)} | ${row.variant === base.variant ? '1.00x' : ratio} |`,
  );
}
