import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { listAll, timedEvent } from './support/events.js';

let emu: TestEmulator;
let user: Connected;
let eventId: string;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
  eventId = (
    await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2032-05-01T10:00:00Z', 60, { summary: 'Shaped', description: 'long text' }),
    })
  ).data.id!;
});
afterAll(async () => {
  await emu.close();
});

describe('partial responses (fields)', () => {
  it('returns only the selected fields of a list', async () => {
    const { data } = await user.cal.events.list({
      calendarId: 'primary',
      fields: 'items(id,summary),nextPageToken,nextSyncToken',
    });
    for (const key of Object.keys(data)) expect(['items', 'nextPageToken', 'nextSyncToken']).toContain(key);
    expect(data.nextSyncToken).toEqual(expect.any(String));
    expect(data.items).toEqual([{ id: eventId, summary: 'Shaped' }]);
  });

  it('returns only the selected fields of one event, with sub-selections', async () => {
    const { data } = await user.cal.events.get({
      calendarId: 'primary',
      eventId,
      fields: 'id,start/dateTime,etag',
    });
    expect(Object.keys(data).sort()).toEqual(['etag', 'id', 'start']);
    expect(Object.keys(data.start!)).toEqual(['dateTime']);
  });

  it('rejects a malformed field selection with 400', async () => {
    await expectGoogleError(user.cal.events.list({ calendarId: 'primary', fields: 'items(id' }), 400);
  });
});

describe('timeZone parameter', () => {
  it('renders times in the requested zone', async () => {
    const { data } = await user.cal.events.list({ calendarId: 'primary', timeZone: 'Asia/Tokyo' });
    expect(data.timeZone).toBe('Asia/Tokyo');
    const start = data.items![0]!.start!.dateTime!;
    expect(start).toMatch(/\+09:00$/);
    expect(new Date(start).toISOString()).toBe('2032-05-01T10:00:00.000Z');
  });

  it('rejects an unknown time zone on insert with 400', async () => {
    await expectGoogleError(
      user.cal.events.insert({
        calendarId: 'primary',
        requestBody: {
          start: { dateTime: '2032-05-02T10:00:00', timeZone: 'Mars/Olympus_Mons' },
          end: { dateTime: '2032-05-02T11:00:00', timeZone: 'Mars/Olympus_Mons' },
        },
      }),
      400,
    );
  });

  it('reads a local dateTime in the given timeZone', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        start: { dateTime: '2032-07-01T09:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2032-07-01T10:00:00', timeZone: 'America/New_York' },
      },
    });
    expect(new Date(data.start!.dateTime!).toISOString()).toBe('2032-07-01T13:00:00.000Z');
    expect(data.start!.timeZone).toBe('America/New_York');
  });
});

describe('incremental sync with singleEvents', () => {
  it('returns a changed occurrence of a series as that occurrence', async () => {
    const other = await emu.newUser();
    const { data: series } = await other.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Daily',
        start: { dateTime: '2032-06-01T08:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2032-06-01T08:15:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
      },
    });
    const full = await listAll(other.cal, { calendarId: 'primary', singleEvents: true });
    expect(full.items).toHaveLength(5);
    const instanceId = `${series.id}_20320603T080000Z`;
    await other.cal.events.patch({
      calendarId: 'primary',
      eventId: instanceId,
      requestBody: { summary: 'Daily (changed)' },
    });
    const delta = await listAll(other.cal, {
      calendarId: 'primary',
      singleEvents: true,
      syncToken: full.nextSyncToken!,
    });
    expect(delta.items.map((e) => [e.id, e.summary])).toEqual([[instanceId, 'Daily (changed)']]);
  });
});
