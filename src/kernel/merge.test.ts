import { describe, expect, it } from 'vitest';
import {
  attendeesEqual,
  eventTimesEqual,
  mergeEvent,
  type MergeFields,
  type SnapshotAttendee,
} from './merge.js';

const T0 = new Date('2026-11-20T10:00:00Z');
const LATER = new Date('2026-11-20T11:00:00Z');

function person(email: string, overrides: Partial<SnapshotAttendee> = {}): SnapshotAttendee {
  return { email, name: null, optional: false, responseStatus: 'needsAction', self: false, ...overrides };
}

const base: MergeFields = {
  summary: 'Pricing call',
  description: 'Agenda',
  location: null,
  start: { dateTime: '2026-12-07T14:00:00.000Z', timeZone: 'America/New_York' },
  end: { dateTime: '2026-12-07T15:00:00.000Z', timeZone: 'America/New_York' },
  attendees: [
    person('me@example.com', { self: true, responseStatus: 'accepted' }),
    person('bob@example.com'),
  ],
  reminders: {
    useDefault: false,
    overrides: [
      { method: 'email', minutes: 1440 },
      { method: 'popup', minutes: 10 },
    ],
  },
  recurrence: null,
  conference: false,
  status: 'confirmed',
};

const at = (iso: string) => ({ dateTime: new Date(iso).toISOString(), timeZone: 'America/New_York' });
const merge = (
  local: Partial<MergeFields>,
  remote: Partial<MergeFields>,
  localLater = true,
  withBase: MergeFields | null = base,
) =>
  mergeEvent({
    base: withBase,
    local: { ...base, ...local },
    remote: { ...base, ...remote },
    localChangedAt: localLater ? LATER : T0,
    remoteUpdatedAt: localLater ? T0 : LATER,
  });

describe('mergeEvent: different fields', () => {
  it('keeps a CRM title change and a Google time change together', () => {
    const result = merge(
      { summary: 'Pricing call (final)' },
      { start: at('2026-12-08T14:00:00Z'), end: at('2026-12-08T15:00:00Z') },
    );
    expect(result.merged.summary).toBe('Pricing call (final)');
    expect(result.merged.start).toEqual(at('2026-12-08T14:00:00Z'));
    expect(result.conflicts).toEqual([]);
    expect(result.changedForRemote).toEqual(['summary']);
    expect(result.changedForLocal).toEqual(['start', 'end']);
  });

  it('changes nothing when neither side changed', () => {
    const result = merge({}, {});
    expect(result).toMatchObject({ conflicts: [], changedForRemote: [], changedForLocal: [] });
  });
});

describe('mergeEvent: the same field on both sides', () => {
  it('lets the later change win and records the overwrite', () => {
    const localWins = merge({ location: 'Room 4' }, { location: 'Room 9' }, true);
    expect(localWins.merged.location).toBe('Room 4');
    expect(localWins.conflicts).toEqual([
      { field: 'location', local: 'Room 4', remote: 'Room 9', winner: 'local' },
    ]);
    expect(localWins.changedForRemote).toEqual(['location']);

    const remoteWins = merge({ location: 'Room 4' }, { location: 'Room 9' }, false);
    expect(remoteWins.merged.location).toBe('Room 9');
    expect(remoteWins.conflicts[0]?.winner).toBe('remote');
    expect(remoteWins.changedForRemote).toEqual([]);
    expect(remoteWins.changedForLocal).toEqual(['location']);
  });

  it('does not call equal changes a conflict', () => {
    const result = merge({ summary: 'Renamed' }, { summary: 'Renamed' });
    expect(result.conflicts).toEqual([]);
    expect(result.merged.summary).toBe('Renamed');
  });

  it('keeps Google on an exact tie, and the CRM when Google gives no time', () => {
    const tie = mergeEvent({
      base,
      local: { ...base, summary: 'A' },
      remote: { ...base, summary: 'B' },
      localChangedAt: T0,
      remoteUpdatedAt: T0,
    });
    expect(tie.merged.summary).toBe('B');
    const unknown = mergeEvent({
      base,
      local: { ...base, summary: 'A' },
      remote: { ...base, summary: 'B' },
      localChangedAt: T0,
      remoteUpdatedAt: null,
    });
    expect(unknown.merged.summary).toBe('A');
  });

  it('treats every difference as a conflict without a base', () => {
    const result = merge({ summary: 'A', location: 'X' }, { summary: 'B', location: 'X' }, true, null);
    expect(result.merged).toMatchObject({ summary: 'A', location: 'X' });
    expect(result.conflicts.map((c) => c.field)).toEqual(['summary']);
  });
});

