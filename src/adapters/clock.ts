/**
 * The one source of "now" for the service. Code that compares times takes a Clock so tests can
 * pin or advance time without patching globals.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock tests can set and advance; starts at `start` (or the real time). */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date = new Date()) {
    this.#ms = start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  set(to: Date): void {
    this.#ms = to.getTime();
  }

  advance(ms: number): void {
    this.#ms += ms;
  }
}
