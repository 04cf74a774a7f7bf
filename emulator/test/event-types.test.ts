import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { timedEvent } from './support/events.js';
import { expectSchema } from './support/schema.js';

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser({ timeZone: 'Europe/Paris' });
});
afterAll(() => emu.close());

const insert = (requestBody: calendar_v3.Schema$Event, calendarId = 'primary') =>
  user.cal.events.insert({ calendarId, requestBody });

const outOfOffice = (extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event =>
  timedEvent('2032-03-01T08:00:00Z', 8 * 60, {
    summary: 'Away',
    eventType: 'outOfOffice',
    outOfOfficeProperties: { autoDeclineMode: 'declineNone' },
    ...extra,
  });

const workingLocation = (extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event => ({
  summary: 'Home',
  start: { date: '2032-03-02' },
  end: { date: '2032-03-03' },
  eventType: 'workingLocation',
  workingLocationProperties: { type: 'homeOffice', homeOffice: {} },
  ...extra,
});

const birthday = (extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event => ({
  summary: "Ada's birthday",
  start: { date: '2032-12-10' },
  end: { date: '2032-12-11' },
  recurrence: ['RRULE:FREQ=YEARLY'],
  eventType: 'birthday',
  ...extra,
});

async function secondaryCalendar(): Promise<string> {
  const { data } = await user.cal.calendars.insert({ requestBody: { summary: 'Team' } });
  return data.id!;
}

describe('eventType on every event', () => {
  it('is "default" on ordinary events, in every answer and in deletion tombstones', async () => {
    const { data } = await insert(timedEvent('2032-01-05T10:00:00Z'));
    expect(data.eventType).toBe('default');
    expect((await user.cal.events.get({ calendarId: 'primary', eventId: data.id! })).data.eventType).toBe(
      'default',
    );
    const full = await user.cal.events.list({ calendarId: 'primary' });
    expect(full.data.items!.every((e) => e.eventType !== undefined)).toBe(true);
    await user.cal.events.delete({ calendarId: 'primary', eventId: data.id! });
    const changes = await user.cal.events.list({
      calendarId: 'primary',
      syncToken: full.data.nextSyncToken!,
    });
    expect(changes.data.items).toEqual([
      expect.objectContaining({ id: data.id, status: 'cancelled', eventType: 'default' }),
    ]);
  });

  it("refuses an unknown eventType and another type's properties with 400", async () => {
    await expectGoogleError(
      insert(timedEvent('2032-01-06T10:00:00Z', 60, { eventType: 'party' })),
      400,
      'invalid',
    );
    await expectGoogleError(
      insert(timedEvent('2032-01-06T10:00:00Z', 60, { outOfOfficeProperties: {} })),
      400,
      'invalid',
    );
  });

  it('cannot change the type of an existing event', async () => {
    const { data } = await insert(timedEvent('2032-01-07T10:00:00Z'));
    await expectGoogleError(
      user.cal.events.patch({
        calendarId: 'primary',
        eventId: data.id!,
        requestBody: { eventType: 'focusTime', focusTimeProperties: {} },
      }),
      400,
      'invalidEventType',
    );
  });
});

describe('outOfOffice', () => {
  it('is created on the primary calendar with its properties, opaque', async () => {
    const { data } = await insert(
      outOfOffice({
        outOfOfficeProperties: { autoDeclineMode: 'declineNone', declineMessage: 'Back Monday' },
      }),
    );
    expectSchema('Event', data);
    expect(data.eventType).toBe('outOfOffice');
    expect(data.outOfOfficeProperties).toEqual({
      autoDeclineMode: 'declineNone',
      declineMessage: 'Back Monday',
    });
    expect(data.transparency).toBeUndefined();
    const patched = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      requestBody: { summary: 'Holiday' },
    });
    expect(patched.data.outOfOfficeProperties).toEqual(data.outOfOfficeProperties);
    expect(patched.data.eventType).toBe('outOfOffice');
  });

  it('refuses what Google refuses, with malformedOutOfOfficeEvent', async () => {
    const refused: calendar_v3.Schema$Event[] = [
      outOfOffice({ attendees: [{ email: 'guest@example.org' }] }),
      outOfOffice({ transparency: 'transparent' }),
      outOfOffice({ description: 'Vacation' }),
      outOfOffice({ outOfOfficeProperties: null as never }),
      outOfOffice({ start: { date: '2032-03-01' }, end: { date: '2032-03-02' } }),
    ];
    for (const body of refused) await expectGoogleError(insert(body), 400, 'malformedOutOfOfficeEvent');
    await expectGoogleError(
      insert(outOfOffice({ outOfOfficeProperties: { autoDeclineMode: 'sometimes' } })),
      400,
      'invalid',
    );
  });

  it('is refused on a secondary calendar', async () => {
    const calendarId = await secondaryCalendar();
    await expectGoogleError(insert(outOfOffice(), calendarId), 400, 'eventTypeRestriction');
  });
});

describe('focusTime', () => {
  it('is created with its chat status and refuses all-day, guests and secondary calendars', async () => {
    const body = timedEvent('2032-03-04T13:00:00Z', 120, {
      eventType: 'focusTime',
      focusTimeProperties: {
        chatStatus: 'doNotDisturb',
        autoDeclineMode: 'declineOnlyNewConflictingInvitations',
      },
    });
    const { data } = await insert(body);
    expectSchema('Event', data);
    expect(data.focusTimeProperties).toEqual(body.focusTimeProperties);
    await expectGoogleError(
      insert({ ...body, start: { date: '2032-03-04' }, end: { date: '2032-03-05' } }),
      400,
      'malformedFocusTimeEvent',
    );
    await expectGoogleError(
      insert({ ...body, attendees: [{ email: 'g@example.org' }] }),
      400,
      'malformedFocusTimeEvent',
    );
    await expectGoogleError(insert(body, await secondaryCalendar()), 400, 'eventTypeRestriction');
  });
});

describe('workingLocation', () => {
  it('is public and transparent, and keeps only the location its type names', async () => {
    const { data } = await insert(
      workingLocation({
        workingLocationProperties: {
          type: 'officeLocation',
          officeLocation: { buildingId: 'B1', floorId: '2', deskId: 'D7', label: 'Paris HQ' },
          customLocation: { label: 'ignored' },
        },
      }),
    );
    expectSchema('Event', data);
    expect(data.visibility).toBe('public');
    expect(data.transparency).toBe('transparent');
    expect(data.workingLocationProperties).toEqual({
      type: 'officeLocation',
      officeLocation: { buildingId: 'B1', floorId: '2', deskId: 'D7', label: 'Paris HQ' },
    });
    const home = await insert(
      workingLocation({ start: { date: '2032-03-05' }, end: { date: '2032-03-06' } }),
    );
    expect(home.data.workingLocationProperties).toEqual({ type: 'homeOffice', homeOffice: {} });
    const timed = await insert(
      timedEvent('2032-03-05T12:00:00Z', 240, {
        eventType: 'workingLocation',
        workingLocationProperties: { type: 'customLocation', customLocation: { label: 'Café' } },
      }),
    );
    expect(timed.data.workingLocationProperties).toEqual({
      type: 'customLocation',
      customLocation: { label: 'Café' },
    });
  });

  it('refuses what Google refuses, with malformedWorkingLocationEvent', async () => {
    const refused: calendar_v3.Schema$Event[] = [
      workingLocation({ end: { date: '2032-03-04' } }),
      workingLocation({ transparency: 'opaque' }),
      workingLocation({ visibility: 'private' }),
      workingLocation({ attendees: [{ email: 'g@example.org' }] }),
      workingLocation({ workingLocationProperties: { homeOffice: {} } }),
      workingLocation({ workingLocationProperties: null as never }),
    ];
    for (const body of refused) await expectGoogleError(insert(body), 400, 'malformedWorkingLocationEvent');
    await expectGoogleError(
      insert(workingLocation(), await secondaryCalendar()),
      400,
      'eventTypeRestriction',
    );
  });
});

describe('birthday', () => {
  it('is an all-day yearly private transparent event with birthdayProperties', async () => {
    const { data } = await insert(birthday({ colorId: '3', reminders: { useDefault: false } }));
    expectSchema('Event', data);
    expect(data).toMatchObject({
      eventType: 'birthday',
      visibility: 'private',
      transparency: 'transparent',
      birthdayProperties: { type: 'birthday' },
      recurrence: ['RRULE:FREQ=YEARLY'],
    });
    const leap = await insert(
      birthday({
        start: { date: '2032-02-29' },
        end: { date: '2032-03-01' },
        recurrence: ['RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1'],
      }),
    );
    expect(leap.data.eventType).toBe('birthday');
  });

  it('has nothing but a summary, colour and reminders besides its dates', async () => {
    const refused: Array<[calendar_v3.Schema$Event, string]> = [
      [birthday({ description: 'cake' }), "'birthday' event type must not have description."],
      [
        birthday({ extendedProperties: { private: { crm: '1' } } }),
        "'birthday' event type must not have extended properties.",
      ],
      [
        birthday({ attendees: [{ email: 'g@example.org' }] }),
        "'birthday' event type must not have attendees.",
      ],
      [
        birthday({ end: { date: '2032-12-12' } }),
        'A birthday event must be an all-day event of exactly one day.',
      ],
      [
        birthday({ recurrence: ['RRULE:FREQ=MONTHLY'] }),
        'A birthday event must recur every year: recurrence ["RRULE:FREQ=YEARLY"].',
      ],
      [
        birthday({ recurrence: null as never }),
        'A birthday event must recur every year: recurrence ["RRULE:FREQ=YEARLY"].',
      ],
      [birthday({ visibility: 'public' }), 'A birthday event must be private.'],
      [
        birthday({ birthdayProperties: { type: 'anniversary' } }),
        'Invalid value for birthdayProperties.type: only "birthday" can be created through the API.',
      ],
    ];
    for (const [body, message] of refused) {
      const error = await expectGoogleError(insert(body), 400, 'invalid');
      expect(error.error.message).toBe(message);
    }
  });

  it('lets a later write change only the summary, colour, reminders and dates', async () => {
    const { data } = await insert(birthday());
    const renamed = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      requestBody: {
        summary: 'Ada turns 40',
        colorId: '4',
        start: { date: '2032-12-11' },
        end: { date: '2032-12-12' },
      },
    });
    expect(renamed.data).toMatchObject({ summary: 'Ada turns 40', colorId: '4', eventType: 'birthday' });
    await expectGoogleError(
      user.cal.events.patch({ calendarId: 'primary', eventId: data.id!, requestBody: { location: 'Home' } }),
      400,
      'invalid',
    );
  });
});

