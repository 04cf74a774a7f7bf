import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleEnvelope } from './support/errors.js';
import { timedEvent } from './support/events.js';
import { fuzzCase, type FuzzCase } from './support/fuzz-cases.js';
import { Random } from './support/random.js';
import { expectResponseSchema } from './support/schema.js';

/** Reproduce a failure with FUZZ_SEED=<seed>; FUZZ_CASES raises the count for longer runs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const CASE_TIMEOUT_MS = 5_000;

let emu: TestEmulator;
let user: Connected;
let eventId: string;

beforeAll(async () => {
  emu = await setup({ rateLimitPerMinute: 1_000_000 });
  user = await emu.newUser();
  eventId = (
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2033-01-01T10:00:00Z') })
  ).data.id!;
});
afterAll(async () => {
  await emu.close();
});

/** Returns why the answer to `c` breaks the contract, or null when it is fine. */
async function check(c: FuzzCase): Promise<string | null> {
  const headers: Record<string, string> = {};
  if (c.contentType) headers['content-type'] = c.contentType;
  const sendsBody = c.body !== undefined && c.method !== 'GET' && c.method !== 'HEAD';
  let res;
  try {
    res = await emu.http(c.method, c.path, {
      ...(c.oauth ? {} : { token: user.accessToken }),
      ...(sendsBody ? { rawBody: c.body } : {}),
      ...(c.query ? { query: c.query } : {}),
      headers,
      validate: false,
      signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
    });
  } catch (err) {
    return `no well-formed answer: ${String(err)}`;
  }
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 200)}`;
  if (c.oauth) {
    if (res.status === 200) return null;
    const error = (res.body as { error?: unknown } | undefined)?.error;
    if (res.status < 400 || typeof error !== 'string')
      return `OAuth answer ${res.status} without an error code: ${res.text.slice(0, 200)}`;
    return null;
  }
  try {
    if (res.status >= 400) expectGoogleEnvelope(res.body, res.status);
    else if (res.status >= 200 && res.status < 300 && res.text !== '') {
      expectResponseSchema(c.method, new URL(c.path, emu.url), res.body);
    } else if (res.status !== 204) return `unexpected status ${res.status}`;
  } catch (err) {
    return `${res.status} answer breaks the contract: ${(err as Error).message.slice(0, 300)}`;
  }
  return null;
}

describe(`request parsing fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  it('answers every malformed request with a 4xx Google error (or a success), never a 5xx or a hang', async () => {
    const rng = new Random(SEED);
    const failures: string[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < CASES; i += 1) {
      const c = fuzzCase(rng, eventId);
      seen.set(c.target, (seen.get(c.target) ?? 0) + 1);
      const problem = await check(c);
      if (problem) {
        const body = c.body === undefined ? '' : ` body=${JSON.stringify(c.body.slice(0, 120))}`;
        failures.push(
          `#${i} ${c.target} ${c.method} ${c.path.slice(0, 120)} query=${JSON.stringify(c.query ?? {}).slice(0, 160)}${body}: ${problem}`,
        );
      }
    }
    expect(failures, failures.slice(0, 15).join('\n')).toEqual([]);
    // Every case got an answer within CASE_TIMEOUT_MS (a hang is a failure above), and every
    // parsing surface was exercised.
    expect([...seen.values()].reduce((sum, n) => sum + n, 0)).toBe(CASES);
    expect([...seen.keys()].sort()).toEqual(
      [
        'calendar paths',
        'events.get (odd ids)',
        'events.insert',
        'events.list',
        'events.patch',
        'events.update',
        'events.watch',
        'freeBusy.query',
        'oauth token',
      ].sort(),
    );
  }, 90_000);

  it('still answers normally afterwards', async () => {
    const { data } = await user.cal.events.get({ calendarId: 'primary', eventId });
    expect(data.id).toBe(eventId);
    expect((await user.cal.calendarList.list()).status).toBe(200);
    const admin = await emu.admin.get('/clock');
    expect(admin).toMatchObject({ now: expect.any(String) });
  });

  it('did not let __proto__ keys pollute object prototypes', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
