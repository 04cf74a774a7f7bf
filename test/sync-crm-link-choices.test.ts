import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { listEvents, pullsIdle, waitForEvents, type EventItemJson } from './support/sync-pull.js';
import { formatUtcCompact } from '../src/kernel/time.js';
import {
  api,
  connectedUser,
  expectOk,
  futureHour,
  googleUser,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { waitFor } from './support/wait-for.js';

interface Activity {
  status: string;
  event_id: string | null;
  title: string;
}

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;

beforeAll(async () => {
  t = await startTestApp();
  alice = await connectedUser(t, 'link-choices');
  google = await googleAs(t, alice.email);
});
afterAll(async () => {
  await t?.close();
});

async function record(kind: 'contacts' | 'deals', body: Record<string, unknown>): Promise<string> {
  return expectOk(await api<{ id: string }>(t, alice, 'POST', `/crm/${kind}`, body)).id;
}

/** The meeting activity of `eventId` on the record's timeline, if any. */
async function meetingOn(kind: 'contacts' | 'deals', id: string, eventId: string) {
  const res = await api<{ items: Activity[] }>(t, alice, 'GET', `/crm/${kind}/${id}/activities`);
  expect(res.status).toBe(200);
  return res.body.items.find((a) => a.event_id === eventId);
}

async function crmEvent(
  googleEventId: string,
  what: string,
  check: (item: EventItemJson) => boolean,
): Promise<EventItemJson> {
  const items = await waitForEvents(t, alice.userId, what, (list) =>
    list.some((i) => i.google_event_id === googleEventId && check(i)),
  );
  return items.find((i) => i.google_event_id === googleEventId)!;
}

/** Alice's stored copy of a Google event. */
async function storedRow(googleEventId: string) {
  return t.ctx.db
    .selectFrom('events')
    .selectAll()
    .where('user_id', '=', alice.userId)
    .where('google_event_id', '=', googleEventId)
    .executeTakeFirst();
}

async function linkTo(eventId: string, link: { entity_type: string | null; entity_id: string | null }) {
  expectOk(await api(t, alice, 'PATCH', `/calendar/events/${eventId}`, link), 200);
  return settled(t, eventId);
}

describe('CRM links that Google cannot tell', () => {
  it('an event unlinked in the CRM is not linked to its attendee again by a pull', async () => {
    const carl = await record('contacts', { name: 'Carl Contact', email: 'carl.contact@example.net' });
    const start = futureHour(20);
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Intro call',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString() },
        attendees: [{ email: 'carl.contact@example.net' }],
      },
    });
    const googleId = data.id!;
    const linked = await crmEvent(googleId, 'the event linked to Carl', (i) => i.entity_id === carl);
    expect(linked.entity_source).toBe('attendee');
    expect(await meetingOn('contacts', carl, linked.id)).toMatchObject({ status: 'scheduled' });

    const unlinked = await linkTo(linked.id, { entity_type: null, entity_id: null });
    expect(unlinked).toMatchObject({ entity_type: null, entity_id: null, entity_source: 'none' });
    expect((await meetingOn('contacts', carl, linked.id))?.status).toBe('cancelled');

    // A change in Google is pulled: the event stays unlinked, Carl's meeting stays cancelled.
    await pullsIdle(t);
    await google.events.patch({
      calendarId: 'primary',
      eventId: googleId,
      requestBody: { summary: 'Intro call (moved room)' },
    });
    const pulled = await crmEvent(googleId, 'the title change', (i) => i.title === 'Intro call (moved room)');
    expect(pulled).toMatchObject({ entity_type: null, entity_id: null, entity_source: 'none' });
    expect((await meetingOn('contacts', carl, linked.id))?.status).toBe('cancelled');

    // Linked again in the CRM: the link is the CRM's and the meeting is back.
    const relinked = await linkTo(linked.id, { entity_type: 'contact', entity_id: carl });
    expect(relinked).toMatchObject({ entity_id: carl, entity_source: 'crm' });
    expect(await meetingOn('contacts', carl, linked.id)).toMatchObject({ status: 'scheduled' });
  });

  it('a link set in the CRM on an invitation survives changes the organizer makes in Google', async () => {
    const deal = await record('deals', { name: 'Expansion' });
    const organizer = await googleUser(t, 'link-organizer');
    const theirs = await googleAs(t, organizer);
    const start = futureHour(21);
    const { data: invitation } = await theirs.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: {
        summary: 'Vendor review',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString() },
        attendees: [{ email: alice.email }],
      },
    });
    const googleId = invitation.id!;
    const event = await crmEvent(googleId, 'the invitation', () => true);
    expect(event).toMatchObject({ entity_id: null, organizer_email: organizer });

    const linked = await linkTo(event.id, { entity_type: 'deal', entity_id: deal });
    expect(linked).toMatchObject({ entity_type: 'deal', entity_id: deal, entity_source: 'crm' });
    expect(await meetingOn('deals', deal, event.id)).toMatchObject({
      status: 'scheduled',
      title: 'Meeting scheduled: Vendor review',
    });

    // The organizer renames the meeting: the CRM takes the change and keeps its link.
    await pullsIdle(t);
    await theirs.events.patch({
      calendarId: 'primary',
      eventId: googleId,
      sendUpdates: 'all',
      requestBody: { summary: 'Vendor review (final)' },
    });
    const pulled = await crmEvent(googleId, 'the new title', (i) => i.title === 'Vendor review (final)');
    expect(pulled).toMatchObject({ entity_type: 'deal', entity_id: deal, entity_source: 'crm' });
    const meeting = await waitFor('the meeting to follow the new title', async () => {
      const found = await meetingOn('deals', deal, event.id);
      return found?.title === 'Meeting scheduled: Vendor review (final)' ? found : undefined;
    });
    expect(meeting.status).toBe('scheduled');
  });

  it('occurrences of an invited series keep the links the CRM gave them and their series', async () => {
    const [seriesDeal, occurrenceDeal] = [
      await record('deals', { name: 'Weekly account' }),
      await record('deals', { name: 'One-off upsell' }),
    ];
    const organizer = await googleUser(t, 'series-organizer');
    const theirs = await googleAs(t, organizer);
    const start = futureHour(24);
    const { data: series } = await theirs.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: {
        summary: 'Weekly check-in',
        start: { dateTime: start.toISOString(), timeZone: 'UTC' },
        end: { dateTime: new Date(start.getTime() + 1_800_000).toISOString(), timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
        attendees: [{ email: alice.email }],
      },
    });
    const master = await waitFor('the invited series to reach the CRM', () => storedRow(series.id!));
    expect(master.organizer_self).toBe(false);
    expect((await linkTo(master.id, { entity_type: 'deal', entity_id: seriesDeal })).entity_source).toBe(
      'crm',
    );
    const { data: instances } = await theirs.events.instances({ calendarId: 'primary', eventId: series.id! });
    const [first, second] = instances.items!;

    // The CRM links the second occurrence to another deal.
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${master.id}:${second!.id!}`, {
        entity_type: 'deal',
        entity_id: occurrenceDeal,
      }),
      200,
    );
    const linkedOccurrence = await waitFor('the occurrence row', () => storedRow(second!.id!));
    await settled(t, linkedOccurrence.id);

    // The organizer changes both occurrences in Google.
    await pullsIdle(t);
    for (const [instance, title] of [
      [first!, 'Weekly check-in (first)'],
      [second!, 'Weekly check-in (second)'],
    ] as const) {
      await theirs.events.patch({
        calendarId: 'primary',
        eventId: instance.id!,
        sendUpdates: 'all',
        requestBody: { summary: title },
      });
    }
    const pulledFirst = await waitFor('the first occurrence change', async () => {
      const row = await storedRow(first!.id!);
      return row?.title === 'Weekly check-in (first)' ? row : undefined;
    });
    expect(pulledFirst).toMatchObject({ entity_type: 'deal', entity_id: seriesDeal, entity_source: 'crm' });
    const pulledSecond = await waitFor('the second occurrence change', async () => {
      const row = await storedRow(second!.id!);
      return row?.title === 'Weekly check-in (second)' ? row : undefined;
    });
    expect(pulledSecond).toMatchObject({
      entity_type: 'deal',
      entity_id: occurrenceDeal,
      entity_source: 'crm',
    });
    expect(await storedRow(series.id!)).toMatchObject({ entity_id: seriesDeal, entity_source: 'crm' });
    expect(await meetingOn('deals', seriesDeal, master.id)).toMatchObject({ status: 'scheduled' });
  });

  it('an invitation takes no change but its link', async () => {
    const organizer = await googleUser(t, 'link-only-organizer');
    const start = futureHour(22);
    const { data: invitation } = await (
      await googleAs(t, organizer)
    ).events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: {
        summary: 'Their standup',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 1_800_000).toISOString() },
        attendees: [{ email: alice.email }],
      },
    });
    const event = await crmEvent(invitation.id!, 'the invitation', () => true);
    const deal = await record('deals', { name: 'Standup deal' });
    const mixed = await api<{ error: { code: string } }>(t, alice, 'PATCH', `/calendar/events/${event.id}`, {
      title: 'Mine',
      entity_type: 'deal',
      entity_id: deal,
    });
    expect(mixed.status).toBe(403);
    expect(mixed.body.error.code).toBe('not_organizer');
    expect((await settled(t, event.id)).entity_id).toBeNull();
  });

  it('a series linked to another record takes its occurrences along, except those linked on their own', async () => {
    const dealA = await record('deals', { name: 'Series deal A' });
    const dealB = await record('deals', { name: 'Series deal B' });
    const dealC = await record('deals', { name: 'Series deal C' });
    const first = futureHour(40, 9);
    const series = expectOk(
      await api<EventItemJson>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Weekly pipeline',
        start: first.toISOString(),
        end: new Date(first.getTime() + 3_600_000).toISOString(),
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
        entity_type: 'deal',
        entity_id: dealA,
      }),
    );
    const occurrence = (n: number) => {
      const start = new Date(first.getTime() + n * 7 * 86_400_000);
      return `${series.id}:${series.google_event_id}_${formatUtcCompact(start)}`;
    };
    // The second occurrence is moved (a row of its own, inheriting deal A); the third is linked to C.
    for (const [n, body] of [
      [1, { scope: 'this', title: 'Pipeline (moved)' }],
      [2, { scope: 'this', entity_type: 'deal', entity_id: dealC }],
    ] as const) {
      expectOk(await api(t, alice, 'PATCH', `/calendar/events/${occurrence(n)}?wait=true`, body), 200);
    }
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${series.id}?wait=true`, {
        scope: 'all',
        entity_type: 'deal',
        entity_id: dealB,
      }),
      200,
    );

    const range = {
      start_date: new Date(first.getTime() - 86_400_000).toISOString(),
      end_date: new Date(first.getTime() + 21 * 86_400_000).toISOString(),
    };
    const linkedTo = async (deal: string) =>
      (await listEvents(t, alice.userId, { ...range, entity_type: 'deal', entity_id: deal })).items
        .map((i) => i.title)
        .sort();
    expect(await linkedTo(dealB)).toEqual(['Pipeline (moved)', 'Weekly pipeline']);
    expect(await linkedTo(dealC)).toEqual(['Weekly pipeline']);
    expect(await linkedTo(dealA)).toEqual([]);
  });
});