describe('fromGmail', () => {
  it('cannot be created through the API', async () => {
    await expectGoogleError(
      insert(timedEvent('2032-04-01T10:00:00Z', 60, { eventType: 'fromGmail' })),
      400,
      'invalidEventType',
    );
  });

  it('is created by the admin API, and clients may change only their own settings of it', async () => {
    const created = (await emu.admin.post(`/users/${encodeURIComponent(user.email)}/events`, {
      event: timedEvent('2032-04-02T09:00:00Z', 120, { summary: 'Flight to Lisbon', eventType: 'fromGmail' }),
    })) as calendar_v3.Schema$Event;
    expectSchema('Event', created);
    expect(created.eventType).toBe('fromGmail');
    const got = await user.cal.events.get({ calendarId: 'primary', eventId: created.id! });
    expect(got.data.eventType).toBe('fromGmail');
    const coloured = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: created.id!,
      requestBody: { colorId: '9', reminders: { useDefault: false }, transparency: 'transparent' },
    });
    expect(coloured.data.colorId).toBe('9');
    await expectGoogleError(
      user.cal.events.patch({
        calendarId: 'primary',
        eventId: created.id!,
        requestBody: { summary: 'Train' },
      }),
      400,
      'invalid',
    );
  });
});

describe('the admin API', () => {
  it('creates every type, birthdays of any kind included', async () => {
    const path = `/users/${encodeURIComponent(user.email)}/events`;
    const made = (await emu.admin.post(path, {
      event: birthday({ birthdayProperties: { type: 'anniversary', contact: 'people/c42' } }),
    })) as calendar_v3.Schema$Event;
    expect(made.birthdayProperties).toEqual({ type: 'anniversary', contact: 'people/c42' });
    const ooo = (await emu.admin.post(path, { event: outOfOffice() })) as calendar_v3.Schema$Event;
    expect(ooo.eventType).toBe('outOfOffice');
    // A birthday linked to a contact follows the contact.
    await expectGoogleError(
      user.cal.events.patch({ calendarId: 'primary', eventId: made.id!, requestBody: { summary: 'Other' } }),
      400,
      'invalid',
    );
    const refused = await emu.http('POST', `/__admin${path}`, {
      body: { event: outOfOffice({ description: 'x' }) },
    });
    expect(refused.status).toBe(400);
  });
});
