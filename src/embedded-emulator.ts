import type { Logger } from 'pino';
import type { GoogleConfig } from './config.js';
import type { EmulatorOptions, RunningEmulator } from '../emulator/src/index.js';
import { DEMO_USERS } from './demo-users.js';

export type { RunningEmulator } from '../emulator/src/index.js';

/**
 * Starts the bundled emulator in this process. Loaded on demand so processes talking to real
 * Google never load it.
 */
export async function startBundledEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = await import('../emulator/src/index.js');
  return emulator.startEmulator(options);
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
export async function seedEmulatorUsers(emulatorUrl: string): Promise<void> {
  // 409: the account already exists (an emulator restored from a snapshot).
  for (const user of DEMO_USERS)
    await adminPost(emulatorUrl, 'users', { email: user.email, name: user.name }, [409]);
}

/**
 * The embedded default: starts the emulator on EMULATOR_PORT, registers the OAuth client and
 * the demo users' Google accounts, and says loudly that Google is emulated.
 */
export async function startEmbeddedEmulator(
  google: GoogleConfig,
  port: number,
  logger: Logger,
): Promise<RunningEmulator> {
  const emulator = await startBundledEmulator({ port, host: '127.0.0.1' });
  try {
    await registerEmulatorClient(emulator.url, google);
    await seedEmulatorUsers(emulator.url);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  logger.warn(
    { emulatorUrl: emulator.url },
    `GOOGLE IS EMULATED: no GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET set, so the bundled Google Calendar emulator runs at ${emulator.url}. Set them to talk to real Google.`,
  );
  return emulator;
}
