import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { timedEvent } from './support/events.js';
import { startReceiver, type Notification, type Receiver } from './support/receiver.js';

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

interface DeliveryRecord {
  channelId: string;
  messageNumber: number;
  attempt: number;
  status: number | null;
  error?: string;
}

/** GET /__admin/webhooks for one channel: a record per delivery attempt or fault decision. */
async function deliveries(id: string): Promise<DeliveryRecord[]> {
  return ((await emu.admin.get('/webhooks')) as DeliveryRecord[]).filter((d) => d.channelId === id);
}

/**
 * The channel's message number: how many notifications the emulator has sent it. They are sent
 * as the change is made, before the API call that made it answers.
 */
async function notificationsSent(id: string): Promise<number> {
  const channels = (await emu.admin.get('/channels')) as { id: string; messageNumber: number }[];
  return channels.find((c) => c.id === id)?.messageNumber ?? 0;
}

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
    // The notification was sent (message 2) and dropped on the way: the log says so at once.
    expect(await notificationsSent(id)).toBe(2);
    expect(await deliveries(id)).toContainEqual(
      expect.objectContaining({ messageNumber: 2, attempt: 0, status: null }),
    );
    expect(exists(id)).toHaveLength(0);
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 1);
    // Three messages in all (sync, the dropped one, this one): no other can arrive.
    expect(await notificationsSent(id)).toBe(3);
    expect(exists(id)).toHaveLength(1);
    expect(messageNumber(exists(id)[0]!)).toBeGreaterThan(1);
  });

  it('duplicates the next notification with the same message number', async () => {
    const { user, id } = await watched();
    await emu.admin.post('/faults', { webhook: { duplicate: true }, count: 1 });
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 2);
    // One message after the sync one, sent twice: no third copy can arrive.
    expect(await notificationsSent(id)).toBe(2);
    const got = exists(id);
    expect(got).toHaveLength(2);
    expect(messageNumber(got[0]!)).toBe(messageNumber(got[1]!));
  });

  it('delays the next notification', async () => {
    const { user, id } = await watched();
    await emu.admin.post('/faults', { webhook: { delayMs: 2_000 }, count: 1 });
    await change(user);
    // Sent (message 2), but not delivered yet: the next change's notification overtakes it.
    expect(await notificationsSent(id)).toBe(2);
    await change(user);
    await receiver.waitFor(() => exists(id).length >= 2);
    expect(exists(id).map(messageNumber)).toEqual([3, 2]);
  });

  it('reorders: a held-back notification arrives after the one that follows it', async () => {
    const { user, id } = await watched();
    await emu.admin.post('/faults', { webhook: { reorder: true }, count: 1 });
    await change(user);
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
