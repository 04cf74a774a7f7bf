import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { timedEvent } from './support/events.js';
import { sleep, startReceiver, type Notification, type Receiver } from './support/receiver.js';

let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await setup({ webhookRetryBaseMs: 20 });
  receiver = await startReceiver();
});
afterEach(async () => {
  await emu.admin.del('/faults');
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

const exists = (id: string): Notification[] =>
  receiver.received.filter(
    (n) => n.headers['x-goog-channel-id'] === id && n.headers['x-goog-resource-state'] === 'exists',
  );
const messageNumber = (n: Notification): number => Number(n.headers['x-goog-message-number']);

/** A fresh user watching its primary calendar, past the initial `sync` message. */
async function watched(): Promise<{ user: Connected; id: string }> {
  const user = await emu.newUser();
  const id = randomUUID();
  await user.cal.events.watch({
    calendarId: 'primary',
    requestBody: { id, type: 'web_hook', address: receiver.address },
  });
  await receiver.waitFor((all) => all.some((n) => n.headers['x-goog-channel-id'] === id));
  return { user, id };
}

let day = 1;
const change = (user: Connected) =>
  user.cal.events.insert({
    calendarId: 'primary',
    requestBody: timedEvent(`2032-03-${String(day++).padStart(2, '0')}T10:00:00Z`),
  });

describe('webhook faults', () => {
  it('drops the next notification; later ones still arrive', async () => {
    const { user, id } = await watched();
    await emu.admin.post('/faults', { webhook: { drop: true }, count: 1 });
    await change(user);
    await sleep(300);
    expect(exists(id)).toHaveLength(0);
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 1);
    await sleep(100);
    expect(exists(id)).toHaveLength(1);
    expect(messageNumber(exists(id)[0]!)).toBeGreaterThan(1);
  });

  it('duplicates the next notification with the same message number', async () => {
    const { user, id } = await watched();
    await emu.admin.post('/faults', { webhook: { duplicate: true }, count: 1 });
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 2);
    await sleep(100);
    const got = exists(id);
    expect(got).toHaveLength(2);
    expect(messageNumber(got[0]!)).toBe(messageNumber(got[1]!));
  });

  it('delays the next notification', async () => {
    const { user, id } = await watched();
    await emu.admin.post('/faults', { webhook: { delayMs: 600 }, count: 1 });
    const changedAt = Date.now();
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 1);
    expect(exists(id)[0]!.at - changedAt).toBeGreaterThanOrEqual(550);
  });

  it('reorders: a held-back notification arrives after the one that follows it', async () => {
    const { user, id } = await watched();
    await emu.admin.post('/faults', { webhook: { reorder: true }, count: 1 });
    await change(user);
    await sleep(150);
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 2);
    const [first, second] = exists(id);
    expect(messageNumber(first!)).toBeGreaterThan(messageNumber(second!));
  });

  it('records each delivery and its outcome in GET /__admin/webhooks', async () => {
    const { user, id } = await watched();
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 1);
    const log = (await emu.admin.get('/webhooks')) as Array<{
      channelId: string;
      address: string;
      status: number;
      at: string;
      headers: Record<string, string>;
    }>;
    const mine = log.filter((d) => d.channelId === id);
    expect(mine).toHaveLength(2);
    for (const delivery of mine) {
      expect(delivery.address).toBe(receiver.address);
      expect(delivery.status).toBe(200);
      expect(Number.isNaN(Date.parse(delivery.at))).toBe(false);
    }
    const states = mine.map(
      (d) => Object.entries(d.headers).find(([k]) => k.toLowerCase() === 'x-goog-resource-state')?.[1],
    );
    expect(states).toEqual(['sync', 'exists']);
  });
});