describe('mergeEvent: times', () => {
  it('compares instants, not strings or zones', () => {
    expect(
      eventTimesEqual(
        { dateTime: '2026-12-07T14:00:00.000Z', timeZone: null },
        { dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'America/New_York' },
      ),
    ).toBe(true);
    expect(eventTimesEqual({ date: '2026-12-07' }, { date: '2026-12-07' })).toBe(true);
    expect(
      eventTimesEqual({ date: '2026-12-07' }, { dateTime: '2026-12-07T00:00:00.000Z', timeZone: null }),
    ).toBe(false);
    const zoneOnly = merge({ start: { dateTime: '2026-12-07T14:00:00Z', timeZone: null } }, { summary: 'x' });
    expect(zoneOnly.changedForRemote).toEqual([]);
  });

  it('takes a new time zone for the same instants as a change', () => {
    expect(
      eventTimesEqual(
        { dateTime: '2026-12-07T14:00:00.000Z', timeZone: 'Asia/Kolkata' },
        { dateTime: '2026-12-07T15:00:00+01:00', timeZone: 'Europe/Berlin' },
      ),
    ).toBe(false);
  });

  it('keeps a new zone from one side and a move from the other', () => {
    const inZone = (iso: string, timeZone: string) => ({ dateTime: new Date(iso).toISOString(), timeZone });
    // The CRM showed the meeting in Berlin (same instants); Google moved it an hour earlier.
    const zoned = {
      start: inZone('2026-12-07T14:00:00Z', 'Europe/Berlin'),
      end: inZone('2026-12-07T15:00:00Z', 'Europe/Berlin'),
    };
    const moved = { start: at('2026-12-07T13:00:00Z'), end: at('2026-12-07T14:00:00Z') };
    for (const localLater of [true, false]) {
      const crmZone = merge(zoned, moved, localLater);
      expect(crmZone.merged.start).toEqual(inZone('2026-12-07T13:00:00Z', 'Europe/Berlin'));
      expect(crmZone.merged.end).toEqual(inZone('2026-12-07T14:00:00Z', 'Europe/Berlin'));
      expect(crmZone.conflicts).toEqual([]);
      expect(crmZone.changedForRemote).toEqual(['start', 'end']);
      const googleZone = merge(moved, zoned, localLater);
      expect(googleZone.merged.start).toEqual(inZone('2026-12-07T13:00:00Z', 'Europe/Berlin'));
      expect(googleZone.conflicts).toEqual([]);
    }
    // Both sides moved it: the later move wins, zone and all.
    const both = merge(
      {
        start: inZone('2026-12-07T16:00:00Z', 'Europe/Berlin'),
        end: inZone('2026-12-07T17:00:00Z', 'Europe/Berlin'),
      },
      moved,
      true,
    );
    expect(both.merged.start).toEqual(inZone('2026-12-07T16:00:00Z', 'Europe/Berlin'));
    expect(both.conflicts.map((c) => c.field)).toEqual(['start', 'end']);
  });

  it('moves start and end together, so the result never mixes the two sides', () => {
    // The CRM moved the meeting to the afternoon; Google shortened it later on.
    const result = merge(
      { start: at('2026-12-07T19:00:00Z'), end: at('2026-12-07T20:00:00Z') },
      { end: at('2026-12-07T14:30:00Z') },
      false,
    );
    expect(result.merged.start).toEqual(base.start);
    expect(result.merged.end).toEqual(at('2026-12-07T14:30:00Z'));
    expect(result.conflicts.map((c) => [c.field, c.winner])).toEqual([
      ['start', 'remote'],
      ['end', 'remote'],
    ]);
  });

  it('merges a switch to all-day as a time change', () => {
    const result = merge(
      { start: { date: '2026-12-07' }, end: { date: '2026-12-08' } },
      { summary: 'Renamed' },
    );
    expect(result.merged).toMatchObject({
      summary: 'Renamed',
      start: { date: '2026-12-07' },
      end: { date: '2026-12-08' },
    });
    expect(result.changedForRemote).toEqual(['start', 'end']);
  });
});

