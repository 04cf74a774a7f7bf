import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type TestEmulator } from './support/emulator.js';
import { expectGoogleError, expectRawError } from './support/errors.js';
import { timedEvent } from './support/events.js';
import { expectSchema } from './support/schema.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(() => emu.close());

describe('events.import', () => {
  it('adds a private copy with the given organizer and answers, which reaches no guest', async () => {
    const user = await emu.newUser();
    const guest = await emu.newUser();
    await emu.admin.del('/mailbox');
    const { data } = await user.cal.events.import({
      calendarId: 'primary',
      requestBody: timedEvent('2033-04-01T15:00:00Z', 45, {
        iCalUID: 'partner-call-1@crm.example.org',
        summary: 'Partner call',
        organizer: { email: 'host@partner.example.org', displayName: 'Host' },
        attendees: [
          { email: 'host@partner.example.org', responseStatus: 'accepted' },
          { email: user.email, responseStatus: 'tentative' },
          { email: guest.email },
        ],
      }),
    });
    expectSchema('Event', data);
    expect(data).toMatchObject({
      iCalUID: 'partner-call-1@crm.example.org',
      organizer: { email: 'host@partner.example.org', displayName: 'Host' },
      eventType: 'default',
    });
    expect(data.organizer?.self).toBeUndefined();
    expect(data.attendees!.find((a) => a.email === user.email)).toMatchObject({
      self: true,
      responseStatus: 'tentative',
    });
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      sendUpdates: 'all',
      requestBody: { summary: 'Partner call (moved)', start: data.start!, end: data.end! },
    });
    await expectGoogleError(
      guest.cal.events.get({ calendarId: 'primary', eventId: data.id! }),
      404,
      'notFound',
    );
    expect(await emu.admin.get('/mailbox')).toEqual([]);
  });

  it('updates the event it imported before, keyed by iCalUID, even once deleted', async () => {
    const user = await emu.newUser();
    const body = timedEvent('2033-04-02T09:00:00Z', 30, {
      iCalUID: 'review-7@crm.example.org',
      summary: 'v1',
    });
    const first = await user.cal.events.import({ calendarId: 'primary', requestBody: body });
    const second = await user.cal.events.import({
      calendarId: 'primary',
      requestBody: { ...body, summary: 'v2' },
    });
    expect(second.data.id).toBe(first.data.id);
    expect(second.data.summary).toBe('v2');
    await user.cal.events.delete({ calendarId: 'primary', eventId: first.data.id! });
    const revived = await user.cal.events.import({
      calendarId: 'primary',
      requestBody: { ...body, summary: 'v3' },
    });
    expect(revived.data).toMatchObject({ id: first.data.id, status: 'confirmed', summary: 'v3' });
  });

  it('needs an iCalUID, refuses one taken by another event, and imports other types as default', async () => {
    const user = await emu.newUser();
    await expectGoogleError(
      user.cal.events.import({ calendarId: 'primary', requestBody: timedEvent('2033-04-03T09:00:00Z') }),
      400,
      'required',
    );
    const own = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2033-04-03T10:00:00Z'),
    });
    await expectGoogleError(
      user.cal.events.import({
        calendarId: 'primary',
        requestBody: timedEvent('2033-04-03T11:00:00Z', 60, { iCalUID: own.data.iCalUID! }),
      }),
      409,
      'duplicate',
    );
    const typed = await user.cal.events.import({
      calendarId: 'primary',
      requestBody: timedEvent('2033-04-03T12:00:00Z', 60, {
        iCalUID: 'focus-1@elsewhere.example.org',
        eventType: 'focusTime',
        focusTimeProperties: { chatStatus: 'doNotDisturb' },
      }),
    });
    expect(typed.data.eventType).toBe('default');
    expect(typed.data.focusTimeProperties).toBeUndefined();
  });
});

describe('events.quickAdd', () => {
  it('reads a date, a time range, a place and a summary from the text, in the calendar zone', async () => {
    // Thursday 1 May 2031, 10:17 in Paris (the user and token come after the clock moved).
    await emu.admin.post('/clock', { now: '2031-05-01T08:17:00Z', fixed: true });
    try {
      const user = await emu.newUser({ timeZone: 'Europe/Paris' });
      const { data } = await user.cal.events.quickAdd({
        calendarId: 'primary',
        text: 'Lunch with Ana at Café Sol tomorrow 12pm-1:30pm',
      });
      expectSchema('Event', data);
      expect(data).toMatchObject({
        summary: 'Lunch with Ana',
        location: 'Café Sol',
        start: { dateTime: '2031-05-02T12:00:00+02:00' },
        end: { dateTime: '2031-05-02T13:30:00+02:00' },
        eventType: 'default',
      });
      const allDay = await user.cal.events.quickAdd({ calendarId: 'primary', text: 'Offsite May 20' });
      expect(allDay.data).toMatchObject({
        summary: 'Offsite',
        start: { date: '2031-05-20' },
        end: { date: '2031-05-21' },
      });
      const noon = await user.cal.events.quickAdd({
        calendarId: 'primary',
        text: 'Call Bob friday at noon for 15 minutes',
      });
      expect(noon.data).toMatchObject({
        summary: 'Call Bob',
        start: { dateTime: '2031-05-02T12:00:00+02:00' },
        end: { dateTime: '2031-05-02T12:15:00+02:00' },
      });
      const untimed = await user.cal.events.quickAdd({ calendarId: 'primary', text: 'Think' });
      expect(untimed.data).toMatchObject({
        start: { dateTime: '2031-05-01T11:00:00+02:00' },
        end: { dateTime: '2031-05-01T12:00:00+02:00' },
      });
    } finally {
      await emu.admin.post('/clock', { release: true });
    }
  });

  it('needs a text', async () => {
    const user = await emu.newUser();
    const res = await emu.http('POST', '/calendar/v3/calendars/primary/events/quickAdd', {
      token: user.accessToken,
    });
    expectRawError(res, 400, 'required');
    await expectGoogleError(
      user.cal.events.quickAdd({ calendarId: 'primary', text: '  ' }),
      400,
      'invalidParameter',
    );
  });
});
