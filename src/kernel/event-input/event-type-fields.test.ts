import { describe, expect, it } from 'vitest';
import { parseUpdateEventInput } from './event-input.js';
import { checkChangeForEventType } from './event-type-fields.js';
import { codeOf, options } from './event-input.fixtures.js';

const change = (body: Record<string, unknown>) => parseUpdateEventInput(body, options);
const refusal = (type: Parameters<typeof checkChangeForEventType>[0], body: Record<string, unknown>) =>
  codeOf(() => checkChangeForEventType(type, change(body)));

describe('checkChangeForEventType', () => {
  it('lets any field change on an ordinary event', () => {
    expect(() =>
      checkChangeForEventType(
        'default',
        change({ title: 'x', attendees: ['a@example.com'], conference: true, visibility: 'private' }),
      ),
    ).not.toThrow();
  });

  it('lets a special item take the fields its type allows, and request options', () => {
    expect(() =>
      checkChangeForEventType(
        'outOfOffice',
        change({ title: 'Away', start: '2026-12-07T10:00:00Z', send_updates: 'none', scope: 'all' }),
      ),
    ).not.toThrow();
    expect(() =>
      checkChangeForEventType('fromGmail', change({ visibility: 'private', transparency: 'transparent' })),
    ).not.toThrow();
    expect(() => checkChangeForEventType('workingLocation', change({ all_day: true }))).not.toThrow();
  });

  it('refuses any other field, naming it as the body does', () => {
    expect(refusal('outOfOffice', { attendees: ['a@example.com'] })).toMatchObject({
      code: 'unsupported_for_event_type',
      field: 'attendees',
    });
    expect(
      refusal('focusTime', { entity_type: 'contact', entity_id: '5B0C3A52-8F5E-4C43-9D0A-3B3F0A1D2E4F' }),
    ).toMatchObject({ field: 'entity_type' });
    expect(refusal('birthday', { start_time: '2026-12-07T10:00:00Z' })).toMatchObject({ field: 'start' });
    expect(refusal('fromGmail', { title: 'Mine' })).toMatchObject({ field: 'title' });
    expect(refusal('workingLocation', { guests_can_modify: true })).toMatchObject({
      field: 'guests_can_modify',
    });
    expect(refusal('outOfOffice', { description: null }).message).toBe(
      'description cannot be changed on outOfOffice items: they are not meetings ' +
        '(what can change: title, start, end, time_zone, visibility, reminders)',
    );
  });

  it('refuses a change of type, and takes the type the event has', () => {
    expect(refusal('default', { event_type: 'focusTime' })).toMatchObject({
      code: 'invalid_event_type',
      field: 'event_type',
    });
    expect(refusal('birthday', { event_type: 'default', title: 'x' })).toMatchObject({
      code: 'invalid_event_type',
    });
    expect(() =>
      checkChangeForEventType('birthday', change({ event_type: 'birthday', title: 'x' })),
    ).not.toThrow();
    expect(codeOf(() => change({ event_type: 'holiday' }))).toMatchObject({
      code: 'invalid_event_type',
      field: 'event_type',
    });
  });
});
