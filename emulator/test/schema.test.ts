import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleEnvelope } from './support/errors.js';
import { timedEvent } from './support/events.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { discovery, expectSchema, routeFor, schemaErrors, validatedMethods } from './support/schema.js';

let emu: TestEmulator;
let user: Connected;
let guest: Connected;
let receiver: Receiver;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
  guest = await emu.newUser();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

describe('the validators themselves', () => {
  it('accepts a conforming Event and rejects unknown fields, wrong types and bad formats', () => {
    const event = {
      kind: 'calendar#event',
      id: 'abcde',
      start: { dateTime: '2030-01-01T10:00:00Z' },
      sequence: 1,
    };
    expect(schemaErrors('Event', event)).toEqual([]);
    expect(schemaErrors('Event', { ...event, calendarId: 'leaked-internal-field' })).not.toEqual([]);
    expect(
      schemaErrors('Event', { ...event, start: { dateTime: '2030-01-01T10:00:00Z', offset: 0 } }),
    ).not.toEqual([]);
    expect(schemaErrors('Event', { ...event, sequence: '1' })).not.toEqual([]);
    expect(schemaErrors('Event', { ...event, start: { dateTime: 'yesterday' } })).not.toEqual([]);
    expect(schemaErrors('Event', { ...event, start: { date: '2030-13-45' } })).not.toEqual([]);
    expect(schemaErrors('Event', { ...event, kind: 'calendar#events' })).not.toEqual([]);
    expect(schemaErrors('Channel', { kind: 'api#channel', expiration: 1234 })).not.toEqual([]);
    expect(schemaErrors('Channel', { kind: 'api#channel', expiration: '1234' })).toEqual([]);
    expect(schemaErrors('Event', { ...event, extendedProperties: { private: { a: 1 } } })).not.toEqual([]);
  });

  it('follows discovery revision 20260519, where homeOffice is of type any', () => {
    expect(discovery.revision).toBe('20260519');
    const located = {
      kind: 'calendar#event',
      eventType: 'workingLocation',
      workingLocationProperties: { type: 'homeOffice', homeOffice: {} },
    };
    expect(schemaErrors('Event', located)).toEqual([]);
    expect(schemaErrors('Event', { ...located, workingLocationProperties: { homeOffice: 'yes' } })).toEqual(
      [],
    );
    expect(schemaErrors('Event', { ...located, eventType: 7 })).not.toEqual([]);
    expect(
      schemaErrors('Event', {
        ...located,
        outOfOfficeProperties: { autoDeclineMode: 'declineNone', extra: 1 },
      }),
    ).not.toEqual([]);
  });

  it("checks Google's error envelope exactly", () => {
    const item = { domain: 'global', reason: 'notFound', message: 'Not Found' };
    const ok = { error: { code: 404, message: 'Not Found', errors: [item] } };
    expect(() => expectGoogleEnvelope(ok, 404)).not.toThrow();
    expect(() => expectGoogleEnvelope(ok, 400)).toThrow();
    expect(() =>
      expectGoogleEnvelope({ error: { ...ok.error, errors: [{ ...item, extra: 1 }] } }, 404),
    ).toThrow();
    expect(() => expectGoogleEnvelope({ ...ok, requestId: 'x' }, 404)).toThrow();
    expect(() =>
      expectGoogleEnvelope({ error: { code: 404, message: 'Not Found', errors: [] } }, 404),
    ).toThrow();
    expect(() => expectGoogleEnvelope({ error: 'not_found' }, 404)).toThrow();
  });

  it('maps request paths to discovery methods', () => {
    expect(routeFor('POST', '/calendar/v3/calendars/primary/events/watch')?.methodId).toBe(
      'calendar.events.watch',
    );
    expect(
      routeFor('GET', '/calendar/v3/calendars/a%40b.com/events/abc_20300101T100000Z/instances')?.methodId,
    ).toBe('calendar.events.instances');
    expect(routeFor('PATCH', '/calendar/v3/calendars/primary/events/abc')?.response).toBe('Event');
    expect(routeFor('GET', '/__admin/users')).toBeUndefined();
  });
});

