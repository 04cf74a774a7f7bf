import { describe, expect, it } from 'vitest';
import type { GoogleEventWrites } from '../../src/modules/push/google-writes.js';
import type { ConnectedUser, ServiceUnderTest } from './service-harness.js';
import { googleFor, useService } from './service-harness.js';
import { waitFor } from '../support/wait-for.js';

/**
 * A CRM change is what differs from the CRM's copy of the event. Each step (a CRM write, its push,
 * a Google change, a pull) runs when the test calls it.
 */
let s: ServiceUnderTest;
let alice: ConnectedUser;
useService(async (service) => {
  s = service;
  alice = await s.connect('alice-changed', 'alice-changed@example.com');
});

const row = (id: string) =>
  s.ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const push = (eventId: string) => s.services.eventPusher.push({ eventId, ...alice.owner });
const pull = () => s.services.pull.pull(alice.primary, { trigger: 'manual' });

async function calendarZone(): Promise<string> {
  const calendar = await s.ctx.db
    .selectFrom('calendars')
    .select('time_zone')
    .where('id', '=', alice.primary.calendarId)
    .executeTakeFirstOrThrow();
  return calendar.time_zone ?? 'UTC';
}

async function crmRowOf(googleEventId: string) {
  return s.ctx.db
    .selectFrom('events')
    .selectAll()
    .where('tenant_id', '=', alice.owner.tenantId)
    .where('user_id', '=', alice.owner.userId)
    .where('google_event_id', '=', googleEventId)
    .executeTakeFirstOrThrow();
}

describe('a field the CRM sends with the value its copy has', () => {
  it('is no change: a Meet Google added that the CRM had not pulled yet stays', async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Pipeline review',
      start: '2027-05-03T09:00:00Z',
      end: '2027-05-03T10:00:00Z',
    });
    expect(await push(created.id)).toBe('synced');
    const google = await googleFor(s, alice.email);
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      conferenceDataVersion: 1,
      requestBody: {
        conferenceData: {
          createRequest: { requestId: 'meet-1', conferenceSolutionKey: { type: 'hangoutsMeet' } },
        },
      },
    });

    // The CRM's copy has no Meet: conference: false is what it already says.
    await s.services.eventsWrite.update(alice.owner, created.id, { conference: false, title: 'Pipeline' });
    expect(await push(created.id)).toBe('synced');
    // Google creates the Meet a moment after the request.
    const data = await waitFor('the Meet at Google', async () => {
      const res = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
      const pending = res.data.conferenceData?.createRequest?.status?.statusCode === 'pending';
      return pending ? undefined : res.data;
    });
    expect(data.summary).toBe('Pipeline');
    expect(data.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\//);
    await pull();
    expect((await row(created.id)).meet_link).toBe(data.hangoutLink);
  });
});

describe('a time zone set in the CRM on a meeting Google shows in the calendar zone', () => {
  it('reaches Google, while the calendar zone itself is no change (F15)', async () => {
    const google = await googleFor(s, alice.email);
    const zone = await calendarZone();
    const other = zone === 'Australia/Sydney' ? 'America/Chicago' : 'Australia/Sydney';
    // Made in Google with UTC offsets and no zone: Google shows it in the calendar's zone.
    const { data: made } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Offset-only meeting',
        start: { dateTime: '2027-03-22T10:00:00Z' },
        end: { dateTime: '2027-03-22T10:30:00Z' },
      },
    });
    await pull();
    const pulled = await crmRowOf(made.id!);
    expect(pulled.time_zone).toBe(zone);

    // The calendar's zone, sent as a change, is what Google shows already.
    await s.services.eventsWrite.update(alice.owner, pulled.id, { time_zone: zone });
    await push(pulled.id);
    const unchanged = await google.events.get({ calendarId: 'primary', eventId: made.id! });
    expect(unchanged.data.start).toEqual({ dateTime: expect.any(String) });

    await s.services.eventsWrite.update(alice.owner, pulled.id, { time_zone: other });
    expect(await push(pulled.id)).toBe('synced');
    const { data } = await google.events.get({ calendarId: 'primary', eventId: made.id! });
    expect(data.start?.timeZone).toBe(other);
    expect(new Date(data.start!.dateTime!).toISOString()).toBe('2027-03-22T10:00:00.000Z');
    await pull();
    expect(await crmRowOf(made.id!)).toMatchObject({ time_zone: other, sync_state: 'synced' });
  });
});

