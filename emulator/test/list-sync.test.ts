import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { listAll, seedEvents, timedEvent } from './support/events.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(async () => {
  await emu.close();
});

describe('events.list paging', () => {
  let big: Connected;

  beforeAll(async () => {
    big = await emu.newUser();
    await seedEvents(emu, big.email, 2600);
  });

  it('returns 250 events by default with a nextPageToken and no nextSyncToken', async () => {
    const { data } = await big.cal.events.list({ calendarId: 'primary' });
    expect(data.kind).toBe('calendar#events');
    expect(data.items).toHaveLength(250);
    expect(data.nextPageToken).toEqual(expect.any(String));
    expect(data.nextSyncToken).toBeUndefined();
  });

  it('never returns more than 2500 events on a page', async () => {
    const { data } = await big.cal.events.list({ calendarId: 'primary', maxResults: 5000 });
    expect(data.items).toHaveLength(2500);
    expect(data.nextPageToken).toEqual(expect.any(String));
  });

  it('pages through everything exactly once; nextSyncToken only on the last page', async () => {
    const all = await listAll(big.cal, { calendarId: 'primary', maxResults: 1000 });
    expect(all.pages).toBe(3);
    expect(all.items).toHaveLength(2600);
    expect(new Set(all.items.map((e) => e.id)).size).toBe(2600);
    expect(all.nextSyncToken).toEqual(expect.any(String));
  });

  it('rejects maxResults below 1 with 400', async () => {
    await expectGoogleError(big.cal.events.list({ calendarId: 'primary', maxResults: 0 }), 400);
  });
});

describe('incremental synchronization', () => {
  let user: Connected;
  beforeAll(async () => {
    user = await emu.newUser();
  });

  it('full sync -> changes -> incremental -> 410 after expiry -> full sync again', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { data } = await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent(`2030-04-0${i + 1}T10:00:00Z`, 60, { summary: `E${i}` }),
      });
      ids.push(data.id!);
    }
    const full = await listAll(user.cal, { calendarId: 'primary', maxResults: 2 });
    expect(full.pages).toBe(3);
    expect(full.items.map((e) => e.id).sort()).toEqual([...ids].sort());

    // Nothing changed: an incremental list is empty and hands back a sync token.
    const idle = await user.cal.events.list({ calendarId: 'primary', syncToken: full.nextSyncToken! });
    expect(idle.data.items).toEqual([]);
    expect(idle.data.nextSyncToken).toEqual(expect.any(String));

    const inserted = (
      await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-04-10T10:00:00Z', 60, { summary: 'new' }),
      })
    ).data;
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: ids[0]!,
      requestBody: { summary: 'E0 renamed' },
    });
    await user.cal.events.delete({ calendarId: 'primary', eventId: ids[1]! });

    const delta = await listAll(user.cal, { calendarId: 'primary', syncToken: full.nextSyncToken! });
    const byId = new Map(delta.items.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual([inserted.id, ids[0], ids[1]].sort());
    expect(byId.get(ids[0])?.summary).toBe('E0 renamed');
    expect(byId.get(ids[1])?.status).toBe('cancelled');
    expect(byId.get(inserted.id)?.status).toBe('confirmed');

    // The newer token sees only later changes.
    const after = await user.cal.events.list({ calendarId: 'primary', syncToken: delta.nextSyncToken! });
    expect(after.data.items).toEqual([]);

    await emu.admin.post('/sync-tokens/expire');
    await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', syncToken: delta.nextSyncToken! }),
      410,
      'fullSyncRequired',
    );

    const again = await listAll(user.cal, { calendarId: 'primary' });
    expect(again.items.map((e) => e.id).sort()).toEqual(
      [...ids.filter((id) => id !== ids[1]), inserted.id].sort(),
    );
    const fresh = await user.cal.events.list({ calendarId: 'primary', syncToken: again.nextSyncToken! });
    expect(fresh.data.items).toEqual([]);
  });

  it('pages an incremental result like a full one', async () => {
    const start = await listAll(user.cal, { calendarId: 'primary' });
    for (let i = 0; i < 5; i += 1) {
      await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent(`2030-05-0${i + 1}T10:00:00Z`),
      });
    }
    const delta = await listAll(user.cal, {
      calendarId: 'primary',
      syncToken: start.nextSyncToken!,
      maxResults: 2,
    });
    expect(delta.pages).toBe(3);
    expect(delta.items).toHaveLength(5);
  });

  it('answers an unknown sync token with 410 fullSyncRequired', async () => {
    await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', syncToken: 'bm90LWEtdG9rZW4' }),
      410,
      'fullSyncRequired',
    );
  });

  it.each([
    ['timeMin', { timeMin: '2030-01-01T00:00:00Z' }],
    ['timeMax', { timeMax: '2031-01-01T00:00:00Z' }],
    ['q', { q: 'x' }],
    ['iCalUID', { iCalUID: 'x@google.com' }],
    ['orderBy', { orderBy: 'updated' }],
    ['updatedMin', { updatedMin: '2030-01-01T00:00:00Z' }],
    ['privateExtendedProperty', { privateExtendedProperty: ['a=b'] }],
    ['sharedExtendedProperty', { sharedExtendedProperty: ['a=b'] }],
  ])('rejects syncToken combined with %s with 400', async (_name, extra) => {
    const full = await listAll(user.cal, { calendarId: 'primary' });
    await expectGoogleError(
      user.cal.events.list({ calendarId: 'primary', syncToken: full.nextSyncToken!, ...extra }),
      400,
    );
  });
});

describe('deleted events in plain lists', () => {
  it('hides cancelled events unless showDeleted is set', async () => {
    const user = await emu.newUser();
    const kept = (
      await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2030-07-01T10:00:00Z') })
    ).data;
    const gone = (
      await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2030-07-02T10:00:00Z') })
    ).data;
    await user.cal.events.delete({ calendarId: 'primary', eventId: gone.id! });
    const plain = await listAll(user.cal, { calendarId: 'primary' });
    expect(plain.items.map((e) => e.id)).toEqual([kept.id]);
    const withDeleted = await listAll(user.cal, { calendarId: 'primary', showDeleted: true });
    const tomb = withDeleted.items.find((e) => e.id === gone.id);
    expect(tomb?.status).toBe('cancelled');
    expect(withDeleted.items).toHaveLength(2);
  });
});
