import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { MAX_ATTENDEES, parseCreateEventInput } from './event-input.js';
import { codeOf, DEAL, minimal, options } from './event-input.fixtures.js';

const createError = (body: unknown, opts = options) => codeOf(() => parseCreateEventInput(body, opts));

describe('parseCreateEventInput: times', () => {
  it('reads offsets and Z as instants and keeps the default zone', () => {
    const input = parseCreateEventInput(minimal, options);
    expect(input.startAt?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
    expect(input.endAt?.toISOString()).toBe('2026-12-07T15:00:00.000Z');
    expect(input).toMatchObject({
      allDay: false,
      startDate: null,
      endDate: null,
      timeZone: 'America/Sao_Paulo',
    });
    const z = parseCreateEventInput(
      { ...minimal, start: '2026-12-07T14:00:00Z', end: '2026-12-07T15:00:00Z' },
      options,
    );
    expect(z.startAt).toEqual(input.startAt);
  });

  it('reads times without offset as wall-clock time in time_zone, else the default zone', () => {
    const ny = parseCreateEventInput(
      { ...minimal, start: '2026-07-07T09:00', end: '2026-07-07T10:00', time_zone: 'America/New_York' },
      options,
    );
    expect(ny.startAt?.toISOString()).toBe('2026-07-07T13:00:00.000Z');
    expect(ny.timeZone).toBe('America/New_York');
    const sp = parseCreateEventInput(
      { ...minimal, start: '2026-07-07T09:00:00', end: '2026-07-07T10:00:00' },
      options,
    );
    expect(sp.startAt?.toISOString()).toBe('2026-07-07T12:00:00.000Z');
    const lordHowe = parseCreateEventInput(
      { ...minimal, start: '2026-12-01T09:00', end: '2026-12-01T09:30', time_zone: 'Australia/Lord_Howe' },
      options,
    );
    expect(lordHowe.startAt?.toISOString()).toBe('2026-11-30T22:00:00.000Z');
  });

  it('accepts the original spec names start_time / end_time', () => {
    const input = parseCreateEventInput(
      { title: 'x', start_time: minimal.start, end_time: minimal.end },
      options,
    );
    expect(input.startAt?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
    expect(createError({ ...minimal, start_time: minimal.start })).toMatchObject({
      code: 'invalid_request',
      field: 'start_time',
    });
  });

  it('takes all-day events as dates with an exclusive end, one day when the end is left out', () => {
    const oneDay = parseCreateEventInput({ title: 'Holiday', all_day: true, start: '2026-12-25' }, options);
    expect(oneDay).toMatchObject({
      allDay: true,
      startDate: '2026-12-25',
      endDate: '2026-12-26',
      startAt: null,
      endAt: null,
    });
    const trip = parseCreateEventInput({ title: 'Trip', start: '2026-12-24', end: '2027-01-02' }, options);
    expect(trip).toMatchObject({ allDay: true, startDate: '2026-12-24', endDate: '2027-01-02' });
  });

  it.each([
    [{ ...minimal, end: '2026-12-07T08:00:00-05:00' }, 'end_before_start', 'end'],
    [{ ...minimal, end: minimal.start }, 'end_before_start', 'end'],
    [{ title: 'x', all_day: true, start: '2026-12-25', end: '2026-12-25' }, 'end_before_start', 'end'],
    [{ ...minimal, start: '2026-02-30T09:00:00Z' }, 'invalid_date', 'start'],
    [{ ...minimal, end: 'tomorrow' }, 'invalid_date', 'end'],
    [{ title: 'x', all_day: true, start: '2026-12-25T09:00:00Z' }, 'invalid_date', 'start'],
    [{ title: 'x', all_day: false, start: '2026-12-25', end: '2026-12-26' }, 'invalid_date', 'start'],
    [{ ...minimal, time_zone: 'America/Springfield' }, 'invalid_time_zone', 'time_zone'],
    [{ title: 'x', end: minimal.end }, 'missing_field', 'start'],
    [{ title: 'x', start: minimal.start }, 'missing_field', 'end'],
  ])('refuses %j with %s', (body, code, field) => {
    expect(createError(body)).toMatchObject({ code, field });
  });
});

describe('parseCreateEventInput: other fields', () => {
  it('normalizes text, defaults and the CRM link', () => {
    const input = parseCreateEventInput(
      {
        ...minimal,
        title: '  Demo  ',
        description: '',
        location: ' HQ ',
        entity_type: 'deal',
        entity_id: DEAL,
      },
      options,
    );
    expect(input).toMatchObject({
      title: 'Demo',
      description: null,
      location: 'HQ',
      attendees: [],
      recurrence: null,
      conference: false,
      calendarId: 'primary',
      sendUpdates: 'all',
      entity: { type: 'deal', id: DEAL.toLowerCase() },
    });
  });

  it("uses the original spec's reminders, or the user's defaults, when none are given", () => {
    expect(parseCreateEventInput(minimal, options).reminders).toEqual({
      use_default: false,
      overrides: [
        { method: 'email', minutes: 1440 },
        { method: 'popup', minutes: 10 },
      ],
    });
    const mine = parseCreateEventInput(minimal, {
      ...options,
      defaultReminders: [{ method: 'popup', minutes: 30 }],
    });
    expect(mine.reminders.overrides).toEqual([{ method: 'popup', minutes: 30 }]);
    expect(parseCreateEventInput({ ...minimal, reminders: [] }, options).reminders).toEqual({
      use_default: false,
      overrides: [],
    });
    expect(
      parseCreateEventInput({ ...minimal, reminders: { use_default: true } }, options).reminders,
    ).toEqual({ use_default: true, overrides: [] });
  });

  it('accepts emails or objects as attendees, dropping duplicates case-insensitively', () => {
    const input = parseCreateEventInput(
      {
        ...minimal,
        attendees: [
          'bob@example.com',
          { email: 'Carol@Example.com', name: 'Carol', optional: true },
          'BOB@example.com',
        ],
      },
      options,
    );
    expect(input.attendees).toEqual([
      { email: 'bob@example.com', name: null, optional: false },
      { email: 'Carol@Example.com', name: 'Carol', optional: true },
    ]);
  });

  it('normalizes recurrence lines and the other options', () => {
    const input = parseCreateEventInput(
      {
        ...minimal,
        recurrence: ['FREQ=WEEKLY;BYDAY=MO;COUNT=4'],
        conference: true,
        calendar_id: 'team@group.calendar.google.com',
        send_updates: 'none',
      },
      options,
    );
    expect(input).toMatchObject({
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4'],
      conference: true,
      calendarId: 'team@group.calendar.google.com',
      sendUpdates: 'none',
    });
  });

  const manyPeople = Array.from({ length: MAX_ATTENDEES + 1 }, (_, i) => `p${i}@example.com`);
  const reminder = (minutes: number) => ({ method: 'popup', minutes });
  it.each([
    [{ ...minimal, attendees: ['not-an-email'] }, 'invalid_email', 'attendees.0'],
    [{ ...minimal, attendees: ['ok@example.com', { email: 'a@b' }] }, 'invalid_email', 'attendees.1'],
    [{ ...minimal, attendees: manyPeople }, 'too_many_attendees', 'attendees'],
    [{ ...minimal, reminders: [1, 2, 3, 4, 5, 6].map(reminder) }, 'too_many_reminders', 'reminders'],
    [{ ...minimal, reminders: [{ method: 'sms', minutes: 5 }] }, 'invalid_reminder', 'reminders.0.method'],
    [{ ...minimal, reminders: [reminder(40_321)] }, 'invalid_reminder', 'reminders.0.minutes'],
    [{ ...minimal, reminders: [reminder(-1)] }, 'invalid_reminder', 'reminders.0.minutes'],
    [{ ...minimal, reminders: [reminder(1.5)] }, 'invalid_reminder', 'reminders.0.minutes'],
    [
      { ...minimal, reminders: { use_default: true, overrides: [reminder(5)] } },
      'invalid_reminder',
      'reminders',
    ],
    [{ ...minimal, recurrence: ['RRULE:FREQ=SOMETIMES'] }, 'invalid_recurrence', 'recurrence'],
    [{ ...minimal, recurrence: ['RRULE:FREQ=MINUTELY'] }, 'invalid_recurrence', 'recurrence'],
    [{ ...minimal, entity_type: 'invoice', entity_id: DEAL }, 'invalid_entity', 'entity_type'],
    [{ ...minimal, entity_type: 'deal', entity_id: '42' }, 'invalid_entity', 'entity_id'],
    [{ ...minimal, entity_type: 'deal' }, 'invalid_entity', 'entity_id'],
    [{ ...minimal, send_updates: 'everyone' }, 'invalid_send_updates', 'send_updates'],
    [{ ...minimal, title: '   ' }, 'missing_field', 'title'],
    [{ start: minimal.start, end: minimal.end }, 'missing_field', 'title'],
    [{ ...minimal, calendar_id: ' ' }, 'invalid_request', 'calendar_id'],
    [{ ...minimal, title: 42 }, 'invalid_request', 'title'],
    [{ ...minimal, colour: 'red' }, 'invalid_request', 'colour'],
    [[minimal], 'invalid_request', null],
    [null, 'invalid_request', null],
  ])('refuses %j with %s', (body, code, field) => {
    expect(createError(body)).toMatchObject({ code, field });
  });

  it('allows more attendees when the caller raises the limit, and says how many were sent', () => {
    expect(
      parseCreateEventInput({ ...minimal, attendees: manyPeople }, { ...options, maxAttendees: 1000 })
        .attendees,
    ).toHaveLength(MAX_ATTENDEES + 1);
    expect(createError({ ...minimal, attendees: manyPeople }).message).toMatch(
      /At most 500 attendees per event \(got 501\)/,
    );
  });

  it('refuses an unknown default zone as a programming error, not as bad input', () => {
    expect(() => parseCreateEventInput(minimal, { defaultTimeZone: 'Nowhere/City' })).toThrow(TypeError);
  });

  it('throws domain errors that carry the field for the HTTP layer', () => {
    const error = (() => {
      try {
        parseCreateEventInput({ ...minimal, time_zone: 'Moon/Base' }, options);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      name: 'EventInputError',
      code: 'invalid_time_zone',
      details: { field: 'time_zone' },
    });
  });
});
