/** Counters of a test or soak: runs, commands by kind, faults by kind, divergences found. */
export class RunStats {
  runs = 0;
  failedRuns = 0;
  readonly commands = new Map<string, number>();
  readonly faults = new Map<string, number>();
  readonly divergences: { seed: number; path: string; summary: string; sequence: string }[] = [];

  command(name: string): void {
    this.commands.set(name, (this.commands.get(name) ?? 0) + 1);
  }

  fault(kind: string): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  get commandCount(): number {
    return [...this.commands.values()].reduce((a, b) => a + b, 0);
  }

  get faultCount(): number {
    return [...this.faults.values()].reduce((a, b) => a + b, 0);
  }

  /** A plain-text table of everything counted. */
  table(title: string): string {
    const rows: [string, string][] = [
      ['runs', String(this.runs)],
      ['runs that diverged', String(this.failedRuns)],
      ['commands', String(this.commandCount)],
      ...[...this.commands.entries()].sort().map(([k, v]): [string, string] => [`  ${k}`, String(v)]),
      ['faults injected', String(this.faultCount)],
      ...[...this.faults.entries()].sort().map(([k, v]): [string, string] => [`  ${k}`, String(v)]),
      ['divergences', String(this.divergences.length)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    const lines = [
      title,
      '-'.repeat(width + 10),
      ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v.padStart(6)}`),
    ];
    for (const [i, d] of this.divergences.entries()) {
      lines.push(
        '',
        `divergence ${i + 1}: seed ${d.seed}, path ${d.path}`,
        d.summary,
        `  sequence: ${d.sequence}`,
      );
    }
    return lines.join('\n');
  }
}
