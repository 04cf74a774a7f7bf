import { describe, expect, it } from 'vitest';
import { googleEventToRow } from './from-google.js';
import { event, row, TENANT, ctx } from './from-google.fixtures.js';
import { snapshotOf } from './snapshot.js';
import {
  crmEventToGoogle,
  googleEventIdFromUuid,
  mergeFieldsToGoogle,
  type CrmEventFields,
} from './to-google.js';

/** Visibility, transparency, guest permissions, event types and the organizer's answer, both ways. */

const EVENT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const DEAL_ID = '5b0c3a52-8f5e-4c43-9d0a-3b3f0a1d2e4f';

function fields(overrides: Partial<CrmEventFields> = {}): CrmEventFields {
  return {
    id: EVENT_ID,
    tenantId: TENANT,
    googleEventId: googleEventIdFromUuid(EVENT_ID),
    title: 'Demo',
    description: null,
    location: null,
    allDay: false,
    startAt: new Date('2026-12-07T14:00:00Z'),
    endAt: new Date('2026-12-07T15:00:00Z'),
    startDate: null,
    endDate: null,
    timeZone: 'UTC',
    attendees: [],
    reminders: null,
    recurrence: null,
    conference: false,
    entity: null,
    ...overrides,
  };
}

describe("the organizer's answer", () => {
  it('is left to Google while unknown; known answers of everyone are sent', () => {
    const body = crmEventToGoogle(
      fields({
        attendees: [
          { email: 'me@example.com', status: 'needsAction', organizer: true },
          { email: 'bob@example.com', status: 'needsAction' },
          { email: 'ann@example.com', status: 'accepted' },
        ],
      }),
    );
    expect(body.attendees).toEqual([
      { email: 'me@example.com' },
      { email: 'bob@example.com', responseStatus: 'needsAction' },
      { email: 'ann@example.com', responseStatus: 'accepted' },
    ]);
    const declined = crmEventToGoogle(
      fields({ attendees: [{ email: 'me@example.com', status: 'declined', organizer: true }] }),
    );
    expect(declined.attendees).toEqual([{ email: 'me@example.com', responseStatus: 'declined' }]);
  });

  it('is left out of patches of the guest list too', () => {
    const merged = {
      ...snapshotOf(crmEventToGoogle(fields())),
      attendees: [
        {
          email: 'me@example.com',
          name: null,
          optional: false,
          responseStatus: 'needsAction' as const,
          self: true,
          organizer: true as const,
        },
      ],
    };
    const patch = mergeFieldsToGoogle(merged, { crmEventId: EVENT_ID, keys: ['attendees'] });
    expect(patch).toEqual({ attendees: [{ email: 'me@example.com' }] });
  });

  it("is marked from Google's organizer flag", () => {
    const snapshot = snapshotOf({
      attendees: [
        { email: 'me@example.com', organizer: true, self: true, responseStatus: 'accepted' },
        { email: 'bob@example.com' },
      ],
    });
    expect(snapshot.attendees.map((a) => a.organizer)).toEqual([true, undefined]);
  });
});

describe('visibility, transparency and guest permissions', () => {
  it("are written on insert only when they are not Google's defaults", () => {
    expect(
      crmEventToGoogle(fields({ visibility: 'default', transparency: 'opaque', guestsCanModify: false })),
    ).not.toHaveProperty('visibility');
    const body = crmEventToGoogle(
      fields({
        visibility: 'private',
        transparency: 'transparent',
        guestsCanModify: true,
        guestsCanInviteOthers: false,
        guestsCanSeeOtherGuests: false,
      }),
    );
    expect(body).toMatchObject({
      visibility: 'private',
      transparency: 'transparent',
      guestsCanModify: true,
      guestsCanInviteOthers: false,
      guestsCanSeeOtherGuests: false,
    });
  });

  it('are named in a patch even when they go back to the default', () => {
    const merged = snapshotOf(crmEventToGoogle(fields()));
    expect(
      mergeFieldsToGoogle(merged, {
        crmEventId: EVENT_ID,
        keys: [
          'visibility',
          'transparency',
          'guestsCanModify',
          'guestsCanInviteOthers',
          'guestsCanSeeOtherGuests',
        ],
      }),
    ).toEqual({
      visibility: 'default',
      transparency: 'opaque',
      guestsCanModify: false,
      guestsCanInviteOthers: true,
      guestsCanSeeOtherGuests: true,
    });
  });

  it("are in the merge view only when they are not Google's defaults", () => {
    expect(snapshotOf({ visibility: 'default', guestsCanInviteOthers: true })).not.toHaveProperty(
      'visibility',
    );
    expect(
      snapshotOf({ visibility: 'public', transparency: 'transparent', guestsCanSeeOtherGuests: false }),
    ).toMatchObject({ visibility: 'public', transparency: 'transparent', guestsCanSeeOtherGuests: false });
  });

  it("are stored with Google's defaults where it names none, and unknown values read as the default", () => {
    expect(row()).toMatchObject({
      visibility: 'default',
      transparency: 'opaque',
      guests_can_modify: false,
      guests_can_invite_others: true,
      guests_can_see_other_guests: true,
      event_type: 'default',
    });
    expect(
      row({
        visibility: 'secret',
        transparency: 'see-through',
        guestsCanModify: true,
        guestsCanInviteOthers: false,
      }),
    ).toMatchObject({
      visibility: 'default',
      transparency: 'opaque',
      guests_can_modify: true,
      guests_can_invite_others: false,
    });
  });
});

describe('event types', () => {
  const stamped = {
    private: {
      crm_event_id: EVENT_ID,
      crm_tenant: TENANT,
      crm_entity_type: 'deal',
      crm_entity_id: DEAL_ID,
    },
  };

  it('are stored; an unknown one is taken as an ordinary event', () => {
    expect(row({ eventType: 'focusTime' }).event_type).toBe('focusTime');
    expect(row({ eventType: 'somethingNew' }).event_type).toBe('default');
  });

  it('other than default carry no CRM link, even one stamped on them', () => {
    const plain = googleEventToRow(event({ extendedProperties: stamped }), ctx);
    const special = googleEventToRow(event({ eventType: 'outOfOffice', extendedProperties: stamped }), ctx);
    if (plain.action !== 'upsert' || special.action !== 'upsert') throw new Error('expected upserts');
    expect(plain.row).toMatchObject({ entity_type: 'deal', entity_id: DEAL_ID, entity_source: 'crm' });
    expect(special.row).toMatchObject({ entity_type: null, entity_id: null, entity_source: null });
  });
});
