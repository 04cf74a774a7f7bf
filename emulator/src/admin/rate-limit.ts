const WINDOW_MS = 60_000;

/**
 * Per-user sliding one-minute window, on the emulator clock. Google's default Calendar quota is
 * 600 requests per minute per user; over it, requests answer 403 `rateLimitExceeded`.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  /** Records a request at `nowMs` unless the user is over `limit`; returns whether it is allowed. */
  tryAcquire(email: string, nowMs: number, limit: number): boolean {
    let window = this.windows.get(email);
    if (!window) {
      window = [];
      this.windows.set(email, window);
    }
    let expired = 0;
    while (expired < window.length && (window[expired] ?? 0) <= nowMs - WINDOW_MS) expired++;
    if (expired > 0) window.splice(0, expired);
    if (window.length >= limit) return false;
    window.push(nowMs);
    return true;
  }

  clear(): void {
    this.windows.clear();
  }
}