describe('mergeEvent: attendees', () => {
  const emails = (list: SnapshotAttendee[]) => list.map((a) => a.email).sort();

  it('keeps additions from both sides and removals from either', () => {
    const result = merge(
      { attendees: [...base.attendees, person('carol@example.com')] },
      { attendees: [base.attendees[0] as SnapshotAttendee, person('dave@example.com')] },
    );
    expect(emails(result.merged.attendees)).toEqual([
      'carol@example.com',
      'dave@example.com',
      'me@example.com',
    ]);
    expect(result.conflicts).toEqual([]);
    expect(result.changedForRemote).toEqual(['attendees']);
  });

  it('matches people by case-insensitive email', () => {
    expect(attendeesEqual([person('Bob@Example.com')], [person('bob@example.com')])).toBe(true);
    const result = merge(
      { attendees: [base.attendees[0] as SnapshotAttendee, person('BOB@example.com')] },
      {},
    );
    expect(result.changedForRemote).toEqual([]);
    expect(result.merged.attendees).toHaveLength(2);
  });

  it("takes other people's responses from Google", () => {
    const result = merge(
      {
        attendees: [
          base.attendees[0] as SnapshotAttendee,
          person('bob@example.com', { responseStatus: 'declined' }),
        ],
      },
      {
        attendees: [
          base.attendees[0] as SnapshotAttendee,
          person('bob@example.com', { responseStatus: 'accepted' }),
        ],
      },
    );
    expect(result.merged.attendees.find((a) => a.email === 'bob@example.com')?.responseStatus).toBe(
      'accepted',
    );
    expect(result.conflicts).toEqual([]);
  });

  it("follows the side that changed the user's own response", () => {
    const me = (responseStatus: SnapshotAttendee['responseStatus']) => [
      person('me@example.com', { self: true, responseStatus }),
      base.attendees[1] as SnapshotAttendee,
    ];
    const inCrm = merge({ attendees: me('declined') }, { summary: 'x' });
    expect(inCrm.merged.attendees[0]?.responseStatus).toBe('declined');
    expect(inCrm.changedForRemote).toContain('attendees');
    const inGoogle = merge({ summary: 'y' }, { attendees: me('tentative') });
    expect(inGoogle.merged.attendees[0]?.responseStatus).toBe('tentative');
    const both = merge({ attendees: me('declined') }, { attendees: me('tentative') }, false);
    expect(both.merged.attendees[0]?.responseStatus).toBe('tentative');
    expect(both.conflicts).toMatchObject([{ field: 'attendees', winner: 'remote' }]);
  });

  it('resolves a name changed on both sides by time', () => {
    const named = (name: string) => [
      base.attendees[0] as SnapshotAttendee,
      person('bob@example.com', { name }),
    ];
    const result = merge({ attendees: named('Robert') }, { attendees: named('Bobby') }, true);
    expect(result.merged.attendees[1]?.name).toBe('Robert');
    expect(result.conflicts).toHaveLength(1);
  });
});

describe('mergeEvent: lists and flags', () => {
  it('compares reminders and recurrence regardless of order', () => {
    const result = merge(
      {
        reminders: {
          useDefault: false,
          overrides: [
            { method: 'popup', minutes: 10 },
            { method: 'email', minutes: 1440 },
          ],
        },
      },
      { recurrence: null },
    );
    expect(result.changedForRemote).toEqual([]);
    const rules = merge(
      { recurrence: ['EXDATE:20261214T140000Z', 'RRULE:FREQ=WEEKLY'] },
      { recurrence: ['RRULE:FREQ=WEEKLY', 'EXDATE:20261214T140000Z'] },
      true,
      { ...base, recurrence: ['RRULE:FREQ=WEEKLY'] },
    );
    expect(rules.conflicts).toEqual([]);
  });

  it('merges the conference flag and the status like any field', () => {
    const result = merge({ conference: true }, { status: 'tentative' });
    expect(result.merged).toMatchObject({ conference: true, status: 'tentative' });
    expect(result.changedForRemote).toEqual(['conference']);
  });
});
