import path from 'node:path';
import type { Logger } from 'pino';
import type { Config, GoogleConfig } from '../adapters/config.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/index.js';
import { DEMO_USERS } from './demo-users.js';

export type { RunningEmulator } from '../../emulator/index.js';

/**
 * Starts the bundled emulator in this process. Loaded on demand so processes talking to real
 * Google never load it.
 */
export async function startBundledEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = await import('../../emulator/index.js');
  return emulator.startEmulator(options);
}

/** Where the embedded emulator keeps Google's side of the demo, next to the CRM's data. */
const SNAPSHOT_FILE_NAME = 'emulator.json';

/** How often the running emulator is asked whether Google's side changed since the last save. */
const CHANGE_CHECK_MS = 2_000;

/** Changes made outside the Google API (the emulator's dashboard, its admin API) are saved this often. */
const SAVE_AT_LEAST_EVERY_MS = 60_000;

/**
 * The embedded emulator's state file: `DATA_DIR/emulator.json`, so that Google's side of the demo
 * lasts as long as the CRM's data in the same directory. None for `DATA_DIR=:memory:`.
 */
export function embeddedEmulatorSnapshotFile(dataDir: string): string | undefined {
  if (dataDir === ':memory:' || path.basename(dataDir) === ':memory:') return undefined;
  return path.join(dataDir, SNAPSHOT_FILE_NAME);
}

async function adminGet<T>(emulatorUrl: string, path: string): Promise<T> {
  const response = await fetch(`${emulatorUrl}/__admin/${path}`);
  if (!response.ok) {
    throw new Error(
      `Emulator admin GET /__admin/${path} failed: ${response.status} ${await response.text()}`,
    );
  }
  return (await response.json()) as T;
}

async function adminPost(
  emulatorUrl: string,
  path: string,
  body: unknown,
  alsoFine: number[] = [],
): Promise<void> {
  const response = await fetch(`${emulatorUrl}/__admin/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok && !alsoFine.includes(response.status)) {
    throw new Error(
      `Emulator admin POST /__admin/${path} failed: ${response.status} ${await response.text()}`,
    );
  }
}

/** Registers this service's OAuth client (id, secret, redirect URI) with the emulator. */
export async function registerEmulatorClient(emulatorUrl: string, google: GoogleConfig): Promise<void> {
  await adminPost(emulatorUrl, 'clients', {
    client_id: google.clientId,
    client_secret: google.clientSecret,
    redirect_uris: [google.redirectUri],
  });
}

/** Creates the emulated Google accounts of the demo users (alice@example.com, ...). */
async function seedEmulatorUsers(emulatorUrl: string): Promise<void> {
  // 409: the account already exists (an emulator restored from a snapshot).
  for (const user of DEMO_USERS)
    await adminPost(emulatorUrl, 'users', { email: user.email, name: user.name }, [409]);
}

/**
 * Saves the emulator's state while it runs, so that a crash loses little: a few seconds after
 * Google's API was used (the emulator counts those requests), and at least every minute for
 * changes made another way. `close()` of the emulator saves the rest.
 */
function saveWhileRunning(emulatorUrl: string, logger: Logger): { stop(): Promise<void> } {
  let lastTotal: number | undefined;
  let lastSave = Date.now();
  let failing = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const { total } = await adminGet<{ total: number }>(emulatorUrl, 'requests');
    if (total === lastTotal && Date.now() - lastSave < SAVE_AT_LEAST_EVERY_MS) return;
    await adminPost(emulatorUrl, 'snapshot', {});
    lastTotal = total;
    lastSave = Date.now();
  };
  const timer = setInterval(() => {
    running = running
      .then(tick)
      .then(() => {
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing) logger.warn({ err: error }, 'Could not save the embedded emulator state; retrying');
        failing = true;
      });
  }, CHANGE_CHECK_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

interface EmbeddedEmulatorOptions {
  port: number;
  /** DATA_DIR: the state is kept in `emulator.json` there (nothing is kept for `:memory:`). */
  dataDir: string;
  logger: Logger;
  /** Log that Google is emulated (default true; one-shot commands stay quiet). */
  announce?: boolean;
}

/**
 * The embedded default: starts the emulator on EMULATOR_PORT from the state it saved last time in
 * DATA_DIR (users, calendars and events, OAuth clients, tokens and grants, push channels,
 * mailbox), registers the OAuth client and the demo users' Google accounts, saves its state while
 * it runs and on `close()`, and says loudly that Google is emulated.
 */
export async function startEmbeddedEmulator(
  google: GoogleConfig,
  options: EmbeddedEmulatorOptions,
): Promise<RunningEmulator> {
  const { logger } = options;
  const snapshotFile = embeddedEmulatorSnapshotFile(options.dataDir);
  const emulator = await startBundledEmulator({
    port: options.port,
    host: '127.0.0.1',
    ...(snapshotFile === undefined ? {} : { snapshotFile }),
  });
  try {
    await registerEmulatorClient(emulator.url, google);
    await seedEmulatorUsers(emulator.url);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  if (options.announce ?? true) {
    logger.warn(
      { emulatorUrl: emulator.url, ...(snapshotFile === undefined ? {} : { stateFile: snapshotFile }) },
      `GOOGLE IS EMULATED: no GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET set, so the bundled Google Calendar emulator runs at ${emulator.url}. Set them to talk to real Google.`,
    );
  }
  if (snapshotFile === undefined) return emulator;
  const saving = saveWhileRunning(emulator.url, logger);
  let closed: Promise<void> | undefined;
  return {
    url: emulator.url,
    port: emulator.port,
    close: () => {
      closed ??= (async () => {
        await saving.stop();
        await emulator.close();
      })();
      return closed;
    },
  };
}

/** EMULATOR_PORT is taken while a command needs the embedded emulator and the embedded store. */
export class EmbeddedEmulatorBusyError extends Error {
  constructor(port: number) {
    super(
      `Port ${port} (EMULATOR_PORT) is in use, so \`npm start\` is probably running on this DATA_DIR. ` +
        'Stop it first: the embedded store (PGlite) is used by one process at a time. While it runs, use ' +
        '"Sync now" on the page or POST /calendar/sync instead.',
    );
    this.name = 'EmbeddedEmulatorBusyError';
  }
}

/**
 * The embedded emulator for a one-shot command (`npm run sync`) when `npm start` is stopped: the
 * same emulator and state as the service's, from DATA_DIR, until the command closes it (which
 * saves its state). Undefined when Google is real or an external emulator is configured, and
 * when the service's own emulator is running (PostgreSQL: the command uses it). With the
 * embedded store a running service means the store is in use: EmbeddedEmulatorBusyError.
 */
export async function startEmbeddedEmulatorForCommand(
  config: Config,
  logger: Logger,
): Promise<RunningEmulator | undefined> {
  const port = config.google.embeddedEmulatorPort;
  if (port === undefined) return undefined;
  try {
    return await startEmbeddedEmulator(config.google, {
      port,
      dataDir: config.dataDir,
      logger,
      announce: false,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    if (config.databaseUrl === undefined) throw new EmbeddedEmulatorBusyError(port);
    return undefined;
  }
}
