import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index.js';

const USAGE = `Google Calendar API v3 + OAuth 2.0 emulator

Usage: npm run emulator -- [--port 8085] [--host 127.0.0.1] [--auto-consent]
                          [--snapshot state.json] [--rate-limit 600] [--webhook-retry-base-ms 1000]
                          [--conference-delay-ms 300] [--burst-limit 0]
                          [--allow-loopback-http-webhooks] [--log]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be an integer between ${min} and ${max}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'auto-consent': { type: 'boolean' },
        snapshot: { type: 'string' },
        'rate-limit': { type: 'string' },
        'webhook-retry-base-ms': { type: 'string' },
        'conference-delay-ms': { type: 'string' },
        'burst-limit': { type: 'string' },
        'allow-loopback-http-webhooks': { type: 'boolean' },
        log: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options: EmulatorOptions = {
    port: intOption(values.port, 'port', 0, 65535) ?? 8085,
    host: values.host ?? '127.0.0.1',
    autoConsent: values['auto-consent'] ?? false,
    // Google requires https push addresses; a standalone emulator follows it unless told otherwise.
    loopbackHttpWebhooks: values['allow-loopback-http-webhooks'] ?? false,
    logger: values.log ?? false,
  };
  const rateLimit = intOption(values['rate-limit'], 'rate-limit', 1, 100_000_000);
  if (rateLimit !== undefined) options.rateLimitPerMinute = rateLimit;
  const retryBase = intOption(values['webhook-retry-base-ms'], 'webhook-retry-base-ms', 0, 600_000);
  if (retryBase !== undefined) options.webhookRetryBaseMs = retryBase;
  const conferenceDelay = intOption(values['conference-delay-ms'], 'conference-delay-ms', 0, 3_600_000);
  if (conferenceDelay !== undefined) options.conferenceDelayMs = conferenceDelay;
  const burstLimit = intOption(values['burst-limit'], 'burst-limit', 0, 1_000_000);
  if (burstLimit !== undefined) options.burstLimitPerSecond = burstLimit;
  if (values.snapshot) options.snapshotFile = values.snapshot;

  const emulator = await startEmulator(options);
  process.stdout.write(
    `Google Calendar emulator listening on ${emulator.url}\n` +
      `  Calendar API: ${emulator.url}/calendar/v3/   OAuth: ${emulator.url}/o/oauth2/v2/auth, ${emulator.url}/token\n` +
      `  Dashboard: ${emulator.url}/   Admin API: ${emulator.url}/__admin/\n`,
  );
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
