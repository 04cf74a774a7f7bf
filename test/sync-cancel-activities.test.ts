import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { formatUtcCompact } from '../src/kernel/time.js';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { api, connectedUser, expectOk, futureHour, removed, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/**
 * A meeting scheduled in the CRM with a CRM contact among its attendees (no explicit link) has its
 * activity on that contact, and the event says so; every way the meeting is cancelled, in the CRM
 * or in Google, cancels that activity.
 */

interface Item {
  id: string;
  google_event_id: string;
  start_time: string;
  sync_state: string;
  entity_type: string | null;
  entity_id: string | null;
  entity_source: string | null;
}

interface Activity {
  status: string;
  event_id: string | null;
  title: string;
}

const WEEK = 7 * 86_400_000;

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;
let counter = 0;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'cancel-alice');
  google = await googleAs(t, alice.email);
});

/** A CRM contact with a fresh email; returns its id and email. */
async function contact(name: string): Promise<{ id: string; email: string }> {
  counter += 1;
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${counter}@example.net`;
  const created = expectOk(await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', { name, email }));
  return { id: created.id, email };
}

async function meetingsOf(user: PushUser, contactId: string, title: string): Promise<Activity[]> {
  const res = await api<{ items: Activity[] }>(t, user, 'GET', `/crm/contacts/${contactId}/activities`);
  expect(res.status).toBe(200);
  return res.body.items.filter((a) => a.title === `Meeting scheduled: ${title}`);
}

async function statusOn(contactId: string, title: string, user = alice): Promise<string | undefined> {
  const [activity, ...more] = await meetingsOf(user, contactId, title);
  expect(more).toEqual([]);
  return activity?.status;
}

async function waitForStatus(contactId: string, title: string, status: string, user = alice) {
  await waitFor(`the activity of "${title}" to be ${status}`, async () => {
    return (await statusOn(contactId, title, user)) === status;
  });
}

/** A meeting with `attendee` as a guest and no link of its own, confirmed by Google. */
async function meetingWith(
  attendee: string,
  title: string,
  extra: Record<string, unknown> = {},
  user = alice,
): Promise<Item> {
  const start = futureHour(6 + counter);
  const item = expectOk(
    await api<Item>(t, user, 'POST', '/calendar/events?wait=true', {
      title,
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      attendees: [attendee],
      send_updates: 'none',
      ...extra,
    }),
  );
  expect(item.sync_state).toBe('synced');
  return item;
}

/** The Google id of occurrence `n` (0-based) of a weekly series created by meetingWith. */
const occurrenceId = (series: Item, n: number) =>
  `${series.google_event_id}_${formatUtcCompact(new Date(Date.parse(series.start_time) + n * WEEK))}`;

describe('a meeting linked through an attendee', () => {
  it('says where its activity is: on the contact, linked through the attendee', async () => {
    const ann = await contact('Ann Attendee');
    const event = await meetingWith(ann.email, 'Intro call');
    expect(event).toMatchObject({ entity_type: 'contact', entity_id: ann.id, entity_source: 'attendee' });
    const read = expectOk(await api<Item>(t, alice, 'GET', `/calendar/events/${event.id}`), 200);
    expect(read).toMatchObject({ entity_type: 'contact', entity_id: ann.id, entity_source: 'attendee' });
    const listed = expectOk(
      await api<{ items: Item[] }>(
        t,
        alice,
        'GET',
        `/calendar/events?entity_type=contact&entity_id=${ann.id}`,
      ),
      200,
    );
    expect(listed.items.map((i) => i.id)).toEqual([event.id]);
    expect(await statusOn(ann.id, 'Intro call')).toBe('scheduled');

    // The link follows the attendees: another contact in the guest's place takes it.
    const bea = await contact('Bea Replacement');
    const changed = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${event.id}`, { attendees: [bea.email] }),
      200,
    );
    expect(changed).toMatchObject({ entity_type: 'contact', entity_id: bea.id, entity_source: 'attendee' });
    expect(await statusOn(ann.id, 'Intro call')).toBe('cancelled');
    expect(await statusOn(bea.id, 'Intro call')).toBe('scheduled');
    const alone = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${event.id}`, { attendees: [] }),
      200,
    );
    expect(alone).toMatchObject({ entity_type: null, entity_id: null, entity_source: null });
    expect(await statusOn(bea.id, 'Intro call')).toBe('cancelled');
  });

  it('deleted in the CRM: its activity is cancelled', async () => {
    const cid = await contact('Cid Crmdelete');
    const event = await meetingWith(cid.email, 'Pricing call');
    expect((await api(t, alice, 'DELETE', `/calendar/events/${event.id}`)).status).toBe(204);
    expect(await statusOn(cid.id, 'Pricing call')).toBe('cancelled');
    await removed(t, event.id);
    expect(await statusOn(cid.id, 'Pricing call')).toBe('cancelled');
  });

  it('deleted by the organizer in Google: the event leaves the CRM and its activity is cancelled', async () => {
    const dee = await contact('Dee Googledelete');
    const event = await meetingWith(dee.email, 'Demo');
    await google.events.delete({
      calendarId: 'primary',
      eventId: event.google_event_id,
      sendUpdates: 'none',
    });
    await removed(t, event.id);
    expect(await statusOn(dee.id, 'Demo')).toBe('cancelled');
  });

  it('a series whose occurrences are all cancelled in Google: its activity is cancelled', async () => {
    const eve = await contact('Eve Everyoccurrence');
    const series = await meetingWith(eve.email, 'Weekly demo', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2'] });
    await google.events.delete({ calendarId: 'primary', eventId: occurrenceId(series, 0) });
    await waitFor('the cancelled occurrence to be pulled', async () => {
      const row = await t.ctx.db
        .selectFrom('events')
        .select('status')
        .where('google_event_id', '=', occurrenceId(series, 0))
        .executeTakeFirst();
      return row?.status === 'cancelled';
    });
    expect(await statusOn(eve.id, 'Weekly demo')).toBe('scheduled');
    await google.events.delete({ calendarId: 'primary', eventId: occurrenceId(series, 1) });
    await waitForStatus(eve.id, 'Weekly demo', 'cancelled');
  });

  it('a series trimmed in the CRM to before its only occurrence left: ended on both sides, activity cancelled', async () => {
    const fay = await contact('Fay Following');
    const series = await meetingWith(fay.email, 'Weekly sync', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] });
    const first = `${series.id}:${occurrenceId(series, 0)}`;
    expect((await api(t, alice, 'DELETE', `/calendar/events/${first}?scope=this`)).status).toBe(204);
    expect(await statusOn(fay.id, 'Weekly sync')).toBe('scheduled');
    // UNTIL before the second occurrence: the first, cancelled, is all that would be left.
    const second = `${series.id}:${occurrenceId(series, 1)}`;
    expect((await api(t, alice, 'DELETE', `/calendar/events/${second}?scope=following`)).status).toBe(204);
    expect(await statusOn(fay.id, 'Weekly sync')).toBe('cancelled');
    expect((await api(t, alice, 'GET', `/calendar/events/${series.id}`)).status).toBe(404);
    await removed(t, series.id);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: series.google_event_id });
    expect(data.status).toBe('cancelled');
  });

  it('a series trimmed in the CRM with a COUNT that leaves only cancelled occurrences: ended, activity cancelled', async () => {
    const gus = await contact('Gus Count');
    const series = await meetingWith(gus.email, 'Weekly review', {
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    const first = `${series.id}:${occurrenceId(series, 0)}`;
    expect((await api(t, alice, 'DELETE', `/calendar/events/${first}`)).status).toBe(204);
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${series.id}`, {
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=1'],
      }),
      200,
    );
    expect(await statusOn(gus.id, 'Weekly review')).toBe('cancelled');
    await removed(t, series.id);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: series.google_event_id });
    expect(data.status).toBe('cancelled');
  });

  it('a series trimmed in Google by a COUNT that leaves only cancelled occurrences: activity cancelled', async () => {
    const hal = await contact('Hal Googletrim');
    const series = await meetingWith(hal.email, 'Weekly planning', {
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    await google.events.delete({ calendarId: 'primary', eventId: occurrenceId(series, 0) });
    await google.events.patch({
      calendarId: 'primary',
      eventId: series.google_event_id,
      requestBody: { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=1'] },
    });
    await waitForStatus(hal.id, 'Weekly planning', 'cancelled');
  });

  it('Google Calendar disconnected with purge: the activities of the purged events are cancelled', async () => {
    const bob = await connectedUser(t, 'cancel-bob');
    const ivy = await contact('Ivy Purged');
    await meetingWith(ivy.email, 'Kick-off', {}, bob);
    expect(await statusOn(ivy.id, 'Kick-off', bob)).toBe('scheduled');
    const res = await api<{ purged: boolean }>(t, bob, 'DELETE', '/integrations/calendar?purge=true');
    expect(res.status).toBe(200);
    expect(res.body.purged).toBe(true);
    expect(await meetingsOf(bob, ivy.id, 'Kick-off')).toEqual([
      expect.objectContaining({ status: 'cancelled', event_id: null }),
    ]);
  });
});
