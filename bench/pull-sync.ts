/**
 * Pull benchmark: what a Google -> CRM sync costs and how fast changes arrive.
 *
 * 1. Full sync of 10,000 and 100,000 events (one an hour, three quarters in the past) into PGlite
 *    and PostgreSQL side by side: Google calls (the floor is ceil(N/2500) events.list pages),
 *    events/s (mapping, upserts, and reminder notifications of the future events included), peak
 *    RSS; then an idle incremental pull (one call).
 * 2. Propagation of 200 Google changes to GET /calendar/events through push channels, against the
 *    original spec's algorithm (re-list 30 days, first 100 events, every 15 minutes) simulated on
 *    the emulator's clock, and the Google calls per user per day of both for 20 changes a day.
 *
 * Run: npx tsx bench/pull-sync.ts [--quick]   (PostgreSQL from DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test; skipped when unreachable)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { startEmulator } from '../emulator/src/index.js';
import {
  measurePushPropagation,
  simulateBaseline,
  type BaselinePropagation,
  type PushPropagation,
} from './pull-propagation.js';
import {
  admin,
  calls,
  connect,
  memorySampler,
  postgresReachable,
  resetCalls,
  seed,
  startBenchApp,
  type Store,
} from './support.js';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [2_000, 10_000] : [10_000, 100_000];
const CHANGES = quick ? 50 : 200;
const CHANGES_PER_DAY = 20;
const PAGE = 2500;
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface FullSyncRow {
  events: number;
  store: Store;
  listCalls: number;
  otherCalls: number;
  floor: number;
  seconds: number;
  eventsPerSecond: number;
  rssBeforeMb: number;
  peakRssMb: number;
  heapBeforeMb: number;
  peakHeapMb: number;
  stored: number;
  idleCalls: number;
}

const emulator = await startEmulator({ port: 0, autoConsent: true, rateLimitPerMinute: 10_000_000 });
const stores: Store[] = (await postgresReachable(postgresUrl)) ? ['pglite', 'postgres'] : ['pglite'];
if (!stores.includes('postgres')) console.error(`PostgreSQL not reachable at ${postgresUrl}: PGlite only.`);

async function fullSync(size: number, email: string, store: Store): Promise<FullSyncRow> {
  const bench = await startBenchApp(emulator, store, postgresUrl, { serve: false });
  try {
    const userId = `full-${size}-${store}`;
    const { calendarId } = await connect(bench, userId, email);
    const ref = { tenantId: 'default', userId, calendarId };
    global.gc?.();
    const before = process.memoryUsage();
    await resetCalls(emulator);
    const sampler = memorySampler();
    const started = performance.now();
    const outcome = await bench.ctx.services.pull.pull(ref, { trigger: 'cli', full: true });
    const seconds = (performance.now() - started) / 1000;
    const peak = sampler.stop();
    const counted = await calls(emulator);
    const listCalls = counted['calendar.events.list'] ?? 0;
    const otherCalls = Object.values(counted).reduce((a, b) => a + b, 0) - listCalls;
    const { rows } = await bench.ctx.database.executeSql<{ n: string }>(
      'SELECT count(*) AS n FROM events WHERE calendar_id = $1',
      [calendarId],
    );
    await resetCalls(emulator);
    const idle = await bench.ctx.services.pull.pull(ref, { trigger: 'cli' });
    const idleCalls = Object.values(await calls(emulator)).reduce((a, b) => a + b, 0);
    if (outcome.created !== size || idle.fetched !== 0)
      throw new Error(`unexpected outcome ${JSON.stringify({ outcome, idle })}`);
    return {
      events: size,
      store,
      listCalls,
      otherCalls,
      floor: Math.ceil(size / PAGE),
      seconds,
      eventsPerSecond: size / seconds,
      rssBeforeMb: before.rss / 1_048_576,
      peakRssMb: peak.rssMb,
      heapBeforeMb: before.heapUsed / 1_048_576,
      peakHeapMb: peak.heapMb,
      stored: Number(rows[0]?.n ?? 0),
      idleCalls,
    };
  } finally {
    await bench.close();
  }
}

const fullRows: FullSyncRow[] = [];
for (const size of SIZES) {
  const email = `full-${size}@example.com`;
  await admin(emulator, 'POST', '/users', { email });
  const seeding = performance.now();
  // A long-used calendar: three quarters of its events in the past, one an hour.
  await seed(emulator, email, size, { startMs: Date.now() - Math.round(size * 0.75) * 3_600_000 });
  console.error(`seeded ${size} events in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  for (const store of stores) {
    const row = await fullSync(size, email, store);
    console.error(`full sync ${size} into ${store}: ${row.seconds.toFixed(1)} s`);
    fullRows.push(row);
  }
}

const push: PushPropagation[] = [];
for (const store of stores) {
  push.push(await measurePushPropagation(emulator, store, postgresUrl, CHANGES));
  console.error(`push propagation on ${store} measured`);
}
const baseline: BaselinePropagation = await simulateBaseline(emulator, CHANGES);
await emulator.close();

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lines: string[] = [];
lines.push(`## Full sync (${quick ? 'quick run' : 'full run'})`, '');
lines.push(
  '| events | store | events.list calls | floor ceil(N/2500) | other calls | seconds | events/s | RSS before -> peak (MB) | JS heap before -> peak (MB) | rows stored | idle incremental calls |',
);
lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of fullRows) {
  lines.push(
    `| ${fmt(r.events)} | ${r.store} | ${r.listCalls} | ${r.floor} | ${r.otherCalls} | ${fmt(r.seconds, 1)} | ${fmt(r.eventsPerSecond)} | ${fmt(r.rssBeforeMb)} -> ${fmt(r.peakRssMb)} | ${fmt(r.heapBeforeMb)} -> ${fmt(r.peakHeapMb)} | ${fmt(r.stored)} | ${r.idleCalls} |`,
  );
}
const pushPrimary = push[0]!;
const idleCalls = fullRows[0]?.idleCalls ?? 1;
const perDay = (intervalMinutes: number) =>
  CHANGES_PER_DAY * pushPrimary.googleCallsPerChange + (1440 / intervalMinutes) * idleCalls + 2 / 6;
const baselinePerDay = (1440 / baseline.intervalMinutes) * baseline.callsPerPoll;
lines.push(
  '',
  'Memory is the whole process: the in-process emulator (holding every seeded event) and, for PGlite, the in-memory database included.',
);
lines.push('', `## Propagation: Google change -> visible in GET /calendar/events (${CHANGES} changes)`, '');
lines.push('| algorithm | how measured | p50 | p99 | mean | never seen |');
lines.push('|---|---|---:|---:|---:|---:|');
for (const p of push) {
  lines.push(
    `| push channels + incremental pull (${p.store}) | wall clock, ${p.changes} sequential changes | ${fmt(p.p50Ms)} ms | ${fmt(p.p99Ms)} ms | ${fmt(p.meanMs)} ms | 0 |`,
  );
}
lines.push(
  `| original spec: re-list 30 days, first 100, every ${baseline.intervalMinutes} min | simulated on the emulator clock (${baseline.polls} polls) | ${fmt(baseline.p50Ms / 60_000, 1)} min | ${fmt(baseline.p99Ms / 60_000, 1)} min | ${fmt(baseline.meanMs / 60_000, 1)} min | ${baseline.missed} |`,
);
lines.push(
  `| same, analytically (uniform arrivals) | interval/2 mean, p99 = 0.99 x interval | ${fmt(baseline.intervalMinutes / 2, 1)} min | ${fmt(baseline.intervalMinutes * 0.99, 1)} min | ${fmt(baseline.intervalMinutes / 2, 1)} min | - |`,
);
lines.push('', `## Google calls per user per day (${CHANGES_PER_DAY} changes a day)`, '');
lines.push('| algorithm | calls/day | made of |');
lines.push('|---|---:|---|');
lines.push(
  `| push + safety net every 15 min (default) | ${fmt(perDay(15), 1)} | ${CHANGES_PER_DAY} x ${fmt(pushPrimary.googleCallsPerChange, 2)} measured per change + 96 idle pulls x ${idleCalls} + channel renewal (2 per 6 days) |`,
);
lines.push(`| push + safety net every 60 min | ${fmt(perDay(60), 1)} | same, 24 idle pulls |`);
lines.push(
  `| original spec every ${baseline.intervalMinutes} min | ${fmt(baselinePerDay, 1)} | 96 polls x ${fmt(baseline.callsPerPoll, 2)} measured per poll (and it never sees deletions or events past the first 100) |`,
);
const report = lines.join('\n');
console.log(report);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/pull-sync.json', import.meta.url),
  `${JSON.stringify({ quick, stores, fullSync: fullRows, push, baseline, perDay: { push15: perDay(15), push60: perDay(60), baseline: baselinePerDay } }, null, 2)}\n`,
);
process.exit(0);
