/**
 * Emulator sync benchmark: a full sync of a 100,000-event calendar through the official client in
 * pages of 2500, then the cost of an incremental list after 10 changes on that calendar compared
 * with the same on a 1,000-event calendar. An incremental list should cost time proportional to
 * the changes, not to the calendar, so the ratio should be near 1.
 *
 * Run: npx tsx bench/emulator-sync.ts   (BENCH_EVENTS / BENCH_REPS override the defaults)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { calendar_v3 } from '@googleapis/calendar';
import { startEmulator } from '../emulator/src/index.js';
import { calendarAs, callEmulatorAdmin } from '../test/support/emulator-client.js';

const BIG = Number(process.env.BENCH_EVENTS ?? 100_000);
const SMALL = 1_000;
const PAGE = 2_500;
const CHANGES = 10;
const REPS = Number(process.env.BENCH_REPS ?? 20);
const WARMUP = 3;
const SEED_CHUNK = 2_000;
/** Above this big/small ratio the incremental list is no longer independent of calendar size. */
const MAX_RATIO = 3;

const emulator = await startEmulator({ port: 0, rateLimitPerMinute: 10_000_000 });
const url = emulator.url;

const admin = (method: string, path: string, body?: unknown): Promise<unknown> =>
  callEmulatorAdmin(url, method, path, body);

/** A new emulated user and the official client acting as it. */
async function connect(email: string): Promise<calendar_v3.Calendar> {
  await admin('POST', '/users', { email });
  return calendarAs(url, email);
}

async function seed(email: string, count: number): Promise<number> {
  const started = performance.now();
  const base = Date.UTC(2030, 0, 1);
  for (let offset = 0; offset < count; offset += SEED_CHUNK) {
    const events = Array.from({ length: Math.min(SEED_CHUNK, count - offset) }, (_, i) => {
      const start = base + (offset + i) * 3_600_000;
      return {
        summary: `Seeded ${offset + i}`,
        start: { dateTime: new Date(start).toISOString() },
        end: { dateTime: new Date(start + 1_800_000).toISOString() },
      };
    });
    const res = (await admin('POST', `/users/${encodeURIComponent(email)}/events/bulk`, { events })) as {
      inserted: number;
    };
    if (res.inserted !== events.length)
      throw new Error(`bulk insert stored ${res.inserted}/${events.length}`);
  }
  return performance.now() - started;
}

interface FullSync {
  ids: string[];
  syncToken: string;
  ms: number;
  listCalls: number;
  peakRssMb: number;
}

async function fullSync(cal: calendar_v3.Calendar): Promise<FullSync> {
  await admin('POST', '/requests/reset');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const ids: string[] = [];
  let pageToken: string | undefined;
  let syncToken: string | undefined;
  const started = performance.now();
  do {
    const { data } = await cal.events.list({
      calendarId: 'primary',
      maxResults: PAGE,
      ...(pageToken ? { pageToken } : {}),
    });
    for (const item of data.items ?? []) ids.push(item.id!);
    pageToken = data.nextPageToken ?? undefined;
    syncToken = data.nextSyncToken ?? undefined;
  } while (pageToken);
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const counts = (await admin('GET', '/requests')) as { byMethod: Record<string, number> };
  if (!syncToken) throw new Error('the last page carried no nextSyncToken');
  return {
    ids,
    syncToken,
    ms,
    listCalls: counts.byMethod['calendar.events.list'] ?? 0,
    peakRssMb: peak / 2 ** 20,
  };
}

interface Incremental {
  medianMs: number;
  p90Ms: number;
  listCalls: number;
}

