import { afterAll, beforeAll } from 'vitest';
import { createApp, type AppContext } from '../../src/app/app.js';
import type { Clock } from '../../src/adapters/clock.js';
import { loadConfig, type Config } from '../../src/adapters/config.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import {
  registerEmulatorClient,
  startBundledEmulator,
  type RunningEmulator,
} from '../../src/app/embedded-emulator.js';
import type { Services } from '../../src/app/services.js';
import type { CalendarRef, ConnectionRef } from '../../src/kernel/refs.js';
import { calendarAs } from '../support/emulator-client.js';
import { serviceEnv } from '../support/harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The service tier: one real service (its composed services, a real database, the emulator) with
 * no HTTP server and no job workers. A test calls the services itself (a write, then the push of
 * that event; a Google change, then the pull of that calendar), so each step happens exactly when
 * the test says, and nothing waits for a poll. Jobs the services send stay queued.
 */
export interface ServiceUnderTest {
  ctx: AppContext;
  services: Services;
  config: Config;
  emulator: RunningEmulator;
  /** Connects `userId` (tenant `default`) to the emulated Google account `email` and stores its calendar list. */
  connect(userId: string, email: string): Promise<ConnectedUser>;
  close(): Promise<void>;
}

export interface ConnectedUser {
  owner: { tenantId: string; userId: string };
  connection: ConnectionRef;
  /** The user's primary calendar as the CRM stores it. */
  primary: CalendarRef;
  email: string;
}

/** Nothing listens here: push-channel notifications the emulator sends go nowhere. */
const UNUSED_PORT = 9;

export async function startService(options: { clock?: Clock } = {}): Promise<ServiceUnderTest> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    const emulator = await startBundledEmulator({ port: 0, autoConsent: true });
    cleanups.push(() => emulator.close());
    let database: TestDatabase | undefined;
    if (process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '') {
      database = await createTestDatabase(process.env.DATABASE_URL);
      const created = database;
      cleanups.push(() => created.drop());
    }
    const config = loadConfig(
      serviceEnv({ port: UNUSED_PORT, emulatorUrl: emulator.url, databaseUrl: database?.url }),
    );
    await registerEmulatorClient(emulator.url, config.google);
    const ctx = await createApp(config, {
      logger: createLogger(config),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      jobs: { maintenance: false, schedules: false },
    });
    cleanups.push(() => ctx.close());
    const services = ctx.services;

    const connect = async (userId: string, email: string): Promise<ConnectedUser> => {
      const owner = { tenantId: 'default', userId };
      const { authUrl, browserBinding } = await services.calendarConnect.startConnect(owner, {
        loginHint: email,
      });
      const consent = await fetch(authUrl, { redirect: 'manual' });
      const callback = new URL(consent.headers.get('location') ?? '');
      const connection = await services.calendarConnect.completeConnect({
        state: callback.searchParams.get('state') ?? undefined,
        code: callback.searchParams.get('code') ?? undefined,
        browserBinding, // as the browser that started would send it
      });
      const ref = { id: connection.id, tenantId: owner.tenantId, userId };
      const calendars = await services.calendars.refreshCalendarList(ref);
      const primary = calendars.find((calendar) => calendar.is_primary);
      if (primary === undefined) throw new Error(`no primary calendar stored for ${email}`);
      return { owner, connection: ref, primary: { ...owner, calendarId: primary.id }, email };
    };

    return { ctx, services, config, emulator, connect, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One service for the tests of a file, started before them and closed after them. */
export function useService(ready: (s: ServiceUnderTest) => void | Promise<void>, options = {}): void {
  let service: ServiceUnderTest | undefined;
  beforeAll(async () => {
    service = await startService(options);
    await ready(service);
  });
  afterAll(async () => {
    await service?.close();
  });
}

/** The official Calendar client acting as the emulated Google user `email`. */
export function googleFor(s: ServiceUnderTest, email: string) {
  return calendarAs(s.emulator.url, email, {
    client: { clientId: s.config.google.clientId, clientSecret: s.config.google.clientSecret },
  });
}
