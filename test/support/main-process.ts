import { spawn, type ChildProcess } from 'node:child_process';
import { reservePort } from './ports.js';
import { waitFor } from './wait-for.js';

/**
 * The service as `npm start` runs it (`node --import tsx src/app/main.ts <role>`), as a child
 * process with a clean environment, for tests of what a person at a terminal sees.
 */

export interface MainProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The exit code once the process closed (its output read to the end). */
  exited: Promise<number | null>;
}

/** Runs a role with only PATH, HOME, LOG_LEVEL=info and `env`. */
export function runMain(args: string[], env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The process exited before printing what was waited for. */
export class ExitedEarly extends Error {
  constructor(readonly run: MainProcess) {
    super(`exited early:\n${run.stdout()}\n${run.stderr()}`);
  }
}

/** Waits until the process prints a line matching `pattern`; fails at once if it exits first. */
export async function waitForOutput(
  run: MainProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const outcome = await waitFor(
    `output matching ${String(pattern)}`,
    async () => {
      const match = pattern.exec(run.stdout());
      if (match !== null) return match;
      if (run.child.exitCode !== null || run.child.signalCode !== null) {
        await run.exited;
        return pattern.exec(run.stdout()) ?? 'exited';
      }
      throw new Error(`output so far:\n${run.stdout()}\n${run.stderr()}`);
    },
    timeoutMs,
    100,
  );
  if (outcome === 'exited') throw new ExitedEarly(run);
  return outcome;
}

export interface ServePorts {
  port: number;
  emulatorPort: number;
}

/**
 * Starts `serve` with `env` and waits for its "listening" line. On `ports` when given (a restart
 * on the same address), else on reserved ones; should a port be taken in the instant between its
 * release and the bind (EADDRINUSE), it starts again on new ports.
 */
export async function serveAndWait(
  env: Record<string, string>,
  ports?: ServePorts,
): Promise<{ server: MainProcess } & ServePorts> {
  for (let attempt = 1; ; attempt += 1) {
    let chosen = attempt === 1 ? ports : undefined;
    if (chosen === undefined) {
      const [api, emulator] = [await reservePort(), await reservePort()];
      await api.release();
      await emulator.release();
      chosen = { port: api.port, emulatorPort: emulator.port };
    }
    const server = runMain(['serve'], {
      ...env,
      PORT: String(chosen.port),
      EMULATOR_PORT: String(chosen.emulatorPort),
    });
    try {
      await waitForOutput(server, /CRM Calendar Sync listening on \S+ \([^)]*\)/, 90_000);
      return { server, ...chosen };
    } catch (error) {
      const lostPort = error instanceof ExitedEarly && /EADDRINUSE/.test(server.stdout() + server.stderr());
      if (!lostPort || attempt >= 3) throw error;
    }
  }
}

/** Sends SIGTERM and returns the exit code. */
export async function stop(run: MainProcess): Promise<number | null> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
  return run.exited;
}
