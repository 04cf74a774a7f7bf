import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The CLI as `npm start` runs it (node --import tsx src/main.ts <role>), in a clean environment. */

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function waitForOutput(r: Run, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(r.stdout());
    if (match !== null) return match;
    if (r.child.exitCode !== null) throw new Error(`exited early:\n${r.stdout()}\n${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${r.stdout()}\n${r.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
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
  let port: number;
  let emulatorPort: number;
  let server: Run | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'crm-main-'));
    port = await freePort();
    emulatorPort = await freePort();
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
    server = run(['serve'], { DATA_DIR: dataDir, PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
    const [line] = await waitForOutput(server, /CRM Calendar Sync listening on \S+ \([^)]*\)/, 90_000);
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
