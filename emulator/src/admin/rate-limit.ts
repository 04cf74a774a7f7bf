const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

/** Requests of each user inside one sliding window, on the emulator clock. */
class SlidingWindow {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  /** The user's requests still inside the window at `nowMs`, oldest first. */
  private recent(email: string, nowMs: number): number[] {
    let window = this.windows.get(email);
    if (!window) {
      window = [];
      this.windows.set(email, window);
    }
    let expired = 0;
    while (expired < window.length && (window[expired] ?? 0) <= nowMs - this.windowMs) expired++;
    if (expired > 0) window.splice(0, expired);
    return window;
  }

  full(email: string, nowMs: number, limit: number): boolean {
    return this.recent(email, nowMs).length >= limit;
  }

  /** Milliseconds until the oldest request leaves the window (a slot frees up). */
  waitMs(email: string, nowMs: number): number {
    const oldest = this.recent(email, nowMs)[0];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - nowMs);
  }

  record(email: string, nowMs: number): void {
    this.recent(email, nowMs).push(nowMs);
  }

  clear(): void {
    this.windows.clear();
  }
}

/** Why a request was refused: the per-minute quota (403) or a burst (429, with the wait). */
export type RateLimitRefusal = { limit: 'minute' } | { limit: 'burst'; retryAfterMs: number };

/**
 * Per-user quotas on the emulator clock. Google's default Calendar quota is 600 requests per minute
 * per user; over it, requests answer 403 `rateLimitExceeded`. Bursts faster than `perSecond`
 * requests in one second (when set) answer 429 `rateLimitExceeded` with `Retry-After`, as Google
 * answers short bursts now.
 */
export class RateLimiter {
  private readonly minute = new SlidingWindow(MINUTE_MS);
  private readonly second = new SlidingWindow(SECOND_MS);

  /**
   * Records a request at `nowMs` unless the user is over a limit (`perSecond` 0: no burst limit);
   * returns null when allowed, else why not. A refused request is not counted.
   */
  acquire(email: string, nowMs: number, perMinute: number, perSecond: number): RateLimitRefusal | null {
    if (this.minute.full(email, nowMs, perMinute)) return { limit: 'minute' };
    if (perSecond > 0 && this.second.full(email, nowMs, perSecond)) {
      return { limit: 'burst', retryAfterMs: this.second.waitMs(email, nowMs) };
    }
    this.minute.record(email, nowMs);
    this.second.record(email, nowMs);
    return null;
  }

  clear(): void {
    this.minute.clear();
    this.second.clear();
  }
}
