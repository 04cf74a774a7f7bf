import { randomUUID } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type TestEmulator } from './support/emulator.js';
import { expectGoogleError, expectRawError } from './support/errors.js';
import { listAll, timedEvent } from './support/events.js';
import { startReceiver, type Receiver } from './support/receiver.js';

let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await setup();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

const focus = (startIso: string): calendar_v3.Schema$Event =>
  timedEvent(startIso, 60, { summary: 'Deep work', eventType: 'focusTime', focusTimeProperties: {} });
const office = (date: string, label: string): calendar_v3.Schema$Event => ({
  summary: 'Office day',
  start: { date },
  end: { date: date.replace(/\d\d$/, (d) => String(Number(d) + 1).padStart(2, '0')) },
  eventType: 'workingLocation',
  workingLocationProperties: { type: 'officeLocation', officeLocation: { label, buildingId: 'BLD-9' } },
});

async function seeded() {
  const user = await emu.newUser();
  const insert = async (requestBody: calendar_v3.Schema$Event) =>
    (await user.cal.events.insert({ calendarId: 'primary', requestBody })).data.id!;
  const ids = {
    meeting: await insert(timedEvent('2032-05-03T09:00:00Z', 30, { summary: 'Standup' })),
    focus: await insert(focus('2032-05-03T13:00:00Z')),
    office: await insert(office('2032-05-04', 'Lyon campus')),
    ooo: await insert(
      timedEvent('2032-05-05T08:00:00Z', 600, {
        summary: 'Dentist',
        eventType: 'outOfOffice',
        outOfOfficeProperties: {},
      }),
    ),
  };
  return { user, ids };
}

describe('events.list eventTypes', () => {
  it('lists only the types asked for, every type without it', async () => {
    const { user, ids } = await seeded();
    const all = await listAll(user.cal, { calendarId: 'primary' });
    expect(all.items.map((e) => e.id).sort()).toEqual(Object.values(ids).sort());
    const status = await listAll(user.cal, {
      calendarId: 'primary',
      eventTypes: ['focusTime', 'outOfOffice'],
    });
    expect(status.items.map((e) => e.id).sort()).toEqual([ids.focus, ids.ooo].sort());
    const defaults = await listAll(user.cal, {
      calendarId: 'primary',
      eventTypes: ['default'],
      singleEvents: true,
    });
    expect(defaults.items.map((e) => e.id)).toEqual([ids.meeting]);
  });

  it('takes only the six types: another value is 400', async () => {
    const { user } = await seeded();
    const all = ['birthday', 'default', 'focusTime', 'fromGmail', 'outOfOffice', 'workingLocation'];
    const every = await listAll(user.cal, { calendarId: 'primary', eventTypes: all });
    expect(every.items).toHaveLength(4);
    await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', eventTypes: ['meeting'] }),
      400,
      'invalidParameter',
    );
  });

  it('keeps the filter in incremental sync, and a token only serves the types it was issued for', async () => {
    const { user, ids } = await seeded();
    const types = ['workingLocation'];
    const first = await listAll(user.cal, { calendarId: 'primary', eventTypes: types });
    expect(first.items.map((e) => e.id)).toEqual([ids.office]);
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: ids.meeting,
      requestBody: { summary: 'Sync' },
    });
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: ids.office,
      requestBody: { workingLocationProperties: { type: 'homeOffice', homeOffice: {} } },
    });
    const changes = await user.cal.events.list({
      calendarId: 'primary',
      eventTypes: types,
      syncToken: first.nextSyncToken!,
    });
    expect(changes.data.items!.map((e) => e.id)).toEqual([ids.office]);
    // The same token without the filter, or with another, cannot say what changed: full sync.
    await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', syncToken: first.nextSyncToken! }),
      410,
      'fullSyncRequired',
    );
    await expectGoogleError(
      user.cal.events.list({
        calendarId: 'primary',
        eventTypes: ['workingLocation', 'default'],
        syncToken: changes.data.nextSyncToken!,
      }),
      410,
      'fullSyncRequired',
    );
    const unfiltered = await listAll(user.cal, { calendarId: 'primary' });
    await expectGoogleError(
      user.cal.events.list({
        calendarId: 'primary',
        eventTypes: types,
        syncToken: unfiltered.nextSyncToken!,
      }),
      410,
      'fullSyncRequired',
    );
  });

  it('finds working location and status events by their fields and English titles with q', async () => {
    const { user, ids } = await seeded();
    const search = async (q: string) =>
      (await listAll(user.cal, { calendarId: 'primary', q })).items.map((e) => e.id).sort();
    expect(await search('lyon')).toEqual([ids.office]);
    expect(await search('BLD-9')).toEqual([ids.office]);
    expect(await search('out of office')).toEqual([ids.ooo]);
    expect(await search('focus time')).toEqual([ids.focus]);
  });
});

describe('events.watch eventTypes', () => {
  const notificationsSent = async (id: string): Promise<number> => {
    const channels = (await emu.admin.get('/channels')) as Array<{
      id: string;
      messageNumber: number;
      eventTypes?: string[];
    }>;
    return channels.find((c) => c.id === id)!.messageNumber;
  };

  it('notifies a channel only about changes of the types it watches', async () => {
    const user = await emu.newUser();
    const id = randomUUID();
    await user.cal.events.watch({
      calendarId: 'primary',
      eventTypes: ['focusTime'],
      requestBody: { id, type: 'web_hook', address: receiver.address },
    });
    const channels = (await emu.admin.get('/channels')) as Array<{ id: string; eventTypes?: string[] }>;
    expect(channels.find((c) => c.id === id)?.eventTypes).toEqual(['focusTime']);
    await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2032-06-01T10:00:00Z') });
    expect(await notificationsSent(id)).toBe(1);
    await user.cal.events.insert({ calendarId: 'primary', requestBody: focus('2032-06-01T14:00:00Z') });
    expect(await notificationsSent(id)).toBe(2);
    await receiver.waitFor((all) => all.filter((n) => n.headers['x-goog-channel-id'] === id).length === 2);
  });

  it('takes only the six types: another value is 400', async () => {
    const user = await emu.newUser();
    const ok = await emu.http('POST', '/calendar/v3/calendars/primary/events/watch', {
      token: user.accessToken,
      query: { eventTypes: 'workingLocation' },
      body: { id: randomUUID(), type: 'web_hook', address: receiver.address },
    });
    expect(ok.status).toBe(200);
    const res = await emu.http('POST', '/calendar/v3/calendars/primary/events/watch', {
      token: user.accessToken,
      query: { eventTypes: 'meeting' },
      body: { id: randomUUID(), type: 'web_hook', address: receiver.address },
    });
    expectRawError(res, 400, 'invalidParameter');
  });
});
