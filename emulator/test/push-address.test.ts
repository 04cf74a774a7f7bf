import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { startReceiver, type Receiver } from './support/receiver.js';

/**
 * Push channel addresses must be https, as Google requires
 * (https://developers.google.com/workspace/calendar/api/guides/push): the `loopbackHttpWebhooks`
 * setting lets plain http through on loopback hosts only (on by default when the emulator is
 * started from code, off for the CLI).
 */

let emu: TestEmulator;
let user: Connected;
let receiver: Receiver;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
  receiver = await startReceiver();
});
afterEach(() => emu.admin.post('/settings', { loopbackHttpWebhooks: true }));
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

const body = (address: string) => ({ id: randomUUID(), type: 'web_hook', address });
const watchEvents = (address: string) =>
  user.cal.events.watch({ calendarId: 'primary', requestBody: body(address) });
const watchList = (address: string) => user.cal.calendarList.watch({ requestBody: body(address) });

describe('push channel addresses', () => {
  it('refuses http with 400 push.webhookUrlNotHttps when loopback http is off, on every watch', async () => {
    await emu.admin.post('/settings', { loopbackHttpWebhooks: false });
    for (const watch of [watchEvents, watchList]) {
      const err = await expectGoogleError(watch(receiver.address), 400, 'push.webhookUrlNotHttps');
      expect(err.error).toMatchObject({
        message: `WebHook callback must be HTTPS: ${receiver.address}`,
        status: 'INVALID_ARGUMENT',
        errors: [{ domain: 'global', reason: 'push.webhookUrlNotHttps' }],
      });
    }
    // https is always accepted (nothing listens there; deliveries just fail and are logged).
    expect((await watchEvents('https://127.0.0.1:9/hook')).status).toBe(200);
    expect((await watchList('https://crm.example.com/webhooks/google/calendar')).status).toBe(200);
  });

  it('takes http on loopback hosts only while the setting is on', async () => {
    await emu.admin.post('/settings', { loopbackHttpWebhooks: true });
    expect((await watchEvents(receiver.address)).status).toBe(200);
    expect((await watchEvents('http://localhost:9/hook')).status).toBe(200);
    expect((await watchList('http://[::1]:9/hook')).status).toBe(200);
    await expectGoogleError(watchEvents('http://crm.example.com/hook'), 400, 'push.webhookUrlNotHttps');
    await expectGoogleError(watchEvents('http://10.0.0.7/hook'), 400, 'push.webhookUrlNotHttps');
    await expectGoogleError(watchEvents('ftp://127.0.0.1/hook'), 400, 'invalid');
  });

  it('is on by default for code that starts the emulator, and can be turned off at start', async () => {
    const settings = (await emu.admin.get('/settings')) as { loopbackHttpWebhooks: boolean };
    expect(settings.loopbackHttpWebhooks).toBe(true);
    const strict = await setup({ loopbackHttpWebhooks: false });
    try {
      const someone = await strict.newUser();
      await expectGoogleError(
        someone.cal.events.watch({ calendarId: 'primary', requestBody: body(receiver.address) }),
        400,
        'push.webhookUrlNotHttps',
      );
    } finally {
      await strict.close();
    }
  });
});
