import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { advanceClock, emulatorNow, timedEvent } from './support/events.js';
import { startReceiver, type Notification, type Receiver } from './support/receiver.js';

let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await setup({ webhookRetryBaseMs: 20 });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

const forChannel = (id: string): Notification[] =>
  receiver.received.filter((n) => n.headers['x-goog-channel-id'] === id);

/**
 * The channel's message number: how many notifications the emulator has sent it. They are sent
 * as the change is made, before the API call that made it answers, so once that call returned, a
 * notification it caused has already counted here.
 */
async function notificationsSent(id: string): Promise<number> {
  const channels = (await emu.admin.get('/channels')) as { id: string; messageNumber: number }[];
  const channel = channels.find((c) => c.id === id);
  if (channel === undefined) throw new Error(`no channel ${id}`);
  return channel.messageNumber;
}

async function watch(user: Connected, extra: { expiration?: string; token?: string } = {}) {
  const id = randomUUID();
  const { data } = await user.cal.events.watch({
    calendarId: 'primary',
    requestBody: {
      id,
      type: 'web_hook',
      address: receiver.address,
      token: extra.token ?? `tok-${id}`,
      ...extra,
    },
  });
  return { id, channel: data };
}

describe('events.watch', () => {
  it('answers with the channel resource', async () => {
    const user = await emu.newUser();
    const now = await emulatorNow(emu);
    const expiration = String(now.getTime() + 3_600_000);
    const { id, channel } = await watch(user, { expiration, token: 'crm-token' });
    expect(channel.kind).toBe('api#channel');
    expect(channel.id).toBe(id);
    expect(channel.resourceId).toEqual(expect.any(String));
    expect(channel.resourceUri).toEqual(expect.any(String));
    expect(channel.token).toBe('crm-token');
    expect(channel.expiration).toBe(expiration);
  });

  it('sends sync first, then exists on each change, with Google headers and empty bodies', async () => {
    const user = await emu.newUser();
    const { id, channel } = await watch(user, { token: 'secret-1' });
    await receiver.waitFor(() => forChannel(id).length >= 1);
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-03-01T10:00:00Z') });
    await receiver.waitFor(() => forChannel(id).length >= 2);
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-03-02T10:00:00Z') });
    await receiver.waitFor(() => forChannel(id).length >= 3);

    const got = forChannel(id);
    expect(got.map((n) => n.headers['x-goog-resource-state'])).toEqual(['sync', 'exists', 'exists']);
    expect(got[0]!.headers['x-goog-message-number']).toBe('1');
    const numbers = got.map((n) => Number(n.headers['x-goog-message-number']));
    expect(numbers[1]).toBeGreaterThan(numbers[0]!);
    expect(numbers[2]).toBeGreaterThan(numbers[1]!);
    for (const n of got) {
      expect(n.body).toBe('');
      expect(n.headers['x-goog-channel-token']).toBe('secret-1');
      expect(n.headers['x-goog-resource-id']).toBe(channel.resourceId);
      expect(n.headers['x-goog-resource-uri']).toBe(channel.resourceUri);
      const expires = Date.parse(String(n.headers['x-goog-channel-expiration']));
      expect(expires).toBeCloseTo(Number(channel.expiration), -4);
    }
  });

  it('does not notify a channel about changes to other calendars', async () => {
    const watched = await emu.newUser();
    const other = await emu.newUser();
    const { id } = await watch(watched);
    await receiver.waitFor(() => forChannel(id).length >= 1);
    await other.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-03-03T10:00:00Z') });
    expect(await notificationsSent(id)).toBe(1);
    expect(forChannel(id)).toHaveLength(1);
  });

  it('retries a notification answered with 5xx until it is accepted', async () => {
    const user = await emu.newUser();
    const { id } = await watch(user);
    await receiver.waitFor(() => forChannel(id).length >= 1);
    receiver.failNext(2, 503);
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-03-04T10:00:00Z') });
    await receiver.waitFor(
      () => forChannel(id).some((n) => n.answered === 200 && n.headers['x-goog-resource-state'] === 'exists'),
      10_000,
    );
    const exists = forChannel(id).filter((n) => n.headers['x-goog-resource-state'] === 'exists');
    expect(exists.map((n) => n.answered)).toEqual([503, 503, 200]);
    expect(new Set(exists.map((n) => n.headers['x-goog-message-number'])).size).toBe(1);
    const log = (await emu.admin.get('/webhooks')) as Array<{
      channelId: string;
      status: number;
      headers: Record<string, string>;
    }>;
    const statuses = log.filter((d) => d.channelId === id).map((d) => d.status);
    expect(statuses).toEqual([200, 503, 503, 200]);
  });

  it('stops notifying after channels.stop', async () => {
    const user = await emu.newUser();
    const { id, channel } = await watch(user);
    await receiver.waitFor(() => forChannel(id).length >= 1);
    const res = await user.cal.channels.stop({ requestBody: { id, resourceId: channel.resourceId! } });
    expect(res.status).toBe(204);
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-03-05T10:00:00Z') });
    expect(await notificationsSent(id)).toBe(1);
    expect(forChannel(id)).toHaveLength(1);
    await expectGoogleError(
      user.cal.channels.stop({ requestBody: { id, resourceId: channel.resourceId! } }),
      404,
      'notFound',
    );
  });

  it('stops notifying once the channel has expired on the emulator clock', async () => {
    const user = await emu.newUser();
    const now = await emulatorNow(emu);
    const { id } = await watch(user, { expiration: String(now.getTime() + 60_000) });
    await receiver.waitFor(() => forChannel(id).length >= 1);
    await advanceClock(emu, 120_000);
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-03-06T10:00:00Z') });
    expect(await notificationsSent(id)).toBe(1);
    expect(forChannel(id)).toHaveLength(1);
  });

  it('rejects a reused channel id, an unknown type and a missing address with 400', async () => {
    const user = await emu.newUser();
    const { id } = await watch(user);
    await expectGoogleError(
      user.cal.events.watch({
        calendarId: 'primary',
        requestBody: { id, type: 'web_hook', address: receiver.address },
      }),
      400,
      'channelIdNotUnique',
    );
    await expectGoogleError(
      user.cal.events.watch({
        calendarId: 'primary',
        requestBody: { id: randomUUID(), type: 'pigeon', address: receiver.address },
      }),
      400,
    );
    await expectGoogleError(
      user.cal.events.watch({ calendarId: 'primary', requestBody: { id: randomUUID(), type: 'web_hook' } }),
      400,
    );
  });
});
