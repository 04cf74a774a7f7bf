import { describe, expect, it } from 'vitest';
import type { GoogleEventWrites } from '../../src/modules/push/google-writes.js';
import type { ConnectedUser, ServiceUnderTest } from './service-harness.js';
import { googleFor, useService } from './service-harness.js';

/**
 * What the CRM changes reaches Google as it was meant, and what Google changed meanwhile stays:
 * each step (a CRM write, its push, a Google change, a pull) runs when the test calls it.
 */
let s: ServiceUnderTest;
let alice: ConnectedUser;
useService(async (service) => {
  s = service;
  // alice's calendar is in the emulator's default zone for new accounts; her meetings below are not.
  alice = await s.connect('alice-fidelity', 'alice-fidelity@example.com');
});

const row = (id: string) => s.ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
const push = (eventId: string) => s.services.eventPusher.push({ eventId, ...alice.owner });
const pull = () => s.services.pull.pull(alice.primary, { trigger: 'manual' });

async function calendarZone(): Promise<string | null> {
  const calendar = await s.ctx.db
    .selectFrom('calendars')
    .select('time_zone')
    .where('id', '=', alice.primary.calendarId)
    .executeTakeFirstOrThrow();
  return calendar.time_zone;
}

async function inGoogle(googleEventId: string) {
  const google = await googleFor(s, alice.email);
  return (await google.events.get({ calendarId: 'primary', eventId: googleEventId })).data;
}

describe('a meeting made all-day and timed again keeps its time zone', () => {
  const ZONE = 'Asia/Kolkata';

  it('when only the CRM changed it', async () => {
    expect(await calendarZone()).not.toBe(ZONE);
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Zone round trip',
      start: '2027-04-05T11:00:00',
      end: '2027-04-05T12:00:00',
      time_zone: ZONE,
    });
    expect(await push(created.id)).toBe('synced');
    await s.services.eventsWrite.update(alice.owner, created.id, {
      all_day: true,
      start: '2027-04-05',
      end: '2027-04-06',
    });
    expect(await push(created.id)).toBe('synced');
    expect((await inGoogle(created.google_event_id)).start).toMatchObject({ date: '2027-04-05' });
    expect(await row(created.id)).toMatchObject({ all_day: true, time_zone: ZONE });

    await s.services.eventsWrite.update(alice.owner, created.id, {
      all_day: false,
      start: '2027-04-05T03:30:00Z',
      end: '2027-04-05T04:30:00Z',
    });
    expect(await push(created.id)).toBe('synced');
    const timed = await inGoogle(created.google_event_id);
    expect(timed.start).toMatchObject({ dateTime: '2027-04-05T09:00:00+05:30', timeZone: ZONE });
    expect(await row(created.id)).toMatchObject({ all_day: false, time_zone: ZONE });
    expect(await pull()).toMatchObject({ status: 'pulled', updated: 0 });
  });

  it('when Google changed the all-day meeting in between', async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Zone round trip, renamed',
      start: '2027-04-12T11:00:00',
      end: '2027-04-12T12:00:00',
      time_zone: ZONE,
    });
    expect(await push(created.id)).toBe('synced');
    await s.services.eventsWrite.update(alice.owner, created.id, { all_day: true, start: '2027-04-12' });
    expect(await push(created.id)).toBe('synced');
    const google = await googleFor(s, alice.email);
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: { summary: 'Renamed in Google' },
    });
    expect(await pull()).toMatchObject({ status: 'pulled', updated: 1 });
    expect(await row(created.id)).toMatchObject({ title: 'Renamed in Google', time_zone: ZONE });

    await s.services.eventsWrite.update(alice.owner, created.id, {
      all_day: false,
      start: '2027-04-12T03:30:00Z',
      end: '2027-04-12T04:30:00Z',
    });
    expect(await push(created.id)).toBe('synced');
    expect((await inGoogle(created.google_event_id)).start).toMatchObject({ timeZone: ZONE });
  });
});

