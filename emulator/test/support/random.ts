/**
 * A small seeded pseudo-random generator (mulberry32) so that every fuzz run is reproducible:
 * a failing case is reported with its seed and index.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(values: readonly T[]): T {
    const value = values[this.int(0, values.length - 1)];
    if (value === undefined) throw new Error('pick from an empty list');
    return value;
  }

  bool(): boolean {
    return this.next() < 0.5;
  }

  /** A string of `length` characters drawn from `alphabet` (code points). */
  string(length: number, alphabet: readonly string[]): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += this.pick(alphabet);
    return out;
  }
}
