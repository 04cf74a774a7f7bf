import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { advanceClock, emulatorNow, listAll, timedEvent } from './support/events.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(async () => {
  await emu.close();
});

async function ids(user: Connected, params: Record<string, unknown>): Promise<string[]> {
  const all = await listAll(user.cal, { calendarId: 'primary', ...params });
  return all.items.map((e) => e.id!);
}

describe('timeMin and timeMax', () => {
  let user: Connected;
  let eventId: string;
  beforeAll(async () => {
    user = await emu.newUser();
    // [10:00, 11:00) UTC
    eventId = (
      await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2030-08-01T10:00:00Z') })
    ).data.id!;
  });

  it('treats timeMin as an exclusive bound on the end', async () => {
    expect(await ids(user, { timeMin: '2030-08-01T11:00:00Z' })).toEqual([]);
    expect(await ids(user, { timeMin: '2030-08-01T10:59:59Z' })).toEqual([eventId]);
    expect(await ids(user, { timeMin: '2030-08-01T12:59:59+02:00' })).toEqual([eventId]);
  });

  it('treats timeMax as an exclusive bound on the start', async () => {
    expect(await ids(user, { timeMax: '2030-08-01T10:00:00Z' })).toEqual([]);
    expect(await ids(user, { timeMax: '2030-08-01T10:00:01Z' })).toEqual([eventId]);
    expect(await ids(user, { timeMax: '2030-08-01T06:00:01-04:00' })).toEqual([eventId]);
  });

  it('rejects an empty range with 400 timeRangeEmpty', async () => {
    await expectGoogleError(
      user.cal.events.list({
        calendarId: 'primary',
        timeMin: '2030-08-02T00:00:00Z',
        timeMax: '2030-08-01T00:00:00Z',
      }),
      400,
      'timeRangeEmpty',
    );
  });

  it('rejects timestamps without an offset or unparsable ones with 400', async () => {
    await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', timeMin: '2030-08-01T10:00:00' }),
      400,
    );
    await expectGoogleError(user.cal.events.list({ calendarId: 'primary', timeMax: 'tomorrow' }), 400);
  });
});

describe('orderBy', () => {
  let user: Connected;
  beforeAll(async () => {
    user = await emu.newUser();
    for (const day of ['05', '03', '04', '01', '02']) {
      await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent(`2030-09-${day}T10:00:00Z`, 60, { summary: day }),
      });
      await advanceClock(emu, 1_000);
    }
  });

  it('requires singleEvents for orderBy=startTime', async () => {
    await expectGoogleError(user.cal.events.list({ calendarId: 'primary', orderBy: 'startTime' }), 400);
  });

  it('orders by start time with singleEvents', async () => {
    const all = await listAll(user.cal, {
      calendarId: 'primary',
      orderBy: 'startTime',
      singleEvents: true,
      maxResults: 2,
    });
    expect(all.items.map((e) => e.summary)).toEqual(['01', '02', '03', '04', '05']);
  });

  it('orders by last modification with orderBy=updated', async () => {
    const all = await listAll(user.cal, { calendarId: 'primary', orderBy: 'updated' });
    expect(all.items.map((e) => e.summary)).toEqual(['05', '03', '04', '01', '02']);
  });

  it('rejects an unknown orderBy with 400', async () => {
    await expectGoogleError(user.cal.events.list({ calendarId: 'primary', orderBy: 'summary' }), 400);
  });
});

describe('updatedMin', () => {
  it('returns what changed since, including deletions regardless of showDeleted', async () => {
    const user = await emu.newUser();
    const old = (
      await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2030-10-01T10:00:00Z') })
    ).data;
    const doomed = (
      await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2030-10-02T10:00:00Z') })
    ).data;
    await advanceClock(emu, 60_000);
    const since = await emulatorNow(emu);
    await advanceClock(emu, 1_000);
    const fresh = (
      await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2030-10-03T10:00:00Z') })
    ).data;
    await user.cal.events.delete({ calendarId: 'primary', eventId: doomed.id! });

    const all = await listAll(user.cal, { calendarId: 'primary', updatedMin: since.toISOString() });
    const byId = new Map(all.items.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual([fresh.id, doomed.id].sort());
    expect(byId.get(doomed.id)?.status).toBe('cancelled');
    expect(byId.has(old.id)).toBe(false);
  });
});

describe('iCalUID, extended properties and q', () => {
  let user: Connected;
  let planning: string;
  let review: string;
  beforeAll(async () => {
    user = await emu.newUser();
    planning = (
      await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-11-01T10:00:00Z', 60, {
          summary: 'Quarterly Planning',
          description: 'budget and hiring',
          location: 'Lisbon office',
          extendedProperties: { private: { crmId: '42', kind: 'meeting' }, shared: { deal: '7' } },
        }),
      })
    ).data.id!;
    review = (
      await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-11-02T10:00:00Z', 60, {
          summary: 'Design review',
          extendedProperties: { private: { crmId: '43', kind: 'meeting' } },
        }),
      })
    ).data.id!;
  });

  it('finds an event by iCalUID', async () => {
    const event = (await user.cal.events.get({ calendarId: 'primary', eventId: planning })).data;
    expect(await ids(user, { iCalUID: event.iCalUID })).toEqual([planning]);
    expect(await ids(user, { iCalUID: 'unknown-uid@google.com' })).toEqual([]);
  });

  it('filters by privateExtendedProperty, all constraints together', async () => {
    expect(await ids(user, { privateExtendedProperty: ['crmId=42'] })).toEqual([planning]);
    expect((await ids(user, { privateExtendedProperty: ['kind=meeting'] })).sort()).toEqual(
      [planning, review].sort(),
    );
    expect(await ids(user, { privateExtendedProperty: ['kind=meeting', 'crmId=43'] })).toEqual([review]);
    expect(await ids(user, { privateExtendedProperty: ['crmId=44'] })).toEqual([]);
    // A shared property does not satisfy a private filter.
    expect(await ids(user, { privateExtendedProperty: ['deal=7'] })).toEqual([]);
  });

  it('filters by sharedExtendedProperty', async () => {
    expect(await ids(user, { sharedExtendedProperty: ['deal=7'] })).toEqual([planning]);
    expect(await ids(user, { sharedExtendedProperty: ['crmId=42'] })).toEqual([]);
  });

  it('matches q case-insensitively against summary, description and location', async () => {
    expect(await ids(user, { q: 'quarterly' })).toEqual([planning]);
    expect(await ids(user, { q: 'HIRING' })).toEqual([planning]);
    expect(await ids(user, { q: 'lisbon' })).toEqual([planning]);
    expect(await ids(user, { q: 'review' })).toEqual([review]);
    expect(await ids(user, { q: 'nothing-matches-this' })).toEqual([]);
  });
});
