import { describe, expect, it } from 'vitest';
import { googleEventToRow } from './from-google.js';
import { snapshotOf } from './snapshot.js';
import {
  conferenceRequestId,
  crmEventToGoogle,
  googleEventIdFromUuid,
  mergeFieldsToGoogle,
  newGoogleEventId,
  type CrmEventFields,
} from './to-google.js';

const EVENT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const DEAL_ID = '5b0c3a52-8f5e-4c43-9d0a-3b3f0a1d2e4f';

function fields(overrides: Partial<CrmEventFields> = {}): CrmEventFields {
  return {
    id: EVENT_ID,
    tenantId: 'acme',
    googleEventId: googleEventIdFromUuid(EVENT_ID),
    title: 'Demo for ACME',
    description: 'Agenda: pricing',
    location: 'Room 4',
    allDay: false,
    startAt: new Date('2026-12-07T14:00:00Z'),
    endAt: new Date('2026-12-07T15:00:00Z'),
    startDate: null,
    endDate: null,
    timeZone: 'America/New_York',
    attendees: [
      { email: 'bob@example.com', name: 'Bob' },
      { email: 'carol@example.com', optional: true },
    ],
    reminders: {
      use_default: false,
      overrides: [
        { method: 'email', minutes: 1440 },
        { method: 'popup', minutes: 10 },
      ],
    },
    recurrence: null,
    conference: false,
    entity: { type: 'deal', id: DEAL_ID },
    ...overrides,
  };
}

describe('client-generated event ids', () => {
  it('are 26 base32hex characters, unique', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newGoogleEventId()));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[a-v0-9]{26}$/);
  });

  it('encode a uuid deterministically, all 128 bits', () => {
    expect(googleEventIdFromUuid('00000000-0000-0000-0000-000000000000')).toBe('0'.repeat(26));
    expect(googleEventIdFromUuid('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe(`${'v'.repeat(25)}s`);
    expect(googleEventIdFromUuid(EVENT_ID)).toBe(googleEventIdFromUuid(EVENT_ID.toUpperCase()));
    expect(googleEventIdFromUuid(EVENT_ID)).not.toBe(
      googleEventIdFromUuid('0f8fad5b-d9cb-469f-a165-70867728950f'),
    );
    expect(() => googleEventIdFromUuid('not-a-uuid')).toThrow(/Not a uuid/);
  });
});

describe('crmEventToGoogle', () => {
  it('writes timed events as local wall time with the offset of the event zone', () => {
    const winter = crmEventToGoogle(fields());
    expect(winter.start).toEqual({ dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'America/New_York' });
    expect(winter.end).toEqual({ dateTime: '2026-12-07T10:00:00-05:00', timeZone: 'America/New_York' });
    const summer = crmEventToGoogle(
      fields({ startAt: new Date('2026-07-07T13:00:00Z'), endAt: new Date('2026-07-07T14:00:00Z') }),
    );
    expect(summer.start?.dateTime).toBe('2026-07-07T09:00:00-04:00');
    const saoPaulo = crmEventToGoogle(fields({ timeZone: 'America/Sao_Paulo' }));
    expect(saoPaulo.start).toEqual({ dateTime: '2026-12-07T11:00:00-03:00', timeZone: 'America/Sao_Paulo' });
  });

  it('writes all-day events as dates', () => {
    const e = crmEventToGoogle(
      fields({ allDay: true, startAt: null, endAt: null, startDate: '2026-12-24', endDate: '2026-12-27' }),
    );
    expect(e.start).toEqual({ date: '2026-12-24' });
    expect(e.end).toEqual({ date: '2026-12-27' });
  });

  it('carries the id, text, attendees, reminders and the CRM link', () => {
    const e = crmEventToGoogle(fields());
    expect(e).toMatchObject({
      id: googleEventIdFromUuid(EVENT_ID),
      summary: 'Demo for ACME',
      description: 'Agenda: pricing',
      location: 'Room 4',
      attendees: [
        { email: 'bob@example.com', displayName: 'Bob' },
        { email: 'carol@example.com', optional: true },
      ],
      reminders: {
        useDefault: false,
        overrides: [
          { method: 'email', minutes: 1440 },
          { method: 'popup', minutes: 10 },
        ],
      },
      extendedProperties: {
        private: {
          crm_event_id: EVENT_ID,
          crm_tenant: 'acme',
          crm_entity_type: 'deal',
          crm_entity_id: DEAL_ID,
        },
      },
    });
    expect(e.conferenceData).toBeUndefined();
    expect(e.recurrence).toBeUndefined();
  });

  it('leaves out what is absent and asks for default reminders when told to', () => {
    const e = crmEventToGoogle(
      fields({
        googleEventId: null,
        description: null,
        location: null,
        entity: null,
        reminders: { use_default: true, overrides: [] },
      }),
    );
    expect(e.id).toBeUndefined();
    expect(e.description).toBeUndefined();
    expect(e.reminders).toEqual({ useDefault: true });
    expect(e.extendedProperties?.private).toEqual({ crm_event_id: EVENT_ID, crm_tenant: 'acme' });
    expect(crmEventToGoogle(fields({ reminders: null })).reminders).toBeUndefined();
  });

  it('asks for a Meet conference with a request id derived from the event', () => {
    const e = crmEventToGoogle(fields({ conference: true }));
    expect(e.conferenceData).toEqual({
      createRequest: { requestId: `crm-${EVENT_ID}`, conferenceSolutionKey: { type: 'hangoutsMeet' } },
    });
    expect(crmEventToGoogle(fields({ conference: true })).conferenceData).toEqual(e.conferenceData);
    expect(conferenceRequestId(EVENT_ID, 3)).toBe(`crm-${EVENT_ID}-3`);
  });

  it('copies recurrence lines', () => {
    const lines = ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10'];
    expect(crmEventToGoogle(fields({ recurrence: lines })).recurrence).toEqual(lines);
  });

  it('refuses inconsistent input', () => {
    expect(() => crmEventToGoogle(fields({ timeZone: 'Nowhere/City' }))).toThrow(/Unknown time zone/);
    expect(() => crmEventToGoogle(fields({ allDay: true }))).toThrow(/needs valid start and end dates/);
    expect(() => crmEventToGoogle(fields({ startAt: null }))).toThrow(/needs a start and an end/);
  });

  it('round-trips through the pull mapping without moving anything', () => {
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Sao_Paulo']) {
      const f = fields({
        timeZone: zone,
        startAt: new Date('2026-10-04T01:00:00Z'),
        endAt: new Date('2026-10-04T02:30:00Z'),
      });
      const google = {
        ...crmEventToGoogle(f),
        status: 'confirmed',
        organizer: { email: 'a@example.com', self: true },
      };
      const mapped = googleEventToRow(google, {
        tenantId: 'acme',
        userId: 'alice',
        calendarId: 'c',
        calendarTimeZone: 'UTC',
      });
      if (mapped.action !== 'upsert') throw new Error('expected an upsert');
      expect(mapped.row.start_at?.toISOString()).toBe('2026-10-04T01:00:00.000Z');
      expect(mapped.row.end_at?.toISOString()).toBe('2026-10-04T02:30:00.000Z');
      expect(mapped.row).toMatchObject({ time_zone: zone, entity_type: 'deal', entity_id: DEAL_ID });
      expect(mapped.crmEventId).toBe(EVENT_ID);
    }
  });
});

