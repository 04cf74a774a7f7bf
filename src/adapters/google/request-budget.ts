import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { RateLimitedError } from '../../kernel/errors.js';

const WINDOW_MS = 60_000;

/** Waits in real time; injectable so unit tests do not sleep. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

interface RequestBudgetOptions {
  /** Requests one connection may send per minute window (GOOGLE_REQUESTS_PER_MINUTE). */
  perMinute: number;
  /** Longest a caller waits for a new window before giving up with RateLimitedError (default 2.5 min). */
  maxWaitMs?: number;
}

/**
 * A per-connection budget of Google requests, shared by every process through the database:
 * one row per (connection, minute window) whose counter one upsert increments per request. When
 * the window is spent, the caller waits for the next one. Google allows 600 requests per minute
 * per user; staying under a configured share of that keeps a big sync from tripping
 * `userRateLimitExceeded` for the user's other traffic. Fixed windows allow a burst of up to
 * twice the budget across a window boundary, which the configured default (500) keeps under 600
 * averaged over any minute.
 */
export class RequestBudget {
  readonly #maxWaitMs: number;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: RequestBudgetOptions,
    private readonly sleep: Sleep = realSleep,
  ) {
    this.#maxWaitMs = options.maxWaitMs ?? 150_000;
  }

  /** Spends one request of the connection's current window, waiting for a new window when it is spent. */
  async take(connectionId: string): Promise<void> {
    let waited = 0;
    for (;;) {
      const now = this.clock.now().getTime();
      const windowStart = now - (now % WINDOW_MS);
      const used = await this.increment(connectionId, new Date(windowStart));
      if (used <= this.options.perMinute) return;
      const waitMs = windowStart + WINDOW_MS - now + Math.floor(Math.random() * 250);
      if (waited + waitMs > this.#maxWaitMs) {
        throw new RateLimitedError(
          `This connection used its budget of ${this.options.perMinute} Google requests per minute`,
          Math.ceil(waitMs / 1000),
          { budget: this.options.perMinute },
        );
      }
      waited += waitMs;
      await this.sleep(waitMs);
    }
  }

  /** Forgets windows that ended before `before` (run from a scheduled job). */
  async purge(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('google_request_budget')
      .where('window_start', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async increment(connectionId: string, windowStart: Date): Promise<number> {
    const row = await this.db
      .insertInto('google_request_budget')
      .values({ connection_id: connectionId, window_start: windowStart, requests: 1 })
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'window_start'])
          .doUpdateSet({ requests: sql<number>`google_request_budget.requests + 1` }),
      )
      .returning('requests')
      .executeTakeFirstOrThrow();
    return Number(row.requests);
  }
}