/** Repeats: make 10 changes, then time the incremental list that picks them up. */
async function incremental(cal: calendar_v3.Calendar, sync: FullSync): Promise<Incremental> {
  const live = [...sync.ids];
  let token = sync.syncToken;
  const times: number[] = [];
  let calls = 0;
  for (let rep = 0; rep < WARMUP + REPS; rep += 1) {
    for (let c = 0; c < CHANGES; c += 1) {
      const kind = c % 5;
      if (kind < 2) {
        const start = Date.UTC(2040, 0, 1) + (rep * CHANGES + c) * 3_600_000;
        const { data } = await cal.events.insert({
          calendarId: 'primary',
          requestBody: {
            summary: 'change',
            start: { dateTime: new Date(start).toISOString() },
            end: { dateTime: new Date(start + 1_800_000).toISOString() },
          },
        });
        live.push(data.id!);
      } else if (kind < 4) {
        const id = live[(rep * 7919 + c * 104_729) % live.length]!;
        await cal.events.patch({
          calendarId: 'primary',
          eventId: id,
          requestBody: { summary: `patched ${rep}.${c}` },
        });
      } else {
        const [id] = live.splice((rep * 15_485_863 + c) % live.length, 1);
        await cal.events.delete({ calendarId: 'primary', eventId: id! });
      }
    }
    await admin('POST', '/requests/reset');
    const started = performance.now();
    let pageToken: string | undefined;
    let seen = 0;
    let next: string | undefined;
    do {
      const { data } = await cal.events.list({
        calendarId: 'primary',
        syncToken: token,
        ...(pageToken ? { pageToken } : {}),
      });
      seen += data.items?.length ?? 0;
      pageToken = data.nextPageToken ?? undefined;
      next = data.nextSyncToken ?? undefined;
    } while (pageToken);
    const elapsed = performance.now() - started;
    if (seen < 1 || seen > CHANGES)
      throw new Error(`incremental list returned ${seen} items for ${CHANGES} changes`);
    token = next!;
    const counts = (await admin('GET', '/requests')) as { byMethod: Record<string, number> };
    if (rep >= WARMUP) {
      times.push(elapsed);
      calls += counts.byMethod['calendar.events.list'] ?? 0;
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { medianMs: at(0.5), p90Ms: at(0.9), listCalls: calls / REPS };
}

const fmt = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

try {
  const bigCal = await connect('bench-big@example.com');
  const smallCal = await connect('bench-small@example.com');
  const seedBigMs = await seed('bench-big@example.com', BIG);
  await seed('bench-small@example.com', SMALL);

  const big = await fullSync(bigCal);
  if (big.ids.length !== BIG) throw new Error(`full sync returned ${big.ids.length} of ${BIG} events`);
  const small = await fullSync(smallCal);
  const bigInc = await incremental(bigCal, big);
  const smallInc = await incremental(smallCal, small);
  const ratio = bigInc.medianMs / smallInc.medianMs;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;

  console.log(`\n## Emulator sync benchmark (${new Date().toISOString()}, Node ${process.version})\n`);
  console.log('| full sync | value |\n|---|---|');
  console.log(
    `| events | ${BIG.toLocaleString('en-US')} (seeded in ${fmt(seedBigMs / 1000, 2)} s via the bulk admin route) |`,
  );
  console.log(`| page size | ${PAGE} |`);
  console.log(`| events.list calls | ${big.listCalls} (expected ${Math.ceil(BIG / PAGE)}) |`);
  console.log(`| wall time | ${fmt(big.ms / 1000, 2)} s |`);
  console.log(`| throughput | ${fmt(BIG / (big.ms / 1000), 0)} events/s |`);
  console.log(
    `| peak RSS during full sync | ${fmt(big.peakRssMb)} MiB (client and emulator share the process) |`,
  );
  console.log(`| peak RSS of the process | ${fmt(maxRssMb)} MiB |`);
  console.log(
    `\n| incremental list after ${CHANGES} changes (${REPS} reps) | median | p90 | list calls |\n|---|---|---|---|`,
  );
  console.log(
    `| ${BIG.toLocaleString('en-US')}-event calendar | ${fmt(bigInc.medianMs, 2)} ms | ${fmt(bigInc.p90Ms, 2)} ms | ${fmt(bigInc.listCalls)} |`,
  );
  console.log(
    `| ${SMALL.toLocaleString('en-US')}-event calendar | ${fmt(smallInc.medianMs, 2)} ms | ${fmt(smallInc.p90Ms, 2)} ms | ${fmt(smallInc.listCalls)} |`,
  );
  console.log(`| **ratio big/small** | **${fmt(ratio, 2)}** | | |`);
  console.log(
    `\n${ratio <= MAX_RATIO ? 'OK' : 'FAIL'}: incremental cost ratio ${fmt(ratio, 2)} (limit ${MAX_RATIO}).`,
  );

  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/emulator-sync.json', import.meta.url),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        events: BIG,
        page: PAGE,
        fullSync: { ms: big.ms, listCalls: big.listCalls, peakRssMb: big.peakRssMb, maxRssMb },
        incremental: { big: bigInc, small: smallInc, ratio },
      },
      null,
      2,
    ),
  );
  if (ratio > MAX_RATIO) process.exitCode = 1;
} finally {
  await emulator.close();
}
