import { describe, expect, it } from 'vitest';
import type { GoogleEvent } from '../../../adapters/google/types.js';
import { ctx, event, row } from './from-google.fixtures.js';
import { EventMappingError, googleEventToRow } from './from-google.js';

/** Events of a shape Google's reference does not describe are refused by name, never a TypeError. */

function refusal(overrides: Record<string, unknown>): string {
  const hostile: GoogleEvent = Object.assign(event(), overrides);
  try {
    googleEventToRow(hostile, ctx);
  } catch (error) {
    if (error instanceof EventMappingError) return error.message;
    throw error;
  }
  throw new Error('expected an EventMappingError');
}

describe('the shape of a Google event', () => {
  it('maps an event of the documented shape, unknown fields and nulls included', () => {
    expect(row({ attendees: null, reminders: null } as never).title).toBe('Quarterly review');
    expect(
      googleEventToRow({ ...event(), someNewField: { nested: [1, 2] } } as GoogleEvent, ctx).action,
    ).toBe('upsert');
  });

  it('names the field of another shape', () => {
    expect(refusal({ attendees: 'ana@example.com' })).toBe(
      'Event evt1: unexpected shape of attendees: Invalid input: expected array, received string',
    );
    expect(refusal({ summary: 42 })).toMatch(/^Event evt1: unexpected shape of summary: /);
    expect(refusal({ start: '2026-12-07' })).toMatch(/unexpected shape of start: /);
    expect(refusal({ reminders: { overrides: [{ method: 'popup', minutes: '10' }] } })).toMatch(
      /unexpected shape of reminders\.overrides\.0\.minutes: /,
    );
    expect(refusal({ extendedProperties: { private: { crm: 7 } } })).toMatch(
      /unexpected shape of extendedProperties\.private\.crm: /,
    );
    expect(refusal({ recurrence: 'RRULE:FREQ=DAILY' })).toMatch(/unexpected shape of recurrence: /);
  });

  it('refuses what the columns cannot hold: an id past 1024 characters, a sequence past 32 bits', () => {
    expect(refusal({ id: 'a'.repeat(1025) })).toMatch(/unexpected shape of id: /);
    expect(refusal({ recurringEventId: 'b'.repeat(1025) })).toMatch(/unexpected shape of recurringEventId: /);
    expect(refusal({ sequence: 2 ** 31 })).toMatch(/unexpected shape of sequence: /);
    expect(refusal({ sequence: 1.5 })).toMatch(/unexpected shape of sequence: /);
  });
});
