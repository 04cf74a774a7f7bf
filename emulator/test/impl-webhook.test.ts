import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.js';
import { waitFor } from '../../test/support/wait-for.js';
import { adminCall, connectedUser } from './impl-helpers.js';

let emu: RunningEmulator;
let receiver: Server;
let address: string;
const received: IncomingHttpHeaders[] = [];
let failNext = 0;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, webhookRetryBaseMs: 10 });
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.headers);
      res.statusCode = failNext > 0 ? (failNext--, 500) : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await emu.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('push notifications', () => {
  it('sends sync, then exists for API and dashboard changes, retrying a 500', async () => {
    const cal = await connectedUser(emu, 'hook@example.com');
    const { data: channel } = await cal.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'impl-channel-1', type: 'web_hook', address, token: 'secret' },
    });
    expect(channel).toMatchObject({ kind: 'api#channel', id: 'impl-channel-1', token: 'secret' });
    await waitFor('the sync notification', () => received.length === 1);
    expect(received[0]).toMatchObject({
      'x-goog-resource-state': 'sync',
      'x-goog-message-number': '1',
      'x-goog-channel-token': 'secret',
    });

    failNext = 1;
    await cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'ping',
        start: { dateTime: '2030-01-01T10:00:00Z' },
        end: { dateTime: '2030-01-01T11:00:00Z' },
      },
    });
    await waitFor('the retried notification', () => received.length === 3);
    expect(received.slice(1).map((h) => h['x-goog-message-number'])).toEqual(['2', '2']);

    // The dashboard form goes through the same domain code, so it notifies too.
    const form = new URLSearchParams({
      calendarId: 'hook@example.com',
      summary: 'from the page',
      start: '2030-01-02T09:00',
      end: '2030-01-02T10:00',
      sendUpdates: 'none',
    });
    const posted = await fetch(`${emu.url}/__ui/events/create`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    await waitFor('the dashboard change notification', () => received.length === 4);
    expect(received[3]!['x-goog-resource-state']).toBe('exists');
    const page = await (await fetch(`${emu.url}/`)).text();
    expect(page).toContain('from the page');

    const log = await adminCall<Array<{ status: number | null }>>(emu, 'GET', '/webhooks');
    expect(log.map((d) => d.status)).toEqual([200, 500, 200, 200]);
    await cal.channels.stop({ requestBody: { id: 'impl-channel-1', resourceId: channel.resourceId! } });
  });
});
