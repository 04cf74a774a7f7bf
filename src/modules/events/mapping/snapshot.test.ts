import { describe, expect, it } from 'vitest';
import { eventTimesEqual } from '../../../kernel/merge.js';
import { parseSnapshot, snapshotOf } from './snapshot.js';

describe('snapshotOf', () => {
  it('normalizes text, times, attendees and reminders', () => {
    const snapshot = snapshotOf({
      summary: 'Sync',
      description: '',
      start: { dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'America/New_York' },
      end: { dateTime: '2026-12-07T10:00:00', timeZone: 'America/New_York' },
      attendees: [
        { email: 'Bob@Example.com', displayName: 'Bob', responseStatus: 'accepted' },
        { email: 'me@example.com', self: true, optional: true },
        { displayName: 'no email' },
      ],
      reminders: { useDefault: true, overrides: [{ method: 'popup', minutes: 5 }] },
    });
    expect(snapshot).toEqual({
      summary: 'Sync',
      description: null,
      location: null,
      start: { dateTime: '2026-12-07T14:00:00.000Z', timeZone: 'America/New_York' },
      end: { dateTime: '2026-12-07T15:00:00.000Z', timeZone: 'America/New_York' },
      attendees: [
        { email: 'Bob@Example.com', name: 'Bob', optional: false, responseStatus: 'accepted', self: false },
        { email: 'me@example.com', name: null, optional: true, responseStatus: 'needsAction', self: true },
      ],
      reminders: { useDefault: true, overrides: [] },
      recurrence: null,
      conference: false,
      status: 'confirmed',
    });
  });

  it('reads offset-less times without a zone in the calendar zone, which is their zone', () => {
    const snapshot = snapshotOf(
      { start: { dateTime: '2026-12-07T09:00:00' }, end: { dateTime: '2026-12-07T10:00:00' } },
      { calendarTimeZone: 'Europe/Berlin' },
    );
    expect(snapshot.start).toEqual({ dateTime: '2026-12-07T08:00:00.000Z', timeZone: 'Europe/Berlin' });
  });

  it('gives times with an offset and no zone the calendar zone, so another zone is a change (F15)', () => {
    const google = { start: { dateTime: '2027-03-22T10:00:00Z' }, end: { dateTime: '2027-03-22T10:30:00Z' } };
    const base = snapshotOf(google, { calendarTimeZone: 'Europe/Berlin' });
    const inSydney = snapshotOf(
      {
        start: { dateTime: '2027-03-22T21:00:00+11:00', timeZone: 'Australia/Sydney' },
        end: { dateTime: '2027-03-22T21:30:00+11:00', timeZone: 'Australia/Sydney' },
      },
      { calendarTimeZone: 'Europe/Berlin' },
    );
    const inBerlin = snapshotOf(
      {
        start: { dateTime: '2027-03-22T11:00:00+01:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2027-03-22T11:30:00+01:00', timeZone: 'Europe/Berlin' },
      },
      { calendarTimeZone: 'Europe/Berlin' },
    );
    expect(eventTimesEqual(base.start, inSydney.start)).toBe(false);
    expect(eventTimesEqual(base.start, inBerlin.start)).toBe(true);
    // Without a calendar zone, a time that names none still matches any zone.
    expect(eventTimesEqual(snapshotOf(google).start, inSydney.start)).toBe(true);
  });

  it('keeps all-day dates as dates', () => {
    const snapshot = snapshotOf({ start: { date: '2026-12-25' }, end: { date: '2026-12-26' } });
    expect([snapshot.start, snapshot.end]).toEqual([{ date: '2026-12-25' }, { date: '2026-12-26' }]);
  });

  it('sees a conference in a Meet link, entry points or a pending request', () => {
    expect(snapshotOf({ hangoutLink: 'https://meet.google.com/a' }).conference).toBe(true);
    expect(
      snapshotOf({ conferenceData: { entryPoints: [{ entryPointType: 'phone', uri: 'tel:1' }] } }).conference,
    ).toBe(true);
    expect(snapshotOf({ conferenceData: { createRequest: { requestId: 'r' } } }).conference).toBe(true);
    expect(snapshotOf({}).conference).toBe(false);
  });
});

describe('parseSnapshot', () => {
  it('reads back what was stored as JSON', () => {
    const snapshot = snapshotOf({
      summary: 'x',
      start: { date: '2026-12-25' },
      end: { date: '2026-12-26' },
      recurrence: ['RRULE:FREQ=YEARLY'],
      status: 'tentative',
    });
    expect(parseSnapshot(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
  });

  it('returns null for absent or foreign shapes', () => {
    expect(parseSnapshot(null)).toBeNull();
    expect(parseSnapshot({ summary: 'old format' })).toBeNull();
  });
});
