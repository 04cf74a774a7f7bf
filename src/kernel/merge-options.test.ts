import { describe, expect, it } from 'vitest';
import { mergeEvent, type MergeFields } from './merge.js';

/** The optional merge fields (visibility, transparency, guest permissions): absent means Google's default. */

const T0 = new Date('2026-11-20T10:00:00Z');
const LATER = new Date('2026-11-20T11:00:00Z');

const base: MergeFields = {
  summary: 'Pricing call',
  description: null,
  location: null,
  start: { dateTime: '2026-12-07T14:00:00.000Z', timeZone: 'UTC' },
  end: { dateTime: '2026-12-07T15:00:00.000Z', timeZone: 'UTC' },
  attendees: [
    {
      email: 'me@example.com',
      name: null,
      optional: false,
      responseStatus: 'accepted',
      self: true,
      organizer: true,
    },
  ],
  reminders: null,
  recurrence: null,
  conference: false,
  status: 'confirmed',
};

const merge = (
  local: Partial<MergeFields>,
  remote: Partial<MergeFields>,
  withBase: MergeFields | null = base,
) =>
  mergeEvent({
    base: withBase,
    local: { ...base, ...local },
    remote: { ...base, ...remote },
    localChangedAt: LATER,
    remoteUpdatedAt: T0,
  });

describe('mergeEvent: visibility, transparency and guest permissions', () => {
  it("reads an absent field as Google's default, so an older snapshot shows no change", () => {
    const result = merge(
      { visibility: 'default', transparency: 'opaque', guestsCanModify: false },
      { guestsCanInviteOthers: true, guestsCanSeeOtherGuests: true },
    );
    expect(result.conflicts).toEqual([]);
    expect(result.changedForRemote).toEqual([]);
    expect(result.changedForLocal).toEqual([]);
    // Defaults are left out of the merged fields, as snapshotOf leaves them out.
    expect('visibility' in result.merged || 'guestsCanInviteOthers' in result.merged).toBe(false);
  });

  it('keeps a change of one field on each side', () => {
    const result = merge({ visibility: 'private' }, { transparency: 'transparent', guestsCanModify: true });
    expect(result.merged).toMatchObject({
      visibility: 'private',
      transparency: 'transparent',
      guestsCanModify: true,
    });
    expect(result.conflicts).toEqual([]);
    expect(result.changedForRemote).toEqual(['visibility']);
    expect(result.changedForLocal.sort()).toEqual(['guestsCanModify', 'transparency']);
  });

  it('lets the later change win when both sides changed the same field, and records it', () => {
    const result = merge({ visibility: 'private' }, { visibility: 'public' });
    expect(result.merged.visibility).toBe('private');
    expect(result.conflicts).toEqual([
      { field: 'visibility', local: 'private', remote: 'public', winner: 'local' },
    ]);
  });

  it('changing back to the default is a change', () => {
    // Both sides had a private event that guests may not share; Google made it default again.
    const before = { ...base, visibility: 'private' as const, guestsCanInviteOthers: false };
    const result = merge(
      { visibility: 'private', guestsCanInviteOthers: false },
      { visibility: 'default', guestsCanInviteOthers: false },
      before,
    );
    expect('visibility' in result.merged).toBe(false);
    expect(result.merged.guestsCanInviteOthers).toBe(false);
    expect(result.changedForLocal).toEqual(['visibility']);
  });

  it("keeps the organizer's marker on their attendee entry", () => {
    const result = merge({ summary: 'x' }, {});
    expect(result.merged.attendees).toEqual([
      expect.objectContaining({ email: 'me@example.com', organizer: true }),
    ]);
  });
});
