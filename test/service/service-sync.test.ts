import { describe, expect, it } from 'vitest';
import type { ConnectedUser, ServiceUnderTest } from './service-harness.js';
import { googleFor, useService } from './service-harness.js';

/**
 * The sync engine one step at a time: each pull and push runs when the test calls it, on the real
 * services and database against the emulator (no HTTP, no workers, no waiting).
 */
let s: ServiceUnderTest;
let alice: ConnectedUser;
useService(async (service) => {
  s = service;
  alice = await s.connect('alice-svc', 'alice-svc@example.com');
});

const row = (id: string) => s.ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
const byGoogleId = (googleId: string) =>
  s.ctx.db
    .selectFrom('events')
    .selectAll()
    .where('calendar_id', '=', alice.primary.calendarId)
    .where('google_event_id', '=', googleId)
    .executeTakeFirst();
const pull = () => s.services.pull.pull(alice.primary, { trigger: 'manual' });

describe('pull, step by step', () => {
  it('stores an event made in Google, keeps its zone, then changes nothing on the next pull', async () => {
    await pull(); // the calendar's first (full) listing
    const google = await googleFor(s, alice.email);
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Made in Google',
        start: { dateTime: '2027-03-14T01:30:00-05:00', timeZone: 'America/New_York' },
        end: { dateTime: '2027-03-14T03:30:00-04:00', timeZone: 'America/New_York' },
      },
    });
    const first = await pull();
    expect(first).toMatchObject({ status: 'pulled', fullSync: false, created: 1, skipped: 0 });
    const stored = await byGoogleId(data.id ?? '');
    // Across the spring-forward gap: 06:30 to 07:30 UTC, one hour, in the event's own zone.
    expect(stored).toMatchObject({ title: 'Made in Google', time_zone: 'America/New_York', all_day: false });
    expect(stored?.start_at?.toISOString()).toBe('2027-03-14T06:30:00.000Z');
    expect(stored?.end_at?.toISOString()).toBe('2027-03-14T07:30:00.000Z');

    const again = await pull();
    expect(again).toMatchObject({ status: 'pulled', created: 0, updated: 0, deleted: 0 });
  });

  it('removes an event deleted in Google', async () => {
    const google = await googleFor(s, alice.email);
    const { data } = await google.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Short-lived', start: { date: '2027-05-01' }, end: { date: '2027-05-02' } },
    });
    await pull();
    expect((await byGoogleId(data.id ?? ''))?.start_date).toBe('2027-05-01');
    await google.events.delete({ calendarId: 'primary', eventId: data.id ?? '' });
    expect(await pull()).toMatchObject({ deleted: 1 });
    expect(await byGoogleId(data.id ?? '')).toBeUndefined();
  });
});

