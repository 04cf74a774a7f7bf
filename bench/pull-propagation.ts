/**
 * Propagation of Google changes into the CRM: through push channels (the service as it runs), and
 * through the original spec's algorithm (re-list the last 30 days, first 100 events, every 15
 * minutes) simulated on the emulator's clock.
 */
import type { RunningEmulator } from '../emulator/src/index.js';
import {
  admin,
  bearer,
  calls,
  connect,
  googleAs,
  mean,
  percentile,
  resetCalls,
  seed,
  sleep,
  startBenchApp,
  type Store,
} from './support.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface PushPropagation {
  store: Store;
  changes: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Calendar API calls the pulls made, per change. */
  listCallsPerChange: number;
  /** Every Calendar API call during the run (events.list and the like), per change. */
  googleCallsPerChange: number;
}

/**
 * Makes `changes` edits in Google one after the other, at random pauses (a new title on one of 50
 * events), and times each until GET /calendar/events shows it, polling every 10 ms.
 */
export async function measurePushPropagation(
  emulator: RunningEmulator,
  store: Store,
  postgresUrl: string,
  changes: number,
): Promise<PushPropagation> {
  const bench = await startBenchApp(emulator, store, postgresUrl, { serve: true });
  try {
    const userId = `propagation-${store}`;
    const email = `${userId}-${Date.now().toString(36)}@example.com`;
    await admin(emulator, 'POST', '/users', { email });
    await seed(emulator, email, 50, { prefix: 'Meeting', startMs: Date.now() + DAY_MS });
    const { calendarId } = await connect(bench, userId, email);
    const owner = { tenantId: 'default', userId };
    // Wait for the initial pull (run by the workers) and the push channel.
    for (;;) {
      const row = (await bench.ctx.services.calendars.list(owner)).find((c) => c.id === calendarId);
      if (row?.last_sync_at != null && row.channel_id !== null) break;
      await sleep(20);
    }
    const google = await googleAs(emulator, email);
    const { data } = await google.events.list({ calendarId: 'primary', maxResults: 100 });
    const ids = (data.items ?? []).map((e) => e.id as string);
    const authorization = await bearer(userId);
    await sleep(1500); // let the initial pulls settle before counting
    await resetCalls(emulator);

    const delays: number[] = [];
    for (let i = 0; i < changes; i++) {
      const title = `Changed ${i}`;
      const started = performance.now();
      await google.events.patch({
        calendarId: 'primary',
        eventId: ids[i % ids.length] as string,
        requestBody: { summary: title },
      });
      for (;;) {
        const res = await bench.app.inject({
          method: 'GET',
          url: `/calendar/events?q=${encodeURIComponent(title)}`,
          headers: { authorization },
        });
        if (res.json<{ items: { title: string }[] }>().items.some((item) => item.title === title)) break;
        await sleep(10);
      }
      delays.push(performance.now() - started);
      // A random pause, so changes do not fall into step with the job queue's 0.5 s polling.
      await sleep(Math.random() * 500);
    }
    await sleep(1500); // pulls still running when the last change became visible
    const counted = await calls(emulator);
    const list = counted['calendar.events.list'] ?? 0;
    const patches = counted['calendar.events.patch'] ?? 0;
    const all = Object.values(counted).reduce((a, b) => a + b, 0) - patches;
    return {
      store,
      changes,
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      meanMs: mean(delays),
      maxMs: Math.max(...delays),
      listCallsPerChange: list / changes,
      googleCallsPerChange: all / changes,
    };
  } finally {
    await bench.close();
  }
}

export interface BaselinePropagation {
  changes: number;
  intervalMinutes: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Changes never seen by the end of the simulation. */
  missed: number;
  /** events.list calls per poll (the algorithm reads one page of at most 100). */
  callsPerPoll: number;
  polls: number;
}

/**
 * The original spec's algorithm on the same emulator, simulated on the emulator's clock: every
 * `intervalMinutes` it lists events from 30 days ago (maxResults=100, singleEvents, orderBy
 * startTime) and notices a change when a listed title differs. `changes` edits happen at uniformly
 * random instants over `changes / 4` intervals; each delay is measured in emulated time.
 */
export async function simulateBaseline(
  emulator: RunningEmulator,
  changes: number,
  intervalMinutes = 15,
): Promise<BaselinePropagation> {
  const email = `baseline-${Date.now().toString(36)}@example.com`;
  await admin(emulator, 'POST', '/users', { email });
  const clockNow = (await admin<{ nowMs: number }>(emulator, 'GET', '/clock')).nowMs;
  // 60 events from 25 days ago to 35 days ahead: all inside the window and within the first 100.
  await seed(emulator, email, 60, { prefix: 'Baseline', startMs: clockNow - 25 * DAY_MS, stepMs: DAY_MS });
  const google = await googleAs(emulator, email);
  const { data } = await google.events.list({ calendarId: 'primary', maxResults: 100 });
  const ids = (data.items ?? []).map((e) => e.id as string);

  const interval = intervalMinutes * MINUTE_MS;
  const span = Math.ceil(changes / 4) * interval;
  const start = clockNow;
  const timeline: { at: number; kind: 'change' | 'poll'; index: number }[] = [];
  for (let i = 0; i < changes; i++)
    timeline.push({ at: start + Math.random() * span, kind: 'change', index: i });
  for (let k = 1; k * interval <= span + interval; k++)
    timeline.push({ at: start + k * interval, kind: 'poll', index: k });
  timeline.sort((a, b) => a.at - b.at || (a.kind === 'change' ? -1 : 1));

  const pending = new Map<string, { at: number; title: string; event: string }>();
  const delays: number[] = [];
  let polls = 0;
  await resetCalls(emulator);
  for (const step of timeline) {
    await admin(emulator, 'POST', '/clock', { now: Math.round(step.at), fixed: true });
    if (step.kind === 'change') {
      const title = `Baseline change ${step.index}`;
      const event = ids[step.index % ids.length] as string;
      await google.events.patch({ calendarId: 'primary', eventId: event, requestBody: { summary: title } });
      // A newer change to the same event supersedes the older one: both are seen at the same poll.
      pending.set(title, { at: step.at, title, event });
      continue;
    }
    polls += 1;
    const listed = await google.events.list({
      calendarId: 'primary',
      timeMin: new Date(step.at - 30 * DAY_MS).toISOString(),
      maxResults: 100,
      singleEvents: true,
      orderBy: 'startTime',
    });
    const current = new Map((listed.data.items ?? []).map((e) => [e.id as string, e.summary ?? '']));
    for (const [title, change] of pending) {
      const now = current.get(change.event);
      const superseded = [...pending.values()].some(
        (other) => other.event === change.event && other.at > change.at,
      );
      if (now === title || (superseded && now !== undefined && now.startsWith('Baseline change'))) {
        delays.push(step.at - change.at);
        pending.delete(title);
      }
    }
  }
  const counted = await calls(emulator);
  await admin(emulator, 'POST', '/clock', { release: true });
  return {
    changes,
    intervalMinutes,
    p50Ms: percentile(delays, 50),
    p99Ms: percentile(delays, 99),
    meanMs: mean(delays),
    missed: pending.size,
    callsPerPoll: (counted['calendar.events.list'] ?? 0) / polls,
    polls,
  };
}