describe('a first change to one occurrence, made before the CRM pulled a Google change to it', () => {
  it('moves it and keeps the title Google gave it (F21)', async () => {
    const series = await s.services.eventsWrite.create(alice.owner, {
      title: 'Weekly review',
      start: '2027-07-05T09:00:00Z',
      end: '2027-07-05T10:00:00Z',
      time_zone: 'UTC',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    expect(await push(series.id)).toBe('synced');
    const google = await googleFor(s, alice.email);
    const googleId = `${series.google_event_id}_20270712T090000Z`;
    await google.events.patch({
      calendarId: 'primary',
      eventId: googleId,
      requestBody: { summary: 'Planning' },
    });

    // The CRM still shows the series' title on that occurrence; the user moves it half an hour.
    const moved = await s.services.eventsWrite.update(alice.owner, `${series.id}:${googleId}`, {
      start: '2027-07-12T09:30:00Z',
      end: '2027-07-12T10:30:00Z',
      scope: 'this',
    });
    expect(moved.title).toBe('Weekly review');
    expect(await push(moved.id)).toBe('synced');
    const { data } = await google.events.get({ calendarId: 'primary', eventId: googleId });
    expect(data.summary).toBe('Planning');
    expect(new Date(data.start!.dateTime!).toISOString()).toBe('2027-07-12T09:30:00.000Z');
    expect(await row(moved.id)).toMatchObject({ title: 'Planning', sync_state: 'synced' });
  });
});

describe('a meeting deleted in Google while its create waits for the Meet', () => {
  it('is gone from the CRM too: the deletion wins, nothing is left pending (F23)', async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Kickoff with Meet',
      start: '2027-08-09T09:00:00Z',
      end: '2027-08-09T10:00:00Z',
      conference: true,
    });
    const google = await googleFor(s, alice.email);
    // Google has the event and is still creating its Meet when the organizer deletes it there.
    const writes = (s.services.eventPusher as unknown as { deps: { writes: GoogleEventWrites } }).deps.writes;
    const get = writes.get.bind(writes);
    let deleted = false;
    writes.get = async (...args: Parameters<GoogleEventWrites['get']>) => {
      if (!deleted) {
        deleted = true;
        await google.events.delete({ calendarId: 'primary', eventId: created.google_event_id });
      }
      return get(...args);
    };
    try {
      expect(await push(created.id)).toBe('deleted');
    } finally {
      writes.get = get;
    }
    expect(deleted).toBe(true);
    const left = await s.ctx.db.selectFrom('events').select('id').where('id', '=', created.id).execute();
    expect(left).toEqual([]);
  });
});

describe('a patch whose answer was lost, then a newer CRM change', () => {
  it("counts what Google holds as that patch sent it as the CRM's own write (F24)", async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Guest list review',
      start: '2027-09-06T09:00:00Z',
      end: '2027-09-06T10:00:00Z',
    });
    expect(await push(created.id)).toBe('synced');
    await s.services.eventsWrite.update(alice.owner, created.id, { attendees: ['guest-f24@example.net'] });
    // Google applies the patch that invites the guest, and its answer is lost.
    const writes = (s.services.eventPusher as unknown as { deps: { writes: GoogleEventWrites } }).deps.writes;
    const patch = writes.patch.bind(writes);
    writes.patch = async (...args: Parameters<GoogleEventWrites['patch']>) => {
      await patch(...args);
      throw new Error('socket hang up');
    };
    try {
      await expect(push(created.id)).rejects.toThrow('socket hang up');
    } finally {
      writes.patch = patch;
    }
    const google = await googleFor(s, alice.email);
    const landed = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(landed.data.attendees?.map((a) => a.email)).toEqual(['guest-f24@example.net']);

    // The guest is removed in the CRM before the push is retried: the retry's merge must not
    // take the guest it invited itself for one Google added.
    await s.services.eventsWrite.update(alice.owner, created.id, { attendees: [], title: 'Review' });
    expect(await push(created.id)).toBe('synced');
    const { data } = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(data.summary).toBe('Review');
    expect(data.attendees ?? []).toEqual([]);
    expect(await row(created.id)).toMatchObject({ attendees: [], push_sent: null, sync_state: 'synced' });
  });
});