describe('responses of every method conform to the discovery document', () => {
  it('covers a feature-rich event through insert, get, patch, update, list, instances', async () => {
    const body = timedEvent('2032-01-05T10:00:00Z', 60, {
      summary: 'Everything',
      description: 'desc',
      location: 'loc',
      colorId: '5',
      transparency: 'transparent',
      visibility: 'private',
      attendees: [
        { email: guest.email, optional: true },
        { email: 'ext@example.org', displayName: 'Ext' },
      ],
      extendedProperties: { private: { crm: '1' }, shared: { s: '2' } },
      reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 30 }] },
      source: { title: 'CRM', url: 'https://crm.example.com/deal/1' },
      conferenceData: {
        createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } },
      },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
      start: { dateTime: '2032-01-05T10:00:00Z', timeZone: 'Europe/Paris' },
      end: { dateTime: '2032-01-05T11:00:00Z', timeZone: 'Europe/Paris' },
    });
    const created = await user.cal.events.insert({
      calendarId: 'primary',
      conferenceDataVersion: 1,
      sendUpdates: 'all',
      requestBody: body,
    });
    expectSchema('Event', created.data);
    const instanceId = `${created.data.id}_20320112T100000Z`;
    await user.cal.events.get({ calendarId: 'primary', eventId: created.data.id! });
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: instanceId,
      requestBody: { summary: 'Exception' },
    });
    await user.cal.events.delete({ calendarId: 'primary', eventId: `${created.data.id}_20320119T100000Z` });
    await user.cal.events.update({
      calendarId: 'primary',
      eventId: created.data.id!,
      conferenceDataVersion: 1,
      requestBody: { ...created.data, description: 'updated' },
    });
    const allDay = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Day', start: { date: '2032-02-01' }, end: { date: '2032-02-02' } },
    });
    await user.cal.events.delete({ calendarId: 'primary', eventId: allDay.data.id! });
    await user.cal.events.get({ calendarId: 'primary', eventId: allDay.data.id! });
    await user.cal.events.list({ calendarId: 'primary', showDeleted: true });
    await user.cal.events.list({
      calendarId: 'primary',
      singleEvents: true,
      showDeleted: true,
      orderBy: 'startTime',
    });
    await user.cal.events.instances({ calendarId: 'primary', eventId: created.data.id!, showDeleted: true });
    await guest.cal.events.list({ calendarId: 'primary' });
    await user.cal.events.list({ calendarId: 'primary', eventTypes: ['default', 'workingLocation'] });
    await guest.cal.events.get({ calendarId: 'primary', eventId: created.data.id! });
    const full = await user.cal.events.list({ calendarId: 'primary' });
    await user.cal.events.list({ calendarId: 'primary', syncToken: full.data.nextSyncToken! });
  });

  it('covers every event type, move, import and quickAdd', async () => {
    const typed: Array<Record<string, unknown>> = [
      {
        eventType: 'outOfOffice',
        outOfOfficeProperties: { autoDeclineMode: 'declineNone', declineMessage: 'Off' },
      },
      { eventType: 'focusTime', focusTimeProperties: { chatStatus: 'doNotDisturb' } },
      {
        eventType: 'workingLocation',
        workingLocationProperties: { type: 'officeLocation', officeLocation: { label: 'HQ', deskId: '4' } },
      },
    ];
    for (const [i, extra] of typed.entries()) {
      await user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent(`2032-03-0${i + 1}T08:00:00Z`, 60, extra),
      });
    }
    await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        eventType: 'birthday',
        start: { date: '2032-04-01' },
        end: { date: '2032-04-02' },
        recurrence: ['RRULE:FREQ=YEARLY'],
      },
    });
    const secondary = await user.cal.calendars.insert({ requestBody: { summary: 'Moves' } });
    const single = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2032-05-01T10:00:00Z'),
    });
    await user.cal.events.move({
      calendarId: 'primary',
      eventId: single.data.id!,
      destination: secondary.data.id!,
    });
    await user.cal.events.import({
      calendarId: 'primary',
      requestBody: timedEvent('2032-05-02T10:00:00Z', 60, {
        iCalUID: 'schema-import@example.org',
        organizer: { email: 'someone@example.org' },
      }),
    });
    await user.cal.events.quickAdd({ calendarId: 'primary', text: 'Coffee tomorrow 9am' });
  });

  it('covers calendarList, calendars, freeBusy and watch', async () => {
    await user.cal.calendarList.list();
    await user.cal.calendarList.get({ calendarId: 'primary' });
    const secondary = await user.cal.calendars.insert({
      requestBody: { summary: 'Second', description: 'd' },
    });
    await user.cal.calendars.get({ calendarId: secondary.data.id! });
    await user.cal.freebusy.query({
      requestBody: {
        timeMin: '2032-01-01T00:00:00Z',
        timeMax: '2032-02-01T00:00:00Z',
        items: [{ id: user.email }, { id: 'ghost@example.com' }],
      },
    });
    const watched = await user.cal.events.watch({
      calendarId: 'primary',
      requestBody: { id: randomUUID(), type: 'web_hook', address: receiver.address, token: 't' },
    });
    await user.cal.channels.stop({
      requestBody: { id: watched.data.id!, resourceId: watched.data.resourceId! },
    });
  });

  it('validated a response of each of these methods', () => {
    for (const method of [
      'calendar.events.insert',
      'calendar.events.get',
      'calendar.events.patch',
      'calendar.events.update',
      'calendar.events.list',
      'calendar.events.instances',
      'calendar.events.watch',
      'calendar.events.move',
      'calendar.events.import',
      'calendar.events.quickAdd',
      'calendar.calendarList.list',
      'calendar.calendarList.get',
      'calendar.calendars.insert',
      'calendar.calendars.get',
      'calendar.freebusy.query',
    ]) {
      expect(validatedMethods.get(method), method).toBeGreaterThan(0);
    }
  });
});
