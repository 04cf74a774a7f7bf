import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSyncArgs, runSync } from '../src/app/cli/sync.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { connectWithoutWorkers, listAllEvents, seedEvents } from './support/sync-pull.js';

const run = promisify(execFile);

function capture() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

let t: TestApp;
const USER = 'pull-cli';
const EMAIL = 'pull-cli@example.com';

beforeAll(async () => {
  t = await startTestApp({ workers: false });
  await connectWithoutWorkers(t, USER, EMAIL);
});
afterAll(async () => {
  await t?.close();
});

describe('npm run sync', () => {
  it('reads its arguments, with clear errors', () => {
    expect(parseSyncArgs(['--user', 'alice'])).toEqual({
      userId: 'alice',
      tenantId: 'default',
      full: true,
      calendarId: undefined,
    });
    expect(parseSyncArgs(['--user', 'dave', '--tenant', 'acme', '--incremental'])).toMatchObject({
      tenantId: 'acme',
      full: false,
    });
    expect(parseSyncArgs(['--help'])).toBe('help');
    expect(() => parseSyncArgs([])).toThrow(/--user is required/);
    expect(() => parseSyncArgs(['--user', 'a', '--bogus'])).toThrow(/Unknown option '--bogus'[\s\S]*Usage/);
  });

  it('lists the selected calendars in full with progress and prints a summary', async () => {
    await seedEvents(t, EMAIL, 30, 'Cli');
    const out = capture();
    const err = capture();
    const code = await runSync(
      t.ctx,
      { userId: USER, tenantId: 'default', full: true, calendarId: undefined },
      {
        out: out.stream,
        err: err.stream,
        interactive: false,
      },
    );
    expect(code, err.text()).toBe(0);
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(
      /^calendar\s+status\s+fetched\s+created\s+updated\s+deleted\s+skipped\s+listing\s+seconds$/,
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${EMAIL.replace('.', '\\.')}\\s+pulled\\s+30\\s+30\\s+0\\s+0\\s+0\\s+full\\s+\\d+\\.\\d$`),
    );
    expect(err.text()).toMatch(/30 events fetched/);
    expect((await listAllEvents(t, USER, { q: 'cli' })).length).toBe(30);

    // Again, incremental: nothing new.
    const again = capture();
    expect(
      await runSync(
        t.ctx,
        { userId: USER, tenantId: 'default', full: false, calendarId: undefined },
        {
          out: again.stream,
          err: capture().stream,
          interactive: false,
        },
      ),
    ).toBe(0);
    expect(again.text()).toMatch(/pulled\s+0\s+0\s+0\s+0\s+0\s+incremental/);
  });

  it('says clearly when the user has no connection', async () => {
    const err = capture();
    const code = await runSync(
      t.ctx,
      { userId: 'nobody', tenantId: 'default', full: true, calendarId: undefined },
      {
        out: capture().stream,
        err: err.stream,
        interactive: false,
      },
    );
    expect(code).toBe(1);
    expect(err.text()).toMatch(/User "nobody" \(tenant "default"\) has no active Google Calendar connection/);
  });

  it('runs as the `sync` role of the one entry point', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'crm-sync-cli-'));
    try {
      const env = {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        TOKEN_ENCRYPTION_KEY: '',
        GOOGLE_EMULATOR_URL: t.emulator.url,
        LOG_LEVEL: 'error',
      };
      const failure = await run(
        process.execPath,
        ['--import', 'tsx', 'src/app/main.ts', 'sync', '--user', 'ghost'],
        { env },
      ).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(/has no active Google Calendar connection/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
