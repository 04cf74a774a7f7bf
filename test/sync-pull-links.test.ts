import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { authHeader } from './support/oauth-flow.js';
import { connectAndSync, listAllEvents, listCalendars, waitForEvents } from './support/sync-pull.js';
import { googleAs } from './support/emulator-client.js';
import { waitFor } from './support/wait-for.js';

let t: TestApp;
let google: calendar_v3.Calendar;
const ALICE = 'links-alice';
const ALICE_EMAIL = 'links-alice@example.com';

async function api<T>(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  userId: string,
  payload?: unknown,
  tenant?: string,
) {
  const res = await t.app.inject({
    method,
    url,
    headers: await authHeader(t, userId, tenant),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: (res.body === '' ? null : res.json()) as T };
}

interface Activity {
  status: string;
  event_id: string | null;
  type: string;
  title: string;
  meeting_start_time: string | null;
  meeting_end_time: string | null;
}

async function activitiesOf(type: 'contacts' | 'deals', id: string): Promise<Activity[]> {
  const res = await api<{ items: Activity[] }>('GET', `/crm/${type}/${id}/activities`, ALICE);
  expect(res.status).toBe(200);
  return res.body.items;
}

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, ALICE, ALICE_EMAIL);
  google = await googleAs(t, ALICE_EMAIL);
});

describe('links to CRM records', () => {
  it('links an event to the contact among its attendees and keeps the meeting activity up to date', async () => {
    const contact = await api<{ id: string }>('POST', '/crm/contacts', ALICE, {
      name: 'Client Person',
      email: 'Client.Person@Example.com',
    });
    expect(contact.status).toBe(201);
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Pricing call',
        start: { dateTime: '2031-04-01T15:00:00Z' },
        end: { dateTime: '2031-04-01T15:30:00Z' },
        attendees: [{ email: 'client.person@example.com' }, { email: 'stranger@example.net' }],
      },
    });
    const items = await waitForEvents(t, ALICE, 'the linked event', (list) =>
      list.some((i) => i.google_event_id === data.id),
    );
    const event = items.find((i) => i.google_event_id === data.id)!;
    expect(event).toMatchObject({ entity_type: 'contact', entity_id: contact.body.id });
    const filtered = await listAllEvents(t, ALICE, { entity_type: 'contact', entity_id: contact.body.id });
    expect(filtered.map((i) => i.id)).toEqual([event.id]);

    const [logged] = await activitiesOf('contacts', contact.body.id);
    expect(logged).toMatchObject({
      type: 'meeting',
      status: 'scheduled',
      event_id: event.id,
      title: 'Meeting scheduled: Pricing call',
      meeting_start_time: '2031-04-01T15:00:00.000Z',
    });

    // Moved in Google: the activity follows.
    await google.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      requestBody: { start: { dateTime: '2031-04-02T09:00:00Z' }, end: { dateTime: '2031-04-02T10:00:00Z' } },
    });
    await waitFor('the activity to move', async () => {
      const [activity] = await activitiesOf('contacts', contact.body.id);
      return activity?.meeting_start_time === '2031-04-02T09:00:00.000Z' ? activity : undefined;
    });

    // Cancelled in Google: the activity is cancelled, the event gone.
    await google.events.delete({ calendarId: 'primary', eventId: data.id! });
    const cancelled = await waitFor('the activity to be cancelled', async () => {
      const list = await activitiesOf('contacts', contact.body.id);
      return list[0]?.status === 'cancelled' ? list : undefined;
    });
    expect(cancelled).toHaveLength(1);
    expect((await listAllEvents(t, ALICE)).some((i) => i.google_event_id === data.id)).toBe(false);
  });

  it('honours the CRM link in private extended properties, only for this tenant', async () => {
    const deal = await api<{ id: string }>('POST', '/crm/deals', ALICE, { name: 'Big deal' });
    expect(deal.status).toBe(201);
    const linked = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Deal review',
        start: { dateTime: '2031-04-05T10:00:00Z' },
        end: { dateTime: '2031-04-05T11:00:00Z' },
        extendedProperties: {
          private: { crm_tenant: 'default', crm_entity_type: 'deal', crm_entity_id: deal.body.id },
        },
      },
    });
    const foreign = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Other tenant',
        start: { dateTime: '2031-04-06T10:00:00Z' },
        end: { dateTime: '2031-04-06T11:00:00Z' },
        extendedProperties: {
          private: { crm_tenant: 'acme', crm_entity_type: 'deal', crm_entity_id: deal.body.id },
        },
      },
    });
    const items = await waitForEvents(t, ALICE, 'both events', (list) =>
      [linked.data.id, foreign.data.id].every((id) => list.some((i) => i.google_event_id === id)),
    );
    expect(items.find((i) => i.google_event_id === linked.data.id)).toMatchObject({
      entity_type: 'deal',
      entity_id: deal.body.id,
    });
    expect(items.find((i) => i.google_event_id === foreign.data.id)).toMatchObject({
      entity_type: null,
      entity_id: null,
    });
    const activities = await activitiesOf('deals', deal.body.id);
    expect(activities.map((a) => a.title)).toEqual(['Meeting scheduled: Deal review']);
  });
});

describe('isolation', () => {
  it('never shows one user or tenant the events of another', async () => {
    const bob = { userId: 'links-bob', email: 'links-bob@example.com' };
    const dave = { userId: 'links-dave', email: 'links-dave@example.com', tenant: 'acme' };
    await connectAndSync(t, bob.userId, bob.email);
    await connectAndSync(t, dave.userId, dave.email, { tenant: dave.tenant });
    await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Alice only',
        start: { dateTime: '2031-05-05T10:00:00Z' },
        end: { dateTime: '2031-05-05T11:00:00Z' },
      },
    });
    const aliceItems = await waitForEvents(t, ALICE, 'alice event', (list) =>
      list.some((i) => i.title === 'Alice only'),
    );
    const aliceEvent = aliceItems.find((i) => i.title === 'Alice only')!;
    const aliceCalendar = (await listCalendars(t, ALICE)).find((c) => c.primary)!;

    for (const [userId, tenant] of [
      [bob.userId, undefined],
      [dave.userId, dave.tenant],
      [ALICE, 'acme'], // the same user id in another tenant is another person
    ] as const) {
      expect(await listAllEvents(t, userId, {}, tenant), `${userId}/${tenant}`).toEqual([]);
      expect(await listAllEvents(t, userId, { q: 'alice' }, tenant)).toEqual([]);
      expect(await listAllEvents(t, userId, { calendar_id: aliceEvent.calendar_id }, tenant)).toEqual([]);
      expect((await api('GET', `/calendar/events/${aliceEvent.id}`, userId, undefined, tenant)).status).toBe(
        404,
      );
      expect(
        (await api('PATCH', `/calendar/calendars/${aliceCalendar.id}`, userId, { selected: false }, tenant))
          .status,
      ).toBe(404);
    }
    expect((await listCalendars(t, ALICE)).find((c) => c.primary)).toMatchObject({ selected: true });
  });
});
