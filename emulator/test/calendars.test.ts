import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, uniqueEmail, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { listAll, timedEvent } from './support/events.js';

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  const email = await emu.createUser(uniqueEmail('lisbon'), 'Europe/Lisbon');
  user = await emu.connect(email);
});
afterAll(async () => {
  await emu.close();
});

describe('calendarList', () => {
  it('lists the primary calendar as an owned entry named by the email', async () => {
    const { data } = await user.cal.calendarList.list();
    expect(data.kind).toBe('calendar#calendarList');
    const primary = data.items!.find((c) => c.primary);
    expect(primary).toMatchObject({
      kind: 'calendar#calendarListEntry',
      id: user.email,
      accessRole: 'owner',
      timeZone: 'Europe/Lisbon',
      primary: true,
    });
    expect(data.nextSyncToken).toEqual(expect.any(String));
  });

  it('gets the primary entry by alias and by id', async () => {
    const byAlias = await user.cal.calendarList.get({ calendarId: 'primary' });
    const byId = await user.cal.calendarList.get({ calendarId: user.email });
    expect(byAlias.data.id).toBe(user.email);
    expect(byId.data).toEqual(byAlias.data);
  });

  it('answers an unknown calendar with 404 notFound', async () => {
    await expectGoogleError(user.cal.calendarList.get({ calendarId: 'nobody@example.com' }), 404, 'notFound');
    await expectGoogleError(user.cal.events.list({ calendarId: 'nobody@example.com' }), 404, 'notFound');
  });

  it("does not give access to another user's calendar", async () => {
    const other = await emu.newUser();
    await expectGoogleError(user.cal.events.list({ calendarId: other.email }), 404, 'notFound');
  });

  it('reports the calendar time zone on events.list', async () => {
    const { data } = await user.cal.events.list({ calendarId: 'primary' });
    expect(data.timeZone).toBe('Europe/Lisbon');
    expect(data.summary).toEqual(expect.any(String));
    expect(data.accessRole).toBe('owner');
  });
});

describe('secondary calendars', () => {
  let secondaryId: string;

  it('creates a secondary calendar with calendars.insert', async () => {
    const { data } = await user.cal.calendars.insert({
      requestBody: { summary: 'Deals', timeZone: 'America/Chicago' },
    });
    expect(data.kind).toBe('calendar#calendar');
    expect(data.summary).toBe('Deals');
    expect(data.timeZone).toBe('America/Chicago');
    expect(data.id).not.toBe(user.email);
    secondaryId = data.id!;
    const got = await user.cal.calendars.get({ calendarId: secondaryId });
    expect(got.data.summary).toBe('Deals');
  });

  it('adds it to the calendar list as an owned, non-primary entry', async () => {
    const { data } = await user.cal.calendarList.list();
    const entry = data.items!.find((c) => c.id === secondaryId);
    expect(entry).toMatchObject({ summary: 'Deals', accessRole: 'owner' });
    expect(entry?.primary).toBeFalsy();
  });

  it('keeps events of the secondary calendar apart from the primary one', async () => {
    const onSecondary = (
      await user.cal.events.insert({
        calendarId: secondaryId,
        requestBody: timedEvent('2031-05-01T10:00:00Z'),
      })
    ).data;
    const onPrimary = (
      await user.cal.events.insert({ calendarId: 'primary', requestBody: timedEvent('2031-05-01T10:00:00Z') })
    ).data;
    const secondary = await listAll(user.cal, { calendarId: secondaryId });
    const primary = await listAll(user.cal, { calendarId: 'primary' });
    expect(secondary.items.map((e) => e.id)).toEqual([onSecondary.id]);
    expect(primary.items.map((e) => e.id)).toEqual([onPrimary.id]);
    expect(onSecondary.organizer?.email).toBe(secondaryId);
    await expectGoogleError(
      user.cal.events.get({ calendarId: 'primary', eventId: onSecondary.id! }),
      404,
      'notFound',
    );
  });

  it('rejects a calendar without a summary with 400', async () => {
    await expectGoogleError(user.cal.calendars.insert({ requestBody: {} }), 400, 'required');
  });
});

describe('calendars.delete', () => {
  it('deletes a secondary calendar: it leaves the calendar list and every call naming it answers 404 notFound', async () => {
    const { data: created } = await user.cal.calendars.insert({ requestBody: { summary: 'Short-lived' } });
    const calendarId = created.id!;
    await user.cal.events.insert({ calendarId, requestBody: timedEvent('2031-07-01T10:00:00Z') });
    const synced = await user.cal.events.list({ calendarId });
    const res = await user.cal.calendars.delete({ calendarId });
    expect(res.status).toBe(204);
    expect(res.data).toBe('');

    const { data: list } = await user.cal.calendarList.list();
    expect(list.items!.map((c) => c.id)).not.toContain(calendarId);
    await expectGoogleError(user.cal.calendars.get({ calendarId }), 404, 'notFound');
    await expectGoogleError(user.cal.calendarList.get({ calendarId }), 404, 'notFound');
    await expectGoogleError(user.cal.events.list({ calendarId }), 404, 'notFound');
    await expectGoogleError(
      user.cal.events.list({ calendarId, syncToken: synced.data.nextSyncToken! }),
      404,
      'notFound',
    );
    await expectGoogleError(user.cal.calendars.delete({ calendarId }), 404, 'notFound');
  });

  it('refuses the primary calendar with 400 and leaves it as it was', async () => {
    await expectGoogleError(user.cal.calendars.delete({ calendarId: 'primary' }), 400, 'badRequest');
    const { data } = await user.cal.calendars.get({ calendarId: 'primary' });
    expect(data.id).toBe(user.email);
  });

  it("does not delete another user's calendar", async () => {
    const other = await emu.newUser();
    const { data: theirs } = await other.cal.calendars.insert({ requestBody: { summary: 'Theirs' } });
    await expectGoogleError(user.cal.calendars.delete({ calendarId: theirs.id! }), 404, 'notFound');
    expect((await other.cal.calendars.get({ calendarId: theirs.id! })).data.summary).toBe('Theirs');
  });

  it('needs a scope that may manage calendars', async () => {
    const { data: created } = await user.cal.calendars.insert({ requestBody: { summary: 'Kept' } });
    const eventsOnly = await emu.connect(user.email, ['https://www.googleapis.com/auth/calendar.events']);
    await expectGoogleError(
      eventsOnly.cal.calendars.delete({ calendarId: created.id! }),
      403,
      'insufficientPermissions',
    );
    expect((await user.cal.calendars.get({ calendarId: created.id! })).data.summary).toBe('Kept');
  });
});
