import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Clock } from '../../adapters/clock.js';
import { RateLimitedError } from '../../kernel/errors.js';
import type { AppContext } from '../app.js';
import type { AuthContext } from './auth-tokens.js';

/** The manual trigger, limited more strictly than the rest: each one may pull the caller's calendars. */
const SYNC_NOW_ROUTE = { method: 'POST', url: '/calendar/sync' };

/** Past this many users tracked, buckets that have filled up again are forgotten. */
const MAX_TRACKED = 10_000;

/**
 * A token bucket per key: `perMinute` requests at once, then one more every 60/perMinute seconds.
 * Counted in this process only (see limitRequestsPerUser), on the app's clock.
 */
class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perMs: number;

  constructor(
    readonly perMinute: number,
    private readonly clock: Clock,
  ) {
    this.#perMs = perMinute / 60_000;
  }

  /** Takes one request for `key`: 0 when it may go ahead, else the whole seconds until it may. */
  take(key: string): number {
    const now = this.clock.now().getTime();
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.at) * this.#perMs);
    bucket.at = now;
    if (!this.#buckets.has(key)) {
      if (this.#buckets.size >= MAX_TRACKED) this.#forgetFull(now);
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.perMinute) this.#buckets.delete(key);
    }
  }
}

/**
 * Limits what one CRM user (tenant and user of the bearer token) may ask: every authenticated
 * request takes one from the user's API bucket (API_RATE_LIMIT_PER_MINUTE), and "sync now" one
 * from a stricter bucket too (SYNC_NOW_RATE_LIMIT_PER_MINUTE). Over the limit the answer is 429
 * `rate_limited` with `Retry-After` (whole seconds). Buckets live in each API process: behind a
 * load balancer with N API processes a user may get up to N times the limit.
 *
 * Counted right after authentication: routes that authenticate in a plugin's onRequest hook are
 * counted by a preHandler hook, and routes with `preHandler: app.authenticate` by a check added
 * after it as each route is registered (so this is registered before the routes).
 */
export function limitRequestsPerUser(app: FastifyInstance, ctx: AppContext): void {
  const { apiPerMinute, syncNowPerMinute } = ctx.config.rateLimits;
  const api = apiPerMinute > 0 ? new RateLimiter(apiPerMinute, ctx.clock) : undefined;
  const syncNow = syncNowPerMinute > 0 ? new RateLimiter(syncNowPerMinute, ctx.clock) : undefined;
  if (api === undefined && syncNow === undefined) return;
  const counted = new WeakSet<FastifyRequest>();

  const check = async (request: FastifyRequest): Promise<void> => {
    // `auth` is null until app.authenticate has run (it is decorated that way).
    if ((request.auth as AuthContext | null) === null || counted.has(request)) return;
    counted.add(request);
    const isSyncNow =
      request.method === SYNC_NOW_ROUTE.method && request.routeOptions.url === SYNC_NOW_ROUTE.url;
    const key = JSON.stringify([request.auth.tenantId, request.auth.userId]);
    for (const limiter of [api, isSyncNow ? syncNow : undefined]) {
      const waitSeconds = limiter?.take(key) ?? 0;
      if (limiter === undefined || waitSeconds === 0) continue;
      throw new RateLimitedError(
        `Too many requests: at most ${limiter.perMinute} a minute${limiter === syncNow ? ' to sync now' : ''}; retry in ${waitSeconds} s`,
        waitSeconds,
        { limit_per_minute: limiter.perMinute, retry_after_seconds: waitSeconds },
      );
    }
  };

  app.addHook('preHandler', check);
  app.addHook('onRoute', (route) => {
    const handlers = route.preHandler === undefined ? [] : [route.preHandler].flat();
    if (!handlers.includes(app.authenticate)) return;
    const afterAuthentication: preHandlerAsyncHookHandler = (request) => check(request);
    route.preHandler = [...handlers, afterAuthentication];
  });
}
