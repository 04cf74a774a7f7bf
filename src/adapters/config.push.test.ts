import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

/** Config.push: Google delivers push notifications to https addresses only. */
const realGoogle = { GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'secret' };

describe('push notifications in the configuration', () => {
  it('are off with real Google and a plain http PUBLIC_URL, saying why and what syncs instead', () => {
    const config = loadConfig({
      ...realGoogle,
      PUBLIC_URL: 'http://crm.internal:3000',
      SYNC_INTERVAL_MINUTES: '5',
    });
    expect(config.push.enabled).toBe(false);
    expect(config.push.offReason).toBe(
      'Push notifications are off: Google delivers them only to https addresses and PUBLIC_URL is http://crm.internal:3000. ' +
        'Changes made in Google arrive with the scheduled pull (every 5 minutes) or "Sync now"; ' +
        'set PUBLIC_URL to an https address Google can reach to turn push on.',
    );
  });

  it('are on with real Google and an https PUBLIC_URL, and with the emulator whatever the URL', () => {
    expect(loadConfig({ ...realGoogle, PUBLIC_URL: 'https://crm.example.com' }).push).toEqual({
      enabled: true,
      offReason: undefined,
    });
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).push.enabled).toBe(true);
    expect(
      loadConfig({ ...realGoogle, GOOGLE_EMULATOR_URL: 'http://127.0.0.1:8085', PUBLIC_URL: 'http://x:1' })
        .push.enabled,
    ).toBe(true);
  });
});
