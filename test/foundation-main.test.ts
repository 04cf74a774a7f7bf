import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservePort } from './support/ports.js';
import { waitFor } from './support/wait-for.js';

/** The CLI as `npm start` runs it (node --import tsx src/app/main.ts <role>), in a clean environment. */

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info' };
  return { ...env, ...extra };
}

function run(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts', ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  // 'close', not 'exit': by then the output has been read to the end.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the process prints a line matching `pattern`; fails at once if it exits first. */
async function waitForOutput(r: Run, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const outcome = await waitFor(
    `output matching ${String(pattern)}`,
    async () => {
      const match = pattern.exec(r.stdout());
      if (match !== null) return match;
      if (r.child.exitCode !== null || r.child.signalCode !== null) {
        await r.exited; // its output is complete once the process is closed
        return pattern.exec(r.stdout()) ?? 'exited';
      }
      throw new Error(`output so far:\n${r.stdout()}\n${r.stderr()}`);
    },
    timeoutMs,
    100,
  );
  if (outcome === 'exited') throw new ExitedEarly(r);
  return outcome;
}

class ExitedEarly extends Error {
  constructor(readonly run: Run) {
    super(`exited early:\n${run.stdout()}\n${run.stderr()}`);
  }
}

/**
 * Starts `serve` on reserved ports (released just before the spawn). Should another process take
 * one of them in that instant, the server exits with EADDRINUSE and starts again on new ports.
 */
async function serveOnFreePorts(
  dataDir: string,
): Promise<{ server: Run; port: number; emulatorPort: number; line: string }> {
  for (let attempt = 1; ; attempt += 1) {
    const [api, emulator] = [await reservePort(), await reservePort()];
    await api.release();
    await emulator.release();
    const server = run(['serve'], {
      DATA_DIR: dataDir,
      PORT: String(api.port),
      EMULATOR_PORT: String(emulator.port),
    });
    try {
      const [line] = await waitForOutput(server, /CRM Calendar Sync listening on \S+ \([^)]*\)/, 90_000);
      return { server, port: api.port, emulatorPort: emulator.port, line };
    } catch (error) {
      const lostPort = error instanceof ExitedEarly && /EADDRINUSE/.test(server.stdout() + server.stderr());
      if (!lostPort || attempt >= 3) throw error;
    }
  }
}

describe('command line', () => {
  it('lists the roles for an unknown role', async () => {
    const r = run(['bogus'], {});
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain('Unknown role "bogus"');
    for (const role of ['serve', 'api', 'worker', 'migrate', 'emulator']) expect(r.stderr()).toContain(role);
  });

  it('refuses to start with a bad configuration and lists the problems', async () => {
    const r = run(['serve'], { PORT: 'abc', GOOGLE_CLIENT_ID: 'id-without-secret' });
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain('Invalid configuration');
    expect(r.stderr()).toContain('PORT');
    expect(r.stdout()).toBe('');
  });
});

describe('npm start on a fresh machine (embedded default)', () => {
  let dataDir: string;
  let server: Run | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'crm-main-'));
  });
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates with the migrate role', async () => {
    const r = run(['migrate'], { DATA_DIR: dataDir });
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toContain('Database is up to date');
  }, 120_000);

  it('serves the API with the emulator, says so, and stops cleanly on SIGTERM', async () => {
    const started = await serveOnFreePorts(dataDir);
    server = started.server;
    const { line, port, emulatorPort } = started;
    expect(line).toBe(
      `CRM Calendar Sync listening on http://localhost:${port} (embedded store: ${dataDir}, Google: emulator at http://127.0.0.1:${emulatorPort})`,
    );
    expect(server.stdout()).toContain('GOOGLE IS EMULATED');
    expect(server.stdout()).toContain('For local use only');

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    const clients = (await (await fetch(`http://127.0.0.1:${emulatorPort}/__admin/clients`)).json()) as {
      client_id: string;
      redirect_uris: string[];
    }[];
    expect(clients).toContainEqual(
      expect.objectContaining({ redirect_uris: [`http://localhost:${port}/integrations/calendar/callback`] }),
    );
    const users = (await (await fetch(`http://127.0.0.1:${emulatorPort}/__admin/users`)).json()) as {
      email: string;
    }[];
    expect(users.map((u) => u.email)).toEqual(
      expect.arrayContaining(['alice@example.com', 'dave@acme.example']),
    );

    const secret = await stat(path.join(dataDir, 'dev-auth.secret'));
    expect(secret.mode & 0o777).toBe(0o600);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('Stopped');
  }, 150_000);
});
