import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../errors.js';
import { backoffDelayMs, CalendarApi, DEFAULT_RETRY_POLICY } from './calendar-api.js';
import { GoogleApiError, GoogleUnavailableError, TokenRevokedError } from './errors.js';
import type { GoogleClients } from './google-clients.js';
import type { RequestBudget } from './request-budget.js';

const connection = { id: 'c1', tenantId: 't', userId: 'u' };

function harness(failures: Error[]) {
  const sleeps: number[] = [];
  let budgetTaken = 0;
  let calls = 0;
  const api = new CalendarApi({
    clients: { calendarFor: () => ({}) } as unknown as GoogleClients,
    budget: { take: async () => void (budgetTaken += 1) } as unknown as RequestBudget,
    logger: pino({ level: 'silent' }),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
  const run = () =>
    api.call(connection, 'test', async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return 'ok';
    });
  return { run, sleeps, calls: () => calls, budget: () => budgetTaken };
}

describe('backoff', () => {
  it('is full jitter under an exponential ceiling capped per delay', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((retry) => backoffDelayMs(retry, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});

describe('CalendarApi.call', () => {
  it('retries rate limits and outages, spending budget for every attempt', async () => {
    const h = harness([new RateLimitedError('429'), new GoogleUnavailableError('503')]);
    await expect(h.run()).resolves.toBe('ok');
    expect(h.calls()).toBe(3);
    expect(h.budget()).toBe(3);
    expect(h.sleeps).toEqual([250, 500]);
  });

  it('waits as long as Retry-After says, or gives up at once when that is too long', async () => {
    const h = harness([new RateLimitedError('429', 7)]);
    await expect(h.run()).resolves.toBe('ok');
    expect(h.sleeps).toEqual([7000]);
    const long = harness([new RateLimitedError('429', 3600)]);
    await expect(long.run()).rejects.toBeInstanceOf(RateLimitedError);
    expect(long.calls()).toBe(1);
  });

  it('stops after the capped number of attempts', async () => {
    const h = harness(Array.from({ length: 10 }, () => new GoogleUnavailableError('down')));
    await expect(h.run()).rejects.toBeInstanceOf(GoogleUnavailableError);
    expect(h.calls()).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it('never retries permanent errors or a revoked grant', async () => {
    for (const error of [
      new GoogleApiError('gone', 410, 'fullSyncRequired'),
      new TokenRevokedError('revoked'),
    ]) {
      const h = harness([error]);
      await expect(h.run()).rejects.toBe(error);
      expect(h.calls()).toBe(1);
    }
  });
});
