import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { connectAndSync, waitForEvents, type EventItemJson } from './support/sync-pull.js';
import { api, expectOk, settled, type PushUser } from './support/sync-push.js';
import { waitFor } from './support/wait-for.js';

interface Activity {
  status: string;
  event_id: string | null;
  title: string;
  meeting_attendees: { email: string }[];
}

let t: TestApp;
let google: calendar_v3.Calendar;
const alice: PushUser = {
  userId: 'attendee-links-alice',
  email: 'attendee-links-alice@example.com',
  tenant: 'default',
};

beforeAll(async () => {
  t = await startTestApp();
  await connectAndSync(t, alice.userId, alice.email);
  google = await googleAs(t, alice.email);
});
afterAll(async () => {
  await t?.close();
});

async function contact(name: string, email: string): Promise<string> {
  return expectOk(await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', { name, email })).id;
}

/** The meeting activity of `eventId` on the contact's timeline, if any. */
async function meetingOn(contactId: string, eventId: string): Promise<Activity | undefined> {
  const res = await api<{ items: Activity[] }>(t, alice, 'GET', `/crm/contacts/${contactId}/activities`);
  expect(res.status).toBe(200);
  return res.body.items.find((a) => a.event_id === eventId);
}

/** An event as GET /calendar/events lists it, with where its link comes from. */
type LinkedItem = EventItemJson & { entity_source: 'crm' | 'attendee' | null };

async function crmEvent(
  googleEventId: string,
  what: string,
  check: (item: LinkedItem) => boolean,
): Promise<LinkedItem> {
  const items = (await waitForEvents(t, alice.userId, what, (list) =>
    (list as LinkedItem[]).some((i) => i.google_event_id === googleEventId && check(i)),
  )) as LinkedItem[];
  return items.find((i) => i.google_event_id === googleEventId)!;
}

async function setAttendees(googleEventId: string, emails: string[]) {
  await google.events.patch({
    calendarId: 'primary',
    eventId: googleEventId,
    requestBody: { attendees: emails.map((email) => ({ email })) },
  });
}

describe('meeting activities follow the attendees of a pulled event', () => {
  it('a removed attendee loses the meeting, an added one gets it', async () => {
    const ann = await contact('Ann Attendee', 'ann.attendee@example.net');
    const ben = await contact('Ben Attendee', 'Ben.Attendee@example.net');
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Roadmap sync',
        start: { dateTime: '2031-06-02T15:00:00Z' },
        end: { dateTime: '2031-06-02T16:00:00Z' },
        attendees: [{ email: 'ann.attendee@example.net' }, { email: 'someone@example.org' }],
      },
    });
    const googleId = data.id!;
    const event = await crmEvent(googleId, 'the event linked to Ann', (i) => i.entity_id === ann);
    expect(event.entity_source).toBe('attendee');
    expect(await meetingOn(ann, event.id)).toMatchObject({ status: 'scheduled' });

    // Ann is replaced by Ben: Ben gets the meeting, Ann's is cancelled.
    await setAttendees(googleId, ['ben.attendee@example.net', 'someone@example.org']);
    await crmEvent(googleId, 'the event linked to Ben', (i) => i.entity_id === ben);
    const bens = await waitFor('Ben to get the meeting', () => meetingOn(ben, event.id));
    expect(bens).toMatchObject({ status: 'scheduled', title: 'Meeting scheduled: Roadmap sync' });
    const anns = await meetingOn(ann, event.id);
    expect(anns?.status).toBe('cancelled');

    // Ann is invited again next to Ben: both have the meeting.
    await setAttendees(googleId, ['ben.attendee@example.net', 'ann.attendee@example.net']);
    await waitFor('Ann to have the meeting again', async () =>
      (await meetingOn(ann, event.id))?.status === 'scheduled' ? true : undefined,
    );
    expect((await meetingOn(ben, event.id))?.status).toBe('scheduled');
    expect((await meetingOn(ann, event.id))?.meeting_attendees.map((a) => a.email).sort()).toEqual([
      'ann.attendee@example.net',
      'ben.attendee@example.net',
    ]);

    // No CRM contact among the attendees any more: the event is unlinked and no meeting stays.
    await setAttendees(googleId, ['someone@example.org']);
    const unlinked = await crmEvent(googleId, 'the event to be unlinked', (i) => i.entity_id === null);
    expect(unlinked.entity_type).toBeNull();
    expect((await meetingOn(ann, event.id))?.status).toBe('cancelled');
    expect((await meetingOn(ben, event.id))?.status).toBe('cancelled');
  });

  it('an event the CRM linked keeps its link and meeting when its attendees change in Google', async () => {
    const owner = await contact('Olivia Owner', 'olivia.owner@example.net');
    const guest = await contact('Gus Guest', 'gus.guest@example.net');
    const created = expectOk(
      await api<{ id: string; google_event_id: string }>(t, alice, 'POST', '/calendar/events', {
        title: 'Contract walk-through',
        start: '2031-06-09T10:00:00Z',
        end: '2031-06-09T11:00:00Z',
        attendees: ['gus.guest@example.net'],
        entity_type: 'contact',
        entity_id: owner,
      }),
    );
    await settled(t, created.id);
    expect(await meetingOn(owner, created.id)).toMatchObject({ status: 'scheduled' });

    await setAttendees(created.google_event_id, ['someone-else@example.org']);
    await crmEvent(created.google_event_id, 'the attendee change to be pulled', (i) =>
      i.attendees.every((a) => a.email === 'someone-else@example.org'),
    );
    const item = await crmEvent(created.google_event_id, 'the linked event', () => true);
    expect(item).toMatchObject({ entity_type: 'contact', entity_id: owner, entity_source: 'crm' });
    expect(await meetingOn(owner, created.id)).toMatchObject({
      status: 'scheduled',
      meeting_attendees: [expect.objectContaining({ email: 'someone-else@example.org' })],
    });
    expect(await meetingOn(guest, created.id)).toBeUndefined();
  });

  it('a CRM edit of an event linked by its attendee keeps the link derived', async () => {
    const lena = await contact('Lena Link', 'lena.link@example.net');
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Discovery call',
        start: { dateTime: '2031-06-16T09:00:00Z' },
        end: { dateTime: '2031-06-16T10:00:00Z' },
        attendees: [{ email: 'lena.link@example.net' }, { email: 'someone@example.org' }],
      },
    });
    const googleId = data.id!;
    const event = await crmEvent(googleId, 'the event linked to Lena', (i) => i.entity_id === lena);
    expect(event).toMatchObject({ entity_type: 'contact', entity_source: 'attendee' });

    const edited = expectOk(
      await api<LinkedItem>(t, alice, 'PATCH', `/calendar/events/${event.id}?wait=true`, {
        title: 'Discovery call (agenda)',
      }),
      200,
    );
    expect(edited).toMatchObject({ sync_state: 'synced', entity_id: lena, entity_source: 'attendee' });
    const { data: inGoogle } = await google.events.get({ calendarId: 'primary', eventId: googleId });
    expect(inGoogle.summary).toBe('Discovery call (agenda)');
    expect(inGoogle.extendedProperties?.private ?? {}).not.toHaveProperty('crm_entity_id');
    expect(inGoogle.extendedProperties?.private ?? {}).not.toHaveProperty('crm_entity_type');

    // Lena leaves the event in Google: the derived link and her meeting go.
    await setAttendees(googleId, ['someone@example.org']);
    const unlinked = await crmEvent(googleId, 'the event to be unlinked', (i) => i.entity_id === null);
    expect(unlinked).toMatchObject({
      entity_type: null,
      entity_source: null,
      title: 'Discovery call (agenda)',
    });
    expect((await meetingOn(lena, event.id))?.status).toBe('cancelled');
  });

  it('a link the CRM sets on an event linked by its attendee becomes the CRM link', async () => {
    const mona = await contact('Mona Manual', 'mona.manual@example.net');
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Pricing follow-up',
        start: { dateTime: '2031-06-23T09:00:00Z' },
        end: { dateTime: '2031-06-23T10:00:00Z' },
        attendees: [{ email: 'mona.manual@example.net' }],
      },
    });
    const googleId = data.id!;
    const event = await crmEvent(googleId, 'the event linked to Mona', (i) => i.entity_id === mona);
    expect(event.entity_source).toBe('attendee');

    const linked = expectOk(
      await api<LinkedItem>(t, alice, 'PATCH', `/calendar/events/${event.id}?wait=true`, {
        entity_type: 'contact',
        entity_id: mona,
      }),
      200,
    );
    expect(linked).toMatchObject({ sync_state: 'synced', entity_id: mona, entity_source: 'crm' });
    const { data: inGoogle } = await google.events.get({ calendarId: 'primary', eventId: googleId });
    expect(inGoogle.extendedProperties?.private).toMatchObject({
      crm_entity_type: 'contact',
      crm_entity_id: mona,
    });

    await setAttendees(googleId, ['someone@example.org']);
    await crmEvent(googleId, 'the attendee change to be pulled', (i) =>
      i.attendees.every((a) => a.email === 'someone@example.org'),
    );
    const kept = await crmEvent(googleId, 'the linked event', () => true);
    expect(kept).toMatchObject({ entity_id: mona, entity_source: 'crm' });
    expect((await meetingOn(mona, event.id))?.status).toBe('scheduled');
  });
});
