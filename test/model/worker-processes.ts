import { spawn, type ChildProcess } from 'node:child_process';
import { reservePort } from '../support/ports.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Worker processes of the soak on PostgreSQL: `node --import tsx src/app/main.ts worker`, as
 * `npm run worker` runs them, sharing the test app's database, token key and emulator. A restart
 * stops one with SIGTERM (graceful: running jobs finish or are failed for a retry) and starts a
 * new one in its place.
 */
export class WorkerProcesses {
  readonly #children: { child: ChildProcess; port: number; output: () => string }[] = [];
  #next = 0;
  restarts = 0;

  constructor(private readonly env: Record<string, string>) {}

  async start(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) this.#children.push(await this.spawn());
  }

  /** Stops the next worker in turn and starts another one. */
  async restartOne(): Promise<void> {
    const index = this.#next % this.#children.length;
    this.#next += 1;
    const old = this.#children[index];
    if (old === undefined) return;
    await stop(old.child);
    this.#children[index] = await this.spawn();
    this.restarts += 1;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#children.map((c) => stop(c.child)));
    this.#children.length = 0;
  }

  private async spawn(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
    const reserved = await reservePort();
    await reserved.release();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts', 'worker'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env, PORT: String(reserved.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    await waitFor(
      `worker on port ${reserved.port} to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${output}`);
        const res = await fetch(`http://127.0.0.1:${reserved.port}/readyz`);
        await res.text();
        return res.status === 200;
      },
      90_000,
      200,
    );
    return { child, port: reserved.port, output: () => output };
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
