import type { AddressInfo } from 'node:net';
import { AdminError } from './errors.js';
import { buildServer } from './server.js';
import { EmulatorState } from './state/emulator-state.js';
import { loadSnapshot, saveSnapshot } from './state/snapshot.js';

export interface EmulatorOptions {
  /** Port to listen on (default 8085; 0 picks a free port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Authorization requests with `login_hint` redirect straight back with a code (default false). */
  autoConsent?: boolean;
  /** Calendar API requests per minute per Google user before 403 rateLimitExceeded (default 600). */
  rateLimitPerMinute?: number;
  /** State file: loaded at start when it exists, saved on close and on POST /__admin/snapshot. */
  snapshotFile?: string;
  /** Base delay of the exponential backoff when a webhook receiver answers 5xx (default 1000 ms). */
  webhookRetryBaseMs?: number;
  /** Emulator time before a pending Meet create request gets its link (default 300 ms). */
  conferenceDelayMs?: number;
  /** Requests per second per Google user before 429 `rateLimitExceeded` with Retry-After (default 0: none). */
  burstLimitPerSecond?: number;
  /**
   * Accept plain `http://` push-channel addresses on loopback hosts (default true here, for the
   * embedded demo and test suites; the CLI defaults to false). Google requires https everywhere.
   */
  loopbackHttpWebhooks?: boolean;
  /** Log requests with pino (default false). */
  logger?: boolean;
}

export interface RunningEmulator {
  /** Origin of the emulator, e.g. `http://127.0.0.1:8085` (no trailing slash). */
  url: string;
  port: number;
  /** Stops webhook deliveries, saves the snapshot file if one is configured, and closes the server. */
  close(): Promise<void>;
}

/** Starts the Google Calendar API v3 + OAuth 2.0 emulator. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const settings = {
    autoConsent: options.autoConsent ?? false,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 600,
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 1000,
    conferenceDelayMs: options.conferenceDelayMs ?? 300,
    burstLimitPerSecond: options.burstLimitPerSecond ?? 0,
    loopbackHttpWebhooks: options.loopbackHttpWebhooks ?? true,
  };
  const state = new EmulatorState(settings);
  const snapshotFile = options.snapshotFile;
  if (snapshotFile && (await loadSnapshot(state, snapshotFile))) {
    // Options given to this run win over the settings stored in the snapshot.
    if (options.autoConsent !== undefined) state.settings.autoConsent = options.autoConsent;
    if (options.rateLimitPerMinute !== undefined)
      state.settings.rateLimitPerMinute = options.rateLimitPerMinute;
    if (options.webhookRetryBaseMs !== undefined)
      state.settings.webhookRetryBaseMs = options.webhookRetryBaseMs;
    if (options.conferenceDelayMs !== undefined) state.settings.conferenceDelayMs = options.conferenceDelayMs;
    if (options.burstLimitPerSecond !== undefined)
      state.settings.burstLimitPerSecond = options.burstLimitPerSecond;
    if (options.loopbackHttpWebhooks !== undefined)
      state.settings.loopbackHttpWebhooks = options.loopbackHttpWebhooks;
  }

  const parts = buildServer(
    state,
    {
      saveSnapshot: async (file) => {
        const target = file ?? snapshotFile;
        if (!target)
          throw new AdminError(
            400,
            'No snapshot file: start the emulator with snapshotFile or pass {"file"}',
          );
        await saveSnapshot(state, target);
        return target;
      },
      resetAll: () => {
        state.reset();
        parts.dispatcher.clearLog();
      },
    },
    options.logger ?? false,
  );
  const host = options.host ?? '127.0.0.1';
  await parts.app.listen({ port: options.port ?? 8085, host });
  const { port } = parts.app.server.address() as AddressInfo;
  const urlHost =
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () => {
      closed ??= (async () => {
        parts.dispatcher.close();
        parts.conferences.close();
        parts.cancelHangs();
        if (snapshotFile) await saveSnapshot(state, snapshotFile);
        await parts.app.close();
      })();
      return closed;
    },
  };
}
