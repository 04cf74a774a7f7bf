/**
 * CRM -> Google push benchmark, on PGlite and on PostgreSQL side by side:
 * 1. latency: a CRM write (create, then a title change) until Google shows it, p50/p99;
 * 2. throughput: 1,000 creates through the outbox (API answer, job, events.insert), creates/s and
 *    Google calls per create, against the original spec's inline approach as a baseline (insert at
 *    Google inside the request, then store the row) on the same emulator and database.
 *
 * Run: npx tsx bench/push-sync.ts
 * Knobs: BENCH_LATENCY_N (default 100), BENCH_CREATES (1000), BENCH_USERS (10), BENCH_CONCURRENCY (16),
 * BENCH_STORES (pglite,postgres), DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { crmEventToGoogle } from '../src/modules/events/mapping/from-google.js';
import { startEmulator } from '../emulator/src/index.js';
import {
  admin,
  calls,
  connectUser,
  googleToken,
  percentile,
  pool,
  sleep,
  startBenchApp,
  visibleInGoogle,
  type BenchApp,
  type BenchUser,
  type Store,
} from './support.js';

const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 100);
const CREATES = Number(process.env.BENCH_CREATES ?? 1000);
const USERS = Number(process.env.BENCH_USERS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const STORES = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',') as Store[];
const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface StoreResult {
  store: string;
  createP50: number;
  createP99: number;
  updateP50: number;
  updateP99: number;
  outbox: ThroughputResult;
  inline: ThroughputResult;
}

interface ThroughputResult {
  creates: number;
  seconds: number;
  perSecond: number;
  /** API answer time of one create, median (ms). */
  answerP50: number;
  insertsPerCreate: number;
  /** Every events.* call made to write (insert, get, patch) per create: the push's own cost. */
  writeCallsPerCreate: number;
  /** Every Google call during the run (the pull's echo listings included) per create. */
  allCallsPerCreate: number;
}

function eventBody(i: number) {
  const start = new Date(Date.UTC(2031, 0, 1, 8) + i * 3_600_000);
  return {
    title: `Bench ${i}`,
    start: start.toISOString(),
    end: new Date(start.getTime() + 1_800_000).toISOString(),
  };
}

async function latency(
  bench: BenchApp,
  user: BenchUser,
): Promise<Pick<StoreResult, 'createP50' | 'createP99' | 'updateP50' | 'updateP99'>> {
  const token = await googleToken(bench.emulator, user.email);
  const creates: number[] = [];
  const updates: number[] = [];
  for (let i = 0; i < LATENCY_N; i++) {
    const started = performance.now();
    const res = await bench.app.inject({
      method: 'POST',
      url: '/calendar/events',
      headers: { authorization: user.authorization },
      payload: eventBody(i),
    });
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
    const item = res.json<{ id: string; google_event_id: string }>();
    creates.push((await visibleInGoogle(bench, token, item.google_event_id, () => true)) - started);
    // Let the pull's echo of the create pass so the update measures the update alone.
    await sleep(20);
    const title = `Renamed ${i}`;
    const changed = performance.now();
    const patch = await bench.app.inject({
      method: 'PATCH',
      url: `/calendar/events/${item.id}`,
      headers: { authorization: user.authorization },
      payload: { title },
    });
    if (patch.statusCode !== 200) throw new Error(`update: ${patch.statusCode} ${patch.body}`);
    updates.push(
      (await visibleInGoogle(bench, token, item.google_event_id, (e) => e.summary === title)) - changed,
    );
  }
  return {
    createP50: percentile(creates, 50),
    createP99: percentile(creates, 99),
    updateP50: percentile(updates, 50),
    updateP99: percentile(updates, 99),
  };
}

async function waitAllSynced(bench: BenchApp, userIds: string[]): Promise<void> {
  for (;;) {
    const { rows } = await bench.ctx.database.executeSql<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE user_id = ANY($1) AND sync_state <> 'synced'",
      [userIds],
    );
    if (Number(rows[0]?.n) === 0) return;
    await sleep(20);
  }
}

function summarize(
  calls: Record<string, number>,
  creates: number,
  seconds: number,
  answers: number[],
): ThroughputResult {
  const sum = (pattern: RegExp) =>
    Object.entries(calls).reduce((n, [method, count]) => (pattern.test(method) ? n + count : n), 0);
  return {
    creates,
    seconds,
    perSecond: creates / seconds,
    answerP50: percentile(answers, 50),
    insertsPerCreate: (calls['calendar.events.insert'] ?? 0) / creates,
    writeCallsPerCreate: sum(/^calendar\.events\.(insert|get|patch|update)$/) / creates,
    allCallsPerCreate: sum(/^calendar\./) / creates,
  };
}

/** 1,000 creates through the API: answered at once, pushed by the workers. */
async function outbox(bench: BenchApp, users: BenchUser[]): Promise<ThroughputResult> {
  await admin(bench.emulator, 'POST', '/requests/reset');
  const answers: number[] = [];
  const started = performance.now();
  await pool(CREATES, CONCURRENCY, async (i) => {
    const user = users[i % users.length] as BenchUser;
    const t0 = performance.now();
    const res = await bench.app.inject({
      method: 'POST',
      url: '/calendar/events',
      headers: { authorization: user.authorization },
      payload: eventBody(1000 + i),
    });
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
    answers.push(performance.now() - t0);
  });
  await waitAllSynced(
    bench,
    users.map((u) => u.userId),
  );
  const seconds = (performance.now() - started) / 1000;
  await sleep(1500); // let the pull's echoes of the last writes land in the count
  return summarize(await calls(bench.emulator), CREATES, seconds, answers);
}

