import { describe, expect, it } from 'vitest';
import {
  applyEventPatch,
  parseCreateEventInput,
  parseUpdateEventInput,
  type EventFields,
} from './event-input.js';
import { codeOf, DEAL, minimal, options } from './event-input.fixtures.js';

const updateError = (body: unknown) => codeOf(() => parseUpdateEventInput(body, options));

describe('parseUpdateEventInput and applyEventPatch', () => {
  const current: EventFields = {
    ...parseCreateEventInput(
      { ...minimal, attendees: ['bob@example.com'], entity_type: 'deal', entity_id: DEAL },
      options,
    ),
  };

  it('returns only what the body sets', () => {
    const update = parseUpdateEventInput(
      { title: 'New title', description: null, send_updates: 'externalOnly', scope: 'following' },
      options,
    );
    expect(update).toEqual({
      changes: { title: 'New title', description: null },
      timing: null,
      sendUpdates: 'externalOnly',
      scope: 'following',
    });
    expect(applyEventPatch(current, update)).toMatchObject({
      title: 'New title',
      description: null,
      attendees: current.attendees,
    });
  });

  it('keeps the duration when only the start moves, and the start when only the end moves', () => {
    const moved = applyEventPatch(current, parseUpdateEventInput({ start: '2026-12-08T13:00:00Z' }, options));
    expect([moved.startAt?.toISOString(), moved.endAt?.toISOString()]).toEqual([
      '2026-12-08T13:00:00.000Z',
      '2026-12-08T14:00:00.000Z',
    ]);
    const longer = applyEventPatch(current, parseUpdateEventInput({ end: '2026-12-07T16:30:00Z' }, options));
    expect([longer.startAt?.toISOString(), longer.endAt?.toISOString()]).toEqual([
      '2026-12-07T14:00:00.000Z',
      '2026-12-07T16:30:00.000Z',
    ]);
  });

  it('switches between timed and all-day', () => {
    const allDay = applyEventPatch(current, parseUpdateEventInput({ all_day: true }, options));
    expect(allDay).toMatchObject({
      allDay: true,
      startDate: '2026-12-07',
      endDate: '2026-12-08',
      startAt: null,
    });
    const timedAgain = applyEventPatch(
      allDay,
      parseUpdateEventInput({ start: '2026-12-09T10:00', end: '2026-12-09T11:00' }, options),
    );
    expect(timedAgain.startAt?.toISOString()).toBe('2026-12-09T13:00:00.000Z');
    expect(
      codeOf(() => applyEventPatch(allDay, parseUpdateEventInput({ all_day: false }, options))),
    ).toMatchObject({ code: 'missing_field', field: 'start' });
  });

  it('keeps the days of a series made all-day: its UTC UNTIL becomes the last date it allowed', () => {
    // Daily at 16:00 in Kolkata (10:30 UTC); the UNTIL a split writes, a second before the 26th's.
    const series = (until: string): EventFields => ({
      ...parseCreateEventInput(
        {
          title: 'Stand-up',
          start: '2026-12-24T16:00:00',
          end: '2026-12-24T16:30:00',
          time_zone: 'Asia/Kolkata',
          recurrence: [`RRULE:FREQ=DAILY;UNTIL=${until}`],
        },
        options,
      ),
    });
    const allDay = (until: string) =>
      applyEventPatch(series(until), parseUpdateEventInput({ all_day: true }, options)).recurrence;
    expect(allDay('20261226T102959Z')).toEqual(['RRULE:FREQ=DAILY;UNTIL=20261225']);
    expect(allDay('20261226T103000Z')).toEqual(['RRULE:FREQ=DAILY;UNTIL=20261226']);
    // Past midnight in Kolkata on the 27th, but before that day's 16:00.
    expect(allDay('20261226T183000Z')).toEqual(['RRULE:FREQ=DAILY;UNTIL=20261226']);
  });

  it('moves a multi-day all-day event keeping its length', () => {
    const trip = parseCreateEventInput({ title: 'Trip', start: '2026-12-24', end: '2026-12-27' }, options);
    const later = applyEventPatch(trip, parseUpdateEventInput({ start: '2026-12-28' }, options));
    expect([later.startDate, later.endDate]).toEqual(['2026-12-28', '2026-12-31']);
  });

  it('checks the result against the stored event', () => {
    const patch = parseUpdateEventInput({ end: '2026-12-07T13:00:00Z' }, options);
    expect(codeOf(() => applyEventPatch(current, patch))).toMatchObject({
      code: 'end_before_start',
      field: 'end',
    });
  });

  it('unlinks with null entity fields', () => {
    const update = parseUpdateEventInput({ entity_type: null, entity_id: null }, options);
    expect(applyEventPatch(current, update).entity).toBeNull();
  });

  it.each([
    [{ scope: 'some' }, 'invalid_scope'],
    [{ calendar_id: 'other' }, 'invalid_request'],
    [{ title: '' }, 'missing_field'],
    [{ time_zone: 'Moon/Base' }, 'invalid_time_zone'],
    [{ attendees: ['x'] }, 'invalid_email'],
    [{ start: '2026-13-01T10:00:00Z' }, 'invalid_date'],
  ])('refuses %j with %s', (body, code) => {
    expect(updateError(body).code).toBe(code);
  });
});
