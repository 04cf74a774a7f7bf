import { randomUUID } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait-for.js';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { advanceClock, listAll, timedEvent } from './support/events.js';
import { startReceiver, type Receiver } from './support/receiver.js';

let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await setup();
  receiver = await startReceiver();
});
afterEach(async () => {
  await emu.admin.post('/clock', { release: true });
  await emu.admin.post('/settings', { conferenceDelayMs: 300 });
  await emu.admin.del('/faults');
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

const withMeet = (startIso: string, extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event =>
  timedEvent(startIso, 30, {
    conferenceData: {
      createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } },
    },
    ...extra,
  });

async function insertWithMeet(user: Connected, body: calendar_v3.Schema$Event) {
  return (
    await user.cal.events.insert({ calendarId: 'primary', conferenceDataVersion: 1, requestBody: body })
  ).data;
}

const get = async (user: Connected, eventId: string) =>
  (await user.cal.events.get({ calendarId: 'primary', eventId })).data;

describe('asynchronous conference creation', () => {
  it('answers pending, then the link arrives after the delay as a new version in the sync', async () => {
    await emu.admin.post('/clock', { fixed: true });
    const user = await emu.newUser();
    const full = await listAll(user.cal, { calendarId: 'primary' });
    const created = await insertWithMeet(user, withMeet('2033-06-01T10:00:00Z'));
    expect(created.hangoutLink).toBeUndefined();
    expect(created.conferenceData).toEqual({
      createRequest: {
        requestId: expect.any(String),
        conferenceSolutionKey: { type: 'hangoutsMeet' },
        status: { statusCode: 'pending' },
      },
    });

    await advanceClock(emu, 299);
    expect((await get(user, created.id!)).conferenceData?.createRequest?.status?.statusCode).toBe('pending');
    await advanceClock(emu, 1);
    const ready = await get(user, created.id!);
    expect(ready.conferenceData?.createRequest?.status?.statusCode).toBe('success');
    expect(ready.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(ready.conferenceData?.entryPoints?.[0]?.uri).toBe(ready.hangoutLink);
    expect(ready.etag).not.toBe(created.etag);

    const changes = await listAll(user.cal, { calendarId: 'primary', syncToken: full.nextSyncToken! });
    expect(changes.items).toEqual([
      expect.objectContaining({ id: created.id, hangoutLink: ready.hangoutLink }),
    ]);
  });

  it('waits as long as settings.conferenceDelayMs says', async () => {
    await emu.admin.post('/settings', { conferenceDelayMs: 5000 });
    await emu.admin.post('/clock', { fixed: true });
    const user = await emu.newUser();
    const created = await insertWithMeet(user, withMeet('2033-06-02T10:00:00Z'));
    const pending = (await emu.admin.get('/conferences')) as Array<{ eventId: string }>;
    expect(pending.map((p) => p.eventId)).toContain(created.id);
    await advanceClock(emu, 4999);
    expect((await get(user, created.id!)).hangoutLink).toBeUndefined();
    await advanceClock(emu, 1);
    expect((await get(user, created.id!)).hangoutLink).toEqual(expect.any(String));
  });

  it('ends in failure, without a link, when a conference fault says so', async () => {
    const user = await emu.newUser();
    await emu.admin.post('/faults', { conference: { failure: true }, count: 1 });
    const created = await insertWithMeet(user, withMeet('2033-06-03T10:00:00Z'));
    expect(await emu.admin.post('/conferences/settle')).toEqual({ settled: 1 });
    const failed = await get(user, created.id!);
    expect(failed.conferenceData?.createRequest?.status?.statusCode).toBe('failure');
    expect(failed.conferenceData?.entryPoints).toBeUndefined();
    expect(failed.hangoutLink).toBeUndefined();
  });

  it("reaches the guests' copies and the push channels, and settles on its own while the clock runs", async () => {
    await emu.admin.post('/settings', { conferenceDelayMs: 20 });
    const user = await emu.newUser();
    const guest = await emu.newUser();
    const channel = randomUUID();
    await user.cal.events.watch({
      calendarId: 'primary',
      requestBody: { id: channel, type: 'web_hook', address: receiver.address },
    });
    const created = await insertWithMeet(
      user,
      withMeet('2033-06-04T10:00:00Z', { attendees: [{ email: guest.email }] }),
    );
    const messages = async () =>
      ((await emu.admin.get('/channels')) as Array<{ id: string; messageNumber: number }>).find(
        (c) => c.id === channel,
      )!.messageNumber;
    // sync + the insert + the link.
    await waitFor('the Meet link', async () => (await messages()) === 3, 5000, 10);
    const link = (await get(user, created.id!)).hangoutLink;
    expect(link).toEqual(expect.any(String));
    expect((await get(guest, created.id!)).hangoutLink).toBe(link);
  });
});