/**
 * The original spec's approach: `events.insert` inside the request (no client id, so a retry
 * would duplicate), then the row is stored. Same Google wrapper, same database.
 */
async function inline(bench: BenchApp, users: BenchUser[]): Promise<ThroughputResult> {
  await admin(bench.emulator, 'POST', '/requests/reset');
  const refs = await Promise.all(
    users.map(async (user) => {
      const calendar = await bench.ctx.db
        .selectFrom('calendars')
        .select(['id', 'connection_id'])
        .where('user_id', '=', user.userId)
        .where('is_primary', '=', true)
        .executeTakeFirstOrThrow();
      return { user, calendar };
    }),
  );
  const answers: number[] = [];
  const started = performance.now();
  await pool(CREATES, CONCURRENCY, async (i) => {
    const { user, calendar } = refs[i % refs.length] as (typeof refs)[number];
    const t0 = performance.now();
    const body = eventBody(5000 + i);
    const fields = {
      id: randomUUID(),
      tenantId: 'default',
      title: body.title,
      description: null,
      location: null,
      allDay: false,
      startAt: new Date(body.start),
      endAt: new Date(body.end),
      startDate: null,
      endDate: null,
      timeZone: 'America/Sao_Paulo', // as the original spec hard-coded it
      attendees: [],
      reminders: null,
      recurrence: null,
      conference: false,
      entity: null,
    };
    const { data } = await bench.ctx.services.calendarApi.call(
      { id: calendar.connection_id, tenantId: 'default', userId: user.userId },
      (api) =>
        api.events.insert({
          calendarId: 'primary',
          requestBody: crmEventToGoogle(fields),
          sendUpdates: 'all',
        }),
    );
    await bench.ctx.db
      .insertInto('events')
      .values({
        tenant_id: 'default',
        user_id: user.userId,
        calendar_id: calendar.id,
        google_event_id: data.id ?? fields.id,
        title: body.title,
        start_at: fields.startAt,
        end_at: fields.endAt,
        time_zone: fields.timeZone,
        google_etag: data.etag ?? null,
        sync_state: 'synced',
      })
      .onConflict((oc) => oc.columns(['calendar_id', 'google_event_id']).doNothing())
      .execute();
    answers.push(performance.now() - t0);
  });
  const seconds = (performance.now() - started) / 1000;
  await sleep(1500);
  return summarize(await calls(bench.emulator), CREATES, seconds, answers);
}

async function runStore(store: Store): Promise<StoreResult> {
  // Its own emulator, without Google's rate limit: the request budget is the app's.
  const emulator = await startEmulator({ port: 0, autoConsent: true, rateLimitPerMinute: 10_000_000 });
  const bench = await startBenchApp(emulator, store, POSTGRES, {
    serve: true,
    env: { GOOGLE_REQUESTS_PER_MINUTE: '100000' },
  });
  try {
    const probe = await connectUser(bench, 'latency');
    const lat = await latency(bench, probe);
    const users: BenchUser[] = [];
    for (let i = 0; i < USERS; i++) users.push(await connectUser(bench, `bulk${i}`));
    await sleep(1000);
    const out = await outbox(bench, users);
    const inl = await inline(bench, users);
    return { store, ...lat, outbox: out, inline: inl };
  } finally {
    await bench.close();
    await emulator.close();
  }
}

const results: StoreResult[] = [];
for (const store of STORES) {
  process.stderr.write(`push benchmark on ${store}...\n`);
  results.push(await runStore(store));
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const f = (n: number, d = 2) => n.toFixed(d);
const columns = results.map((r) => r.store);
const row = (label: string, cell: (r: StoreResult) => string) =>
  `| ${label} | ${results.map(cell).join(' | ')} |`;
const lines = [
  `### CRM -> Google push (${LATENCY_N} sequential writes; ${CREATES} creates by ${USERS} users, ${CONCURRENCY} at a time)`,
  '',
  `| | ${columns.join(' | ')} |`,
  `|---|${columns.map(() => '---:').join('|')}|`,
  row('create -> visible in Google, p50', (r) => ms(r.createP50)),
  row('create -> visible in Google, p99', (r) => ms(r.createP99)),
  row('title change -> visible in Google, p50', (r) => ms(r.updateP50)),
  row('title change -> visible in Google, p99', (r) => ms(r.updateP99)),
  row('outbox: creates/s (answered and pushed)', (r) => f(r.outbox.perSecond, 1)),
  row('outbox: API answer p50', (r) => ms(r.outbox.answerP50)),
  row('outbox: events.insert per create', (r) => f(r.outbox.insertsPerCreate)),
  row('outbox: event write calls per create (insert/get/patch)', (r) => f(r.outbox.writeCallsPerCreate)),
  row('outbox: all Google calls per create (incl. pull echoes)', (r) => f(r.outbox.allCallsPerCreate)),
  row('inline baseline: creates/s', (r) => f(r.inline.perSecond, 1)),
  row('inline baseline: request time p50', (r) => ms(r.inline.answerP50)),
  row('inline baseline: event write calls per create', (r) => f(r.inline.writeCallsPerCreate)),
  row('inline baseline: all Google calls per create', (r) => f(r.inline.allCallsPerCreate)),
];
process.stdout.write(`${lines.join('\n')}\n`);
await mkdir('bench/results', { recursive: true });
await writeFile(
  'bench/results/push-sync.json',
  JSON.stringify({ at: new Date().toISOString(), results }, null, 2),
);
process.exit(0);
