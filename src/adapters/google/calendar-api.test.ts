import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../kernel/errors.js';
import { CalendarApi } from './calendar-api.js';
import { GoogleApiError, GoogleUnavailableError, TokenRevokedError } from './errors.js';
import type { GoogleClients } from './google-clients.js';
import type { RequestBudget } from './request-budget.js';

const connection = { id: 'c1', tenantId: 't', userId: 'u' };

function harness(failures: Error[]) {
  let budgetTaken = 0;
  let calls = 0;
  const api = new CalendarApi({
    clients: { calendarFor: () => ({}) } as unknown as GoogleClients,
    budget: { take: async () => void (budgetTaken += 1) } as unknown as RequestBudget,
  });
  const run = () =>
    api.call(connection, async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return 'ok';
    });
  return { run, calls: () => calls, budget: () => budgetTaken };
}

describe('CalendarApi.call', () => {
  it('spends one request of the budget per call', async () => {
    const h = harness([]);
    await expect(h.run()).resolves.toBe('ok');
    await expect(h.run()).resolves.toBe('ok');
    expect(h.calls()).toBe(2);
    expect(h.budget()).toBe(2);
  });

  it('retries nothing in-process: every failure reaches the caller after one request (jobs retry)', async () => {
    for (const error of [
      new RateLimitedError('429', 7),
      new GoogleUnavailableError('503'),
      new GoogleApiError('gone', 410, 'fullSyncRequired'),
      new TokenRevokedError('revoked'),
    ]) {
      const h = harness([error, error]);
      await expect(h.run()).rejects.toBe(error);
      expect(h.calls()).toBe(1);
      expect(h.budget()).toBe(1);
    }
  });
});
