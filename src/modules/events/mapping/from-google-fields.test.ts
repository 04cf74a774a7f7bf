import { describe, expect, it } from 'vitest';
import { googleEventToRow } from './from-google.js';
import { ctx, event, row, TENANT } from './from-google.fixtures.js';

const ENTITY_ID = '5b0c3a52-8f5e-4c43-9d0a-3b3f0a1d2e4f';
const CRM_EVENT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('people, reminders, links', () => {
  it('maps attendees with their responses and skips those without an email', () => {
    const r = row({
      attendees: [
        { email: 'alice@example.com', organizer: true, self: true, responseStatus: 'accepted' },
        { email: 'Bob@Example.com', displayName: 'Bob', responseStatus: 'tentative', optional: true },
        { email: 'carol@example.com', responseStatus: 'bogus' },
        { displayName: 'Room 1', resource: true },
      ],
    });
    expect(r.attendees).toEqual([
      { email: 'alice@example.com', status: 'accepted', organizer: true, self: true },
      { email: 'Bob@Example.com', name: 'Bob', status: 'tentative', optional: true },
      { email: 'carol@example.com', status: 'needsAction' },
    ]);
  });

  it('knows whose event it is', () => {
    expect(row({ organizer: { email: 'boss@example.com' } })).toMatchObject({
      organizer_self: false,
      organizer_email: 'boss@example.com',
    });
    expect(row({ organizer: undefined })).toMatchObject({ organizer_self: true, organizer_email: null });
  });

  it('maps reminders', () => {
    expect(row({ reminders: { useDefault: true } }).reminders).toEqual({ use_default: true, overrides: [] });
    expect(
      row({
        reminders: {
          useDefault: false,
          overrides: [
            { method: 'email', minutes: 1440 },
            { method: 'sms', minutes: 5 },
            { method: 'popup', minutes: 10 },
          ],
        },
      }).reminders,
    ).toEqual({
      use_default: false,
      overrides: [
        { method: 'email', minutes: 1440 },
        { method: 'popup', minutes: 10 },
      ],
    });
    expect(row().reminders).toBeNull();
  });

  it('finds the Meet link in hangoutLink or the video entry point', () => {
    expect(row({ hangoutLink: 'https://meet.google.com/abc-defg-hij' }).meet_link).toBe(
      'https://meet.google.com/abc-defg-hij',
    );
    const viaConference = row({
      conferenceData: {
        entryPoints: [
          { entryPointType: 'phone', uri: 'tel:+1-555-0100' },
          { entryPointType: 'video', uri: 'https://meet.google.com/xyz-abcd-efg' },
        ],
      },
    });
    expect(viaConference.meet_link).toBe('https://meet.google.com/xyz-abcd-efg');
    expect(row().meet_link).toBeNull();
  });

  it('copies transparency, visibility and status', () => {
    expect(row({ transparency: 'transparent', visibility: 'private', status: 'tentative' })).toMatchObject({
      transparency: 'transparent',
      visibility: 'private',
      status: 'tentative',
    });
    expect(row({ status: undefined }).status).toBe('confirmed');
  });
});

describe('CRM links in private extended properties', () => {
  const props = (p: Record<string, string>) => ({ extendedProperties: { private: p } });
  const link = {
    crm_entity_type: 'deal',
    crm_entity_id: ENTITY_ID,
    crm_tenant: TENANT,
    crm_event_id: CRM_EVENT_ID,
  };

  it('honours a link of this tenant', () => {
    const mapped = googleEventToRow(event(props(link)), ctx);
    expect(mapped).toMatchObject({ action: 'upsert', crmEventId: CRM_EVENT_ID, linkRefused: null });
    expect(mapped.action === 'upsert' && mapped.row).toMatchObject({
      entity_type: 'deal',
      entity_id: ENTITY_ID,
    });
  });

  it.each([
    [{ ...link, crm_tenant: 'other' }, /another tenant/],
    [{ crm_entity_type: 'deal', crm_entity_id: ENTITY_ID }, /another tenant/],
    [{ ...link, crm_entity_type: 'invoice' }, /unknown entity type/],
    [{ ...link, crm_entity_id: '42' }, /malformed entity id/],
  ])('refuses %j', (properties, reason) => {
    const mapped = googleEventToRow(event(props(properties)), ctx);
    if (mapped.action !== 'upsert') throw new Error('expected an upsert');
    expect(mapped.row.entity_type).toBeNull();
    expect(mapped.row.entity_id).toBeNull();
    expect(mapped.linkRefused).toMatch(reason);
  });

  it('ignores a CRM event id stamped by another tenant', () => {
    const mapped = googleEventToRow(event(props({ crm_tenant: 'other', crm_event_id: CRM_EVENT_ID })), ctx);
    expect(mapped).toMatchObject({ crmEventId: null, linkRefused: null });
  });
});