describe('push, step by step', () => {
  it('a CRM create is pending until pushed, then synced with the Google id it was given', async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'From the CRM',
      start: '2027-06-01T09:00:00',
      end: '2027-06-01T10:00:00',
      time_zone: 'Europe/Berlin',
    });
    expect(created.sync_state).toBe('pending');
    const google = await googleFor(s, alice.email);
    await expect(
      google.events.get({ calendarId: 'primary', eventId: created.google_event_id }),
    ).rejects.toThrow();

    expect(await s.services.eventPusher.push({ eventId: created.id, ...alice.owner })).toBe('synced');
    const { data } = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(data.start).toMatchObject({ dateTime: '2027-06-01T09:00:00+02:00', timeZone: 'Europe/Berlin' });
    const pushed = await row(created.id);
    expect(pushed).toMatchObject({ sync_state: 'synced', google_etag: data.etag });
    // The pull that sees the service's own write changes nothing.
    expect(await pull()).toMatchObject({ created: 0, updated: 0 });
  });

  it('merges a CRM title change with a Google time change (412, three-way merge)', async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Before',
      start: '2027-07-01T09:00:00Z',
      end: '2027-07-01T10:00:00Z',
    });
    await s.services.eventPusher.push({ eventId: created.id, ...alice.owner });
    const google = await googleFor(s, alice.email);
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: { start: { dateTime: '2027-07-01T11:00:00Z' }, end: { dateTime: '2027-07-01T12:00:00Z' } },
    });
    await s.services.eventsWrite.update(alice.owner, created.id, { title: 'After' });

    expect(await s.services.eventPusher.push({ eventId: created.id, ...alice.owner })).toBe('synced');
    const { data } = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(data.summary).toBe('After');
    expect(new Date(data.start?.dateTime ?? '').toISOString()).toBe('2027-07-01T11:00:00.000Z');
    const merged = await row(created.id);
    expect(merged?.title).toBe('After');
    expect(merged?.start_at?.toISOString()).toBe('2027-07-01T11:00:00.000Z');
    expect(merged?.sync_conflicts).toEqual([]);
  });

  it('a listing taken before a CRM delete reached Google does not bring the event back', async () => {
    const deal = await s.services.crm.deals.create(alice.owner, { name: 'Stale listing' });
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Deleted in the CRM',
      start: '2027-09-01T09:00:00Z',
      end: '2027-09-01T10:00:00Z',
      entity_type: 'deal',
      entity_id: deal.id,
    });
    await s.services.eventPusher.push({ eventId: created.id, ...alice.owner });
    await pull();
    // A pull lists the calendar (the event still there); while it has the page in hand, the CRM
    // deletes the event and the push deletes it at Google. Then the pull writes its page.
    const api = s.services.calendarApi;
    const listEventsPage = api.listEventsPage.bind(api);
    api.listEventsPage = async (connection, params) => {
      const page = await listEventsPage(connection, params);
      api.listEventsPage = listEventsPage;
      await s.services.eventsWrite.remove(alice.owner, created.id, {});
      expect(await s.services.eventPusher.push({ eventId: created.id, ...alice.owner })).toBe('deleted');
      return page;
    };
    const google = await googleFor(s, alice.email);
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: { description: 'changed in Google before the delete' },
    });
    expect(await pull()).toMatchObject({ status: 'pulled', created: 0 });
    const visible = await s.ctx.db
      .selectFrom('events')
      .select(['id', 'deleted_at'])
      .where('calendar_id', '=', alice.primary.calendarId)
      .where('google_event_id', '=', created.google_event_id)
      .where('deleted_at', 'is', null)
      .execute();
    expect(visible).toEqual([]);
    const timeline = await s.services.activities.listForEntity(alice.owner.tenantId, 'deal', deal.id, {
      limit: 50,
    });
    expect(timeline.items.map((a) => a.status)).toEqual(['cancelled']);
    // The next pull sees Google's cancellation and forgets the event for good.
    await pull();
    expect(await byGoogleId(created.google_event_id)).toBeUndefined();
  });

  it('a change Google refuses for good marks the event failed with the reason, once', async () => {
    const created = await s.services.eventsWrite.create(alice.owner, {
      title: 'Refused',
      start: '2027-08-01T09:00:00Z',
      end: '2027-08-01T10:00:00Z',
    });
    await fetch(`${s.emulator.url}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        match: { method: 'calendar.events.insert' },
        count: 1,
        action: { status: 400 },
      }),
    });
    expect(await s.services.eventPusher.push({ eventId: created.id, ...alice.owner })).toBe('failed');
    const failed = await row(created.id);
    expect(failed?.sync_state).toBe('failed');
    expect(failed?.sync_error).toMatch(/^Google refused the change \(400/);
  });
});

describe('occurrences, step by step', () => {
  it('answering one occurrence with the answer the series has leaves it following the series', async () => {
    const bob = await s.connect('bob-svc', 'bob-svc@example.com');
    const bobGoogle = await googleFor(s, bob.email);
    const { data: series } = await bobGoogle.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Weekly with alice',
        start: { dateTime: '2027-10-04T09:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2027-10-04T10:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
        attendees: [{ email: alice.email }],
      },
    });
    await pull();
    const master = await byGoogleId(series.id ?? '');
    expect(master).toBeDefined();
    const occurrenceId = `${master!.id}:${series.id}_20271011T090000Z`;
    // alice accepts the series, then accepts its second occurrence again.
    const accepted = await s.services.eventsWrite.rsvp(alice.owner, master!.id, 'accepted', 'none');
    expect(await s.services.eventPusher.push({ eventId: accepted.id, ...alice.owner })).toBe('synced');
    await pull();
    const answered = await s.services.eventsWrite.rsvp(alice.owner, occurrenceId, 'accepted', 'none');
    expect(await s.services.eventPusher.push({ eventId: answered.id, ...alice.owner })).toBe('synced');
    expect(await row(answered.id)).toBeUndefined();
    // Bob renames the series in Google: alice's second occurrence shows the new title.
    await bobGoogle.events.patch({
      calendarId: 'primary',
      eventId: series.id ?? '',
      requestBody: { summary: 'Weekly with alice, renamed' },
    });
    await pull();
    const rows = await s.ctx.db
      .selectFrom('events')
      .select(['title', 'google_event_id'])
      .where('calendar_id', '=', alice.primary.calendarId)
      .where((eb) =>
        eb.or([eb('google_event_id', '=', series.id ?? ''), eb('recurring_event_id', '=', series.id ?? '')]),
      )
      .execute();
    expect(rows).toEqual([{ title: 'Weekly with alice, renamed', google_event_id: series.id }]);
  });
});