describe('a create retried after Google applied it but its answer was lost', () => {
  async function dropNextInsertAnswer() {
    const res = await fetch(`${s.emulator.url}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        match: { method: 'calendar.events.insert' },
        count: 1,
        action: { applyThenDrop: true },
      }),
    });
    expect(res.ok).toBe(true);
  }

  it("keeps a change made in Google meanwhile, and the CRM's own later change", async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Pricing',
      start: '2027-05-03T09:00:00Z',
      end: '2027-05-03T10:00:00Z',
    });
    await dropNextInsertAnswer();
    await expect(push(created.id)).rejects.toThrow();
    expect(await row(created.id)).toMatchObject({ sync_state: 'pending', google_etag: null });

    // Google has the event: alice renames it there; in the CRM she adds a location.
    const google = await googleFor(s, alice.email);
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: { summary: 'Planning' },
    });
    await s.services.eventsWrite.update(alice.owner, created.id, { location: 'Room 4' });

    expect(await push(created.id)).toBe('synced');
    const event = await inGoogle(created.google_event_id);
    expect(event).toMatchObject({ summary: 'Planning', location: 'Room 4' });
    expect(await row(created.id)).toMatchObject({
      title: 'Planning',
      location: 'Room 4',
      sync_state: 'synced',
      google_etag: event.etag,
    });
    expect(await pull()).toMatchObject({ status: 'pulled', created: 0, updated: 0 });
  });

  it('when nothing changed meanwhile, settles on what Google has without writing again', async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Lost answer only',
      start: '2027-05-04T09:00:00Z',
      end: '2027-05-04T10:00:00Z',
    });
    await dropNextInsertAnswer();
    await expect(push(created.id)).rejects.toThrow();
    const before = await inGoogle(created.google_event_id);
    expect(await push(created.id)).toBe('synced');
    const after = await inGoogle(created.google_event_id);
    expect(after.etag).toBe(before.etag);
    expect(await row(created.id)).toMatchObject({ title: 'Lost answer only', google_etag: after.etag });
  });
});

describe('removing in the CRM the attendee a link came from', () => {
  it('removes the link and cancels that contact’s meeting', async () => {
    const contact = await s.services.crm.contacts.create(alice.owner, {
      name: 'Gina Guest',
      email: 'gina.guest@example.net',
    });
    const google = await googleFor(s, alice.email);
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Intro with Gina',
        start: { dateTime: '2027-05-10T09:00:00Z' },
        end: { dateTime: '2027-05-10T10:00:00Z' },
        attendees: [{ email: 'gina.guest@example.net' }],
      },
    });
    await pull();
    const linked = await s.ctx.db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', alice.primary.calendarId)
      .where('google_event_id', '=', data.id ?? '')
      .executeTakeFirstOrThrow();
    expect(linked).toMatchObject({ entity_id: contact.id, entity_source: 'attendee' });
    const meetingStatuses = async () =>
      (
        await s.services.activities.listForEntity(alice.owner.tenantId, 'contact', contact.id, { limit: 50 })
      ).items
        .filter((a) => a.eventId === linked.id)
        .map((a) => a.status);
    const scheduled = await meetingStatuses();
    expect(scheduled).toHaveLength(1);
    expect(scheduled).not.toEqual(['cancelled']);

    const updated = await s.services.eventsWrite.update(alice.owner, linked.id, { attendees: [] });
    expect(updated).toMatchObject({ entity_type: null, entity_id: null, entity_source: null });
    expect(await meetingStatuses()).toEqual(['cancelled']);
    expect(await push(linked.id)).toBe('synced');
    expect((await inGoogle(data.id ?? '')).attendees ?? []).toEqual([]);
    expect(await row(linked.id)).toMatchObject({ entity_id: null, entity_source: null });
  });
});

describe('an occurrence "changed" in the CRM to what it already was', () => {
  it('stays with its series: a rename and a move made in Google later reach it', async () => {
    await pull(); // the calendar's full listing: later pulls are incremental, as they usually are
    const series = await s.services.eventsWrite.create(alice.owner, {
      title: 'Daily check-in',
      start: '2027-06-07T09:00:00Z',
      end: '2027-06-07T09:30:00Z',
      time_zone: 'UTC',
      recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
    });
    expect(await push(series.id)).toBe('synced');
    const occurrenceId = `${series.id}:${series.google_event_id}_20270607T090000Z`;
    const same = await s.services.eventsWrite.update(alice.owner, occurrenceId, {
      title: 'Daily check-in',
      scope: 'this',
    });
    expect(await push(same.id)).toBe('synced');
    const google = await googleFor(s, alice.email);
    const instances = await google.events.instances({
      calendarId: 'primary',
      eventId: series.google_event_id,
    });
    expect(instances.data.items?.map((i) => i.summary)).toEqual(['Daily check-in', 'Daily check-in']);

    const seriesRows = () =>
      s.ctx.db
        .selectFrom('events')
        .select(['google_event_id', 'title', 'start_at'])
        .where('calendar_id', '=', alice.primary.calendarId)
        .where((eb) =>
          eb.or([
            eb('google_event_id', '=', series.google_event_id),
            eb('recurring_event_id', '=', series.google_event_id),
          ]),
        )
        .execute();
    // Only the series is stored: no occurrence of it held apart, with the old title or time.
    await google.events.patch({
      calendarId: 'primary',
      eventId: series.google_event_id,
      requestBody: { summary: 'Daily stand-up' },
    });
    await pull();
    expect(await seriesRows()).toEqual([
      {
        google_event_id: series.google_event_id,
        title: 'Daily stand-up',
        start_at: new Date('2027-06-07T09:00:00Z'),
      },
    ]);
    await google.events.patch({
      calendarId: 'primary',
      eventId: series.google_event_id,
      requestBody: {
        start: { dateTime: '2027-06-07T10:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2027-06-07T10:30:00Z', timeZone: 'UTC' },
      },
    });
    await pull();
    expect(await seriesRows()).toEqual([
      {
        google_event_id: series.google_event_id,
        title: 'Daily stand-up',
        start_at: new Date('2027-06-07T10:00:00Z'),
      },
    ]);
  });
});

describe('a CRM link set on an invitation', () => {
  it('takes a change the organizer made while the link waited to be settled', async () => {
    const bob = await s.connect('bob-svc-invite', 'bob-svc-invite@example.com');
    const pullBob = () => s.services.pull.pull(bob.primary, { trigger: 'manual' });
    await pullBob();
    const contact = await s.services.crm.contacts.create(bob.owner, { name: 'Pat Prospect' });
    const google = await googleFor(s, alice.email);
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Pricing call',
        start: { dateTime: '2027-04-12T09:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2027-04-12T10:00:00Z', timeZone: 'UTC' },
        attendees: [{ email: bob.email }],
      },
    });
    await pullBob();
    const invitation = await s.ctx.db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', bob.primary.calendarId)
      .where('google_event_id', '=', data.id ?? '')
      .executeTakeFirstOrThrow();
    expect(invitation.organizer_self).toBe(false);

    // bob links his copy; before its push settles, alice makes the meeting weekly and renames it,
    // and a pull of bob's calendar runs (it leaves the row, which holds a change, to the push).
    await s.services.eventsWrite.update(bob.owner, invitation.id, {
      entity_type: 'contact',
      entity_id: contact.id,
    });
    await google.events.patch({
      calendarId: 'primary',
      eventId: data.id ?? '',
      requestBody: { summary: 'Weekly pricing call', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] },
    });
    await pullBob();
    expect(await s.services.eventPusher.push({ eventId: invitation.id, ...bob.owner })).toBe('synced');

    const { data: bobsCopy } = await (
      await googleFor(s, bob.email)
    ).events.get({ calendarId: 'primary', eventId: data.id ?? '' });
    expect(await row(invitation.id)).toMatchObject({
      title: 'Weekly pricing call',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
      google_etag: bobsCopy.etag,
      entity_type: 'contact',
      entity_id: contact.id,
      sync_state: 'synced',
    });
  });
});

describe('a CRM link set while Google renames the meeting', () => {
  for (const order of [
    ['link', 'rename', 'push', 'rename', 'pull'],
    ['rename', 'link', 'pull', 'rename', 'push', 'pull'],
  ] as const) {
    it(`reaches Google and stays in the CRM (${order.join(', ')})`, async () => {
      const contact = await s.services.crm.contacts.create(alice.owner, { name: `Lee ${order.join(' ')}` });
      const created = await s.services.eventsWrite.create(alice.owner, {
        title: 'Review',
        start: '2027-06-01T09:00:00',
        end: '2027-06-01T10:00:00',
        time_zone: 'America/New_York',
      });
      await push(created.id);
      await pull();
      const google = await googleFor(s, alice.email);
      let renames = 0;
      for (const step of order) {
        if (step === 'rename') {
          renames += 1;
          await google.events.patch({
            calendarId: 'primary',
            eventId: created.google_event_id,
            requestBody: { summary: `Check-in ${renames}` },
          });
        }
        if (step === 'link') {
          await s.services.eventsWrite.update(alice.owner, created.id, {
            entity_type: 'contact',
            entity_id: contact.id,
          });
        }
        if (step === 'push') expect(await push(created.id)).toBe('synced');
        if (step === 'pull') await pull();
      }
      const copy = await inGoogle(created.google_event_id);
      expect(copy.summary).toBe(`Check-in ${renames}`);
      expect(copy.extendedProperties?.private).toMatchObject({ crm_entity_id: contact.id });
      expect(await row(created.id)).toMatchObject({
        title: `Check-in ${renames}`,
        entity_type: 'contact',
        entity_id: contact.id,
        sync_state: 'synced',
      });
    });
  }
});

describe('"this and following" in the CRM', () => {
  it('keeps in the new series a change Google made to the series that no pull has brought yet', async () => {
    const google = await googleFor(s, alice.email);
    const { data: series } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Weekly pipeline',
        description: 'Agenda v1',
        start: { dateTime: '2027-09-06T15:00:00+02:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2027-09-06T16:00:00+02:00', timeZone: 'Europe/Berlin' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
        attendees: [{ email: 'kim@example.net' }, { email: 'lou@example.net' }],
      },
    });
    await pull();
    const master = await s.ctx.db
      .selectFrom('events')
      .selectAll()
      .where('calendar_id', '=', alice.primary.calendarId)
      .where('google_event_id', '=', series.id ?? '')
      .executeTakeFirstOrThrow();
    // In Google: lou is removed and the description changes; the CRM has not pulled that.
    await google.events.patch({
      calendarId: 'primary',
      eventId: series.id ?? '',
      requestBody: { attendees: [{ email: 'kim@example.net' }], description: 'Agenda v2' },
    });
    // In the CRM: from the third meeting on, an hour later and a new title.
    const third = `${master.id}:${series.id}_20270920T130000Z`;
    const split = await s.services.eventsWrite.update(alice.owner, third, {
      scope: 'following',
      title: 'Weekly pipeline (late)',
      start: '2027-09-20T17:00:00',
      end: '2027-09-20T18:00:00',
      time_zone: 'Europe/Berlin',
    });
    expect(await push(master.id)).toBe('synced');
    expect(await push(split.id)).toBe('synced');

    const created = await inGoogle(split.google_event_id);
    expect(created.summary).toBe('Weekly pipeline (late)');
    expect(created.start).toMatchObject({ dateTime: '2027-09-20T17:00:00+02:00', timeZone: 'Europe/Berlin' });
    expect(created.description).toBe('Agenda v2');
    expect((created.attendees ?? []).map((a) => a.email)).toEqual(['kim@example.net']);
    expect(await row(split.id)).toMatchObject({
      description: 'Agenda v2',
      split_from: null,
      sync_state: 'synced',
    });
    const first = await inGoogle(series.id ?? '');
    expect(first.description).toBe('Agenda v2');
    expect((first.attendees ?? []).map((a) => a.email)).toEqual(['kim@example.net']);
  });
});

describe('a guest list changed in the CRM while a push of the same meeting is under way', () => {
  // Finding F13 (docs/RELIABILITY.md).
  it("keeps a guest's answer that push brought back from Google", async () => {
    const carolEmail = 'carol-answers@example.com';
    const carol = await s.connect('carol-svc-answers', carolEmail);
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Pricing review',
      start: '2027-08-02T09:00:00Z',
      end: '2027-08-02T09:30:00Z',
      attendees: [carolEmail],
    });
    await push(created.id);
    // carol accepts in Google; alice, whose CRM copy has not seen that, renames the meeting.
    await (
      await googleFor(s, carol.email)
    ).events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: { attendees: [{ email: carolEmail, responseStatus: 'accepted' }] },
    });
    await s.services.eventsWrite.update(alice.owner, created.id, { title: 'Pricing review (v2)' });
    // While that rename is being written (after the 412 and the merge, as Google answers), alice
    // adds dan in the CRM, from her copy that still says carol has not answered.
    const writes = (s.services.eventPusher as unknown as { deps: { writes: GoogleEventWrites } }).deps.writes;
    const patch = writes.patch.bind(writes);
    let added = false;
    writes.patch = async (...args: Parameters<GoogleEventWrites['patch']>) => {
      const answer = await patch(...args);
      if (!added) {
        added = true;
        await s.services.eventsWrite.update(alice.owner, created.id, {
          attendees: [carolEmail, 'dan@example.net'],
        });
      }
      return answer;
    };
    try {
      expect(await push(created.id)).toBe('synced');
    } finally {
      writes.patch = patch;
    }
    expect(added).toBe(true);
    const copy = await inGoogle(created.google_event_id);
    expect(copy.summary).toBe('Pricing review (v2)');
    expect(Object.fromEntries((copy.attendees ?? []).map((a) => [a.email, a.responseStatus]))).toEqual({
      [carolEmail]: 'accepted',
      'dan@example.net': 'needsAction',
    });
  });
});
