/**
 * The emulator's single source of time. Everything that depends on time (event created/updated,
 * token, code, channel and sync-token expiry, rate-limit windows) reads it here, so tests can
 * move time forward or pin it. Expiry is always checked lazily against `now()`.
 */
export interface ClockState {
  offsetMs: number;
  fixedNowMs: number | null;
}

export class Clock {
  private offsetMs = 0;
  private fixedNowMs: number | null = null;

  now(): number {
    return this.fixedNowMs ?? Date.now() + this.offsetMs;
  }

  /** Moves time forward (or backward with a negative value); keeps a pinned clock pinned. */
  advance(ms: number): void {
    if (this.fixedNowMs !== null) this.fixedNowMs += ms;
    else this.offsetMs += ms;
  }

  /** Pins the clock at `nowMs`: it stays there until advanced or released. */
  pin(nowMs: number): void {
    this.fixedNowMs = nowMs;
  }

  /** Lets time flow again from the current emulated instant. */
  release(): void {
    if (this.fixedNowMs === null) return;
    this.offsetMs = this.fixedNowMs - Date.now();
    this.fixedNowMs = null;
  }

  reset(): void {
    this.offsetMs = 0;
    this.fixedNowMs = null;
  }

  state(): ClockState {
    return { offsetMs: this.offsetMs, fixedNowMs: this.fixedNowMs };
  }

  restore(state: ClockState): void {
    this.offsetMs = state.offsetMs;
    this.fixedNowMs = state.fixedNowMs;
  }
}
