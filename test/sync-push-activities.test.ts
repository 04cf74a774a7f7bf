import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/harness.js';
import {
  api,
  connectedUser,
  eventRow,
  expectOk,
  futureHour,
  removed,
  settled,
  withReadOnlyGrant,
  type PushUser,
} from './support/sync-push.js';

interface Item {
  id: string;
  google_event_id: string;
}

interface Activity {
  id: string;
  status: string;
  event_id: string | null;
  title: string;
  description: string | null;
  meeting_start_time: string | null;
  meeting_end_time: string | null;
  meeting_attendees: unknown[];
  updated_at: string;
}

function withoutUpdatedAt(activity: Activity | undefined): Omit<Activity, 'updated_at'> | undefined {
  if (activity === undefined) return undefined;
  const { updated_at: _updatedAt, ...rest } = activity;
  return rest;
}

let t: TestApp;
let alice: PushUser;

beforeAll(async () => {
  t = await startTestApp();
  alice = await connectedUser(t, 'activity-alice');
});
afterAll(async () => {
  await t?.close();
});

async function activitiesOf(contactId: string): Promise<Activity[]> {
  const res = await api<{ items: Activity[] }>(t, alice, 'GET', `/crm/contacts/${contactId}/activities`);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('meeting activities of CRM deletes', () => {
  it('a delete Google refuses for good restores the activity; a later delete cancels it again', async () => {
    const contact = expectOk(
      await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', {
        name: 'Refused Delete',
        email: 'refused.delete@example.net',
      }),
    );
    const start = futureHour(5);
    const event = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Quarterly review',
        description: 'Numbers and plans',
        start: start.toISOString(),
        end: new Date(start.getTime() + 3_600_000).toISOString(),
        attendees: ['refused.delete@example.net'],
        entity_type: 'contact',
        entity_id: contact.id,
      }),
    );
    expect((await settled(t, event.id)).sync_state).toBe('synced');
    const [scheduled] = await activitiesOf(contact.id);
    expect(scheduled).toMatchObject({ status: 'scheduled', event_id: event.id });

    const restoreGrant = await withReadOnlyGrant(t, alice);
    try {
      expect((await api(t, alice, 'DELETE', `/calendar/events/${event.id}`)).status).toBe(204);
      const failed = await settled(t, event.id);
      expect(failed.sync_state).toBe('failed');
      expect(failed.sync_error).toMatch(/Google refused the change \(403 insufficientPermissions/);
      expect(failed.deleted_at).toBeNull();
    } finally {
      await restoreGrant();
    }
    // The event is still in Google: its meeting is back, as it was.
    const restored = await activitiesOf(contact.id);
    expect(restored).toHaveLength(1);
    expect(withoutUpdatedAt(restored[0])).toEqual(withoutUpdatedAt(scheduled));

    expect((await api(t, alice, 'DELETE', `/calendar/events/${event.id}`)).status).toBe(204);
    await removed(t, event.id);
    expect(await eventRow(t, event.id)).toBeUndefined();
    const [cancelled] = await activitiesOf(contact.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', title: 'Meeting scheduled: Quarterly review' });
  });

  it('an attendee the CRM removes from an event loses its meeting; the others keep theirs', async () => {
    const stay = expectOk(
      await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', {
        name: 'Stays Invited',
        email: 'stays.invited@example.net',
      }),
    );
    const leave = expectOk(
      await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', {
        name: 'Leaves Meeting',
        email: 'leaves.meeting@example.net',
      }),
    );
    const start = futureHour(6);
    const event = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Planning poker',
        start: start.toISOString(),
        end: new Date(start.getTime() + 3_600_000).toISOString(),
        attendees: ['stays.invited@example.net', 'leaves.meeting@example.net'],
      }),
    );
    const meetingOf = async (contactId: string) =>
      (await activitiesOf(contactId)).find((a) => a.event_id === event.id);
    expect((await meetingOf(stay.id))?.status).toBe('scheduled');
    expect((await meetingOf(leave.id))?.status).toBe('scheduled');

    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, {
        attendees: ['stays.invited@example.net'],
      }),
      200,
    );
    expect((await meetingOf(leave.id))?.status).toBe('cancelled');
    expect(await meetingOf(stay.id)).toMatchObject({
      status: 'scheduled',
      meeting_attendees: [expect.objectContaining({ email: 'stays.invited@example.net' })],
    });
    expect((await settled(t, event.id)).sync_state).toBe('synced');
    expect((await meetingOf(leave.id))?.status).toBe('cancelled');
  });
});