describe('mergeFieldsToGoogle', () => {
  const merged = snapshotOf(crmEventToGoogle(fields({ conference: true })));

  it('writes only the chosen fields', () => {
    const patch = mergeFieldsToGoogle(merged, { crmEventId: EVENT_ID, keys: ['summary', 'start', 'end'] });
    expect(Object.keys(patch).sort()).toEqual(['end', 'start', 'summary']);
    expect(patch.start).toEqual({
      date: null,
      dateTime: '2026-12-07T09:00:00-05:00',
      timeZone: 'America/New_York',
    });
  });

  it('clears with null and replaces the other form of a start when switching to all-day', () => {
    const allDay = {
      ...merged,
      description: null,
      start: { date: '2026-12-07' },
      end: { date: '2026-12-08' },
      conference: false,
    };
    const patch = mergeFieldsToGoogle(allDay, {
      crmEventId: EVENT_ID,
      keys: ['description', 'start', 'end', 'conference'],
    });
    expect(patch).toEqual({
      description: null,
      start: { date: '2026-12-07', dateTime: null },
      end: { date: '2026-12-08', dateTime: null },
      conferenceData: null,
    });
  });

  it('writes attendees with their responses, reminders, recurrence and the conference request', () => {
    const patch = mergeFieldsToGoogle(
      {
        ...merged,
        attendees: [
          { email: 'bob@example.com', name: null, optional: false, responseStatus: 'accepted', self: false },
        ],
      },
      { crmEventId: EVENT_ID },
    );
    expect(patch.attendees).toEqual([{ email: 'bob@example.com', responseStatus: 'accepted' }]);
    expect(patch.reminders).toEqual({
      useDefault: false,
      overrides: [
        { method: 'email', minutes: 1440 },
        { method: 'popup', minutes: 10 },
      ],
    });
    expect(patch.recurrence).toBeNull();
    expect(patch.conferenceData?.createRequest?.requestId).toBe(`crm-${EVENT_ID}`);
    expect(patch.status).toBe('confirmed');
  });

  it('writes a start without zone in UTC', () => {
    const patch = mergeFieldsToGoogle(
      { ...merged, start: { dateTime: '2026-12-07T14:00:00.000Z', timeZone: null } },
      { crmEventId: EVENT_ID, keys: ['start'] },
    );
    expect(patch.start).toEqual({ date: null, dateTime: '2026-12-07T14:00:00Z' });
  });
});
