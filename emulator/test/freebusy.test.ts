import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { timedEvent } from './support/events.js';

let emu: TestEmulator;
let user: Connected;

const WINDOW = { timeMin: '2031-06-01T00:00:00Z', timeMax: '2031-06-08T00:00:00Z' };
const iso = (s: string | null | undefined): string => new Date(s!).toISOString();

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
  const insert = (body: object) => user.cal.events.insert({ calendarId: 'primary', requestBody: body });
  await insert(timedEvent('2031-06-02T09:00:00Z', 60, { summary: 'busy' }));
  await insert(timedEvent('2031-06-02T13:00:00Z', 60, { summary: 'free', transparency: 'transparent' }));
  const cancelled = await insert(timedEvent('2031-06-03T09:00:00Z', 60, { summary: 'cancelled' }));
  await user.cal.events.delete({ calendarId: 'primary', eventId: cancelled.data.id! });
  await insert(timedEvent('2031-05-31T23:30:00Z', 60, { summary: 'straddles start' }));
  await insert({
    summary: 'series',
    start: { dateTime: '2031-06-04T08:00:00Z', timeZone: 'UTC' },
    end: { dateTime: '2031-06-04T08:30:00Z', timeZone: 'UTC' },
    recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
  });
  await insert(timedEvent('2031-06-10T09:00:00Z', 60, { summary: 'outside' }));
});
afterAll(async () => {
  await emu.close();
});

describe('freeBusy.query', () => {
  it('reports opaque, confirmed events and expanded occurrences as busy', async () => {
    const { data } = await user.cal.freebusy.query({
      requestBody: { ...WINDOW, items: [{ id: user.email }] },
    });
    expect(data.kind).toBe('calendar#freeBusy');
    expect(iso(data.timeMin)).toBe('2031-06-01T00:00:00.000Z');
    expect(iso(data.timeMax)).toBe('2031-06-08T00:00:00.000Z');
    const busy = data.calendars![user.email]!.busy!.map((p) => [iso(p.start), iso(p.end)]);
    expect(busy).toEqual([
      // Clipped to the query window.
      ['2031-06-01T00:00:00.000Z', '2031-06-01T00:30:00.000Z'],
      ['2031-06-02T09:00:00.000Z', '2031-06-02T10:00:00.000Z'],
      ['2031-06-04T08:00:00.000Z', '2031-06-04T08:30:00.000Z'],
      ['2031-06-05T08:00:00.000Z', '2031-06-05T08:30:00.000Z'],
    ]);
    expect(data.calendars![user.email]!.errors).toBeUndefined();
  });

  it("accepts 'primary' as a calendar id", async () => {
    const { data } = await user.cal.freebusy.query({
      requestBody: { ...WINDOW, items: [{ id: 'primary' }] },
    });
    expect(data.calendars!.primary!.busy!.length).toBe(4);
  });

  it('merges overlapping busy periods', async () => {
    const other = await emu.newUser();
    await other.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2031-06-02T09:00:00Z', 60),
    });
    await other.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2031-06-02T09:30:00Z', 60),
    });
    const { data } = await other.cal.freebusy.query({
      requestBody: { ...WINDOW, items: [{ id: other.email }] },
    });
    const busy = data.calendars![other.email]!.busy!.map((p) => [iso(p.start), iso(p.end)]);
    expect(busy).toEqual([['2031-06-02T09:00:00.000Z', '2031-06-02T10:30:00.000Z']]);
  });

  it('reports an unknown calendar in its entry with reason notFound', async () => {
    const { data } = await user.cal.freebusy.query({
      requestBody: { ...WINDOW, items: [{ id: 'ghost@example.com' }] },
    });
    const entry = data.calendars!['ghost@example.com']!;
    expect(entry.busy).toEqual([]);
    expect(entry.errors).toEqual([{ domain: 'global', reason: 'notFound' }]);
  });

  it('shows other people only what they may see: same-domain primaries, else a share', async () => {
    const busyAt = timedEvent('2031-06-05T09:00:00Z', 60, { summary: 'elsewhere' });
    const colleague = await emu.newUser(); // same domain as the user (example.com)
    await colleague.cal.events.insert({ calendarId: 'primary', requestBody: busyAt });
    const { data: side } = await colleague.cal.calendars.insert({ requestBody: { summary: 'Side' } });
    await colleague.cal.events.insert({ calendarId: side.id!, requestBody: busyAt });
    const outsider = await emu.connect(await emu.createUser(`outsider-${Date.now()}@other.test`));
    await outsider.cal.events.insert({ calendarId: 'primary', requestBody: busyAt });
    const consumerA = await emu.connect(await emu.createUser(`a-${Date.now()}@gmail.com`));
    const consumerB = await emu.connect(await emu.createUser(`b-${Date.now()}@gmail.com`));
    await consumerB.cal.events.insert({ calendarId: 'primary', requestBody: busyAt });

    const query = async (as: Connected, ids: string[]) =>
      (await as.cal.freebusy.query({ requestBody: { ...WINDOW, items: ids.map((id) => ({ id })) } })).data
        .calendars!;
    const hidden = { busy: [], errors: [{ domain: 'global', reason: 'notFound' }] };
    const busy = { busy: [{ start: '2031-06-05T09:00:00Z', end: '2031-06-05T10:00:00Z' }] };

    const seen = await query(user, [colleague.email, side.id!, outsider.email]);
    expect(seen[colleague.email]).toEqual(busy);
    expect(seen[side.id!]).toEqual(hidden);
    expect(seen[outsider.email]).toEqual(hidden);
    // Consumer accounts share nothing with their "domain".
    expect((await query(consumerA, [consumerB.email]))[consumerB.email]).toEqual(hidden);

    // A share, free/busy only, is enough.
    await outsider.cal.acl.insert({
      calendarId: 'primary',
      requestBody: { role: 'freeBusyReader', scope: { type: 'user', value: user.email } },
    });
    await colleague.cal.acl.insert({
      calendarId: side.id!,
      requestBody: { role: 'freeBusyReader', scope: { type: 'user', value: user.email } },
    });
    const shared = await query(user, [side.id!, outsider.email]);
    expect(shared[side.id!]).toEqual(busy);
    expect(shared[outsider.email]).toEqual(busy);
  });

  it('rejects an empty time range with 400 timeRangeEmpty', async () => {
    await expectGoogleError(
      user.cal.freebusy.query({
        requestBody: { timeMin: WINDOW.timeMax, timeMax: WINDOW.timeMin, items: [{ id: user.email }] },
      }),
      400,
      'timeRangeEmpty',
    );
  });

  it('rejects a query without timeMin or timeMax with 400', async () => {
    await expectGoogleError(
      user.cal.freebusy.query({ requestBody: { timeMin: WINDOW.timeMin, items: [] } }),
      400,
      'required',
    );
  });
});
