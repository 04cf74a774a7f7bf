import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleEventIdFromUuid } from '../src/modules/events/mapping/from-google.js';
import { startTestApp, type TestApp } from './support/harness.js';
import {
  api,
  connectedUser,
  expectOk,
  futureHour,
  googleUser,
  mailbox,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { googleAs } from './support/emulator-client.js';
import { waitFor } from './support/wait-for.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import { syncNow } from './support/sync-pull.js';

type Item = Record<string, unknown> & { id: string; sync_state: string; google_event_id: string };

let t: TestApp;
let alice: PushUser;

beforeAll(async () => {
  t = await startTestApp();
  alice = await connectedUser(t, 'alice', { timeZone: 'Europe/Paris' });
});
afterAll(async () => {
  await t?.close();
});

describe('POST /calendar/events', () => {
  it('answers at once with a pending event whose Google id is known, then Google has it with invitations sent', async () => {
    const guest = await googleUser(t, 'guest');
    const start = futureHour(3);
    const res = await api<Item>(t, alice, 'POST', '/calendar/events', {
      title: 'Deal review',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      attendees: [guest, { email: 'external@elsewhere.test', name: 'Ext', optional: true }],
      description: 'Q3 numbers',
      location: 'Room 1',
    });
    const created = expectOk(res, 201);
    expect(created.sync_state).toBe('pending');
    expect(created.google_event_id).toBe(googleEventIdFromUuid(created.id));

    const row = await settled(t, created.id);
    expect(row.sync_state).toBe('synced');
    expect(row.google_etag).not.toBeNull();

    const google = await googleAs(t, alice.email);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(data.summary).toBe('Deal review');
    expect(data.description).toBe('Q3 numbers');
    expect(data.location).toBe('Room 1');
    expect(new Date(data.start?.dateTime ?? '').getTime()).toBe(start.getTime());
    // Not hard-coded: the calendar's zone.
    expect(data.start?.timeZone).toBe('Europe/Paris');
    expect(data.attendees?.map((a) => a.email).sort()).toEqual([guest, 'external@elsewhere.test'].sort());
    expect(data.attendees?.find((a) => a.email === 'external@elsewhere.test')?.optional).toBe(true);
    // The original spec's reminders: email a day before, popup 10 minutes before.
    expect(data.reminders).toEqual({
      useDefault: false,
      overrides: expect.arrayContaining([
        { method: 'email', minutes: 1440 },
        { method: 'popup', minutes: 10 },
      ]),
    });
    expect(data.etag).toBe(row.google_etag);

    const mail = await mailbox(t, guest);
    expect(mail.filter((m) => m.kind === 'invitation' && m.eventId === created.google_event_id)).toHaveLength(
      1,
    );
  });

  it('reads wall-clock times in the given zone, else the calendar zone', async () => {
    const explicit = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'New York call',
        start: '2031-03-10T09:00:00',
        end: '2031-03-10T09:30:00',
        time_zone: 'America/New_York',
      }),
    );
    // 2031-03-10 is after the US DST change: 09:00 EDT is 13:00 UTC.
    expect(explicit.start_time).toBe('2031-03-10T13:00:00.000Z');
    expect(explicit.time_zone).toBe('America/New_York');
    const implicit = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Paris call',
        start: '2031-07-01T09:00:00',
        end: '2031-07-01T10:00:00',
      }),
    );
    expect(implicit.start_time).toBe('2031-07-01T07:00:00.000Z');
    expect(implicit.time_zone).toBe('Europe/Paris');
    const google = await googleAs(t, alice.email);
    await settled(t, explicit.id);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: explicit.google_event_id });
    expect(data.start).toMatchObject({ timeZone: 'America/New_York' });
    expect(new Date(data.start?.dateTime ?? '').toISOString()).toBe('2031-03-10T13:00:00.000Z');
  });

  it('creates all-day events as dates that never shift', async () => {
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Offsite',
        all_day: true,
        start: '2031-05-20',
        end: '2031-05-22',
      }),
    );
    await settled(t, created.id);
    const { data } = await (
      await googleAs(t, alice.email)
    ).events.get({
      calendarId: 'primary',
      eventId: created.google_event_id,
    });
    expect(data.start).toEqual({ date: '2031-05-20' });
    expect(data.end).toEqual({ date: '2031-05-22' });
  });

  it('?wait=true answers once Google confirmed, with the Google id, html link and Meet link', async () => {
    const start = futureHour(4);
    const res = await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
      title: 'Video call',
      start: start.toISOString(),
      end: new Date(start.getTime() + 1_800_000).toISOString(),
      conference: true,
    });
    const item = expectOk(res, 201);
    expect(item.sync_state).toBe('synced');
    expect(item.html_link).toMatch(/^https?:\/\//);
    expect(item.meet_link).toMatch(/^https:\/\/meet\.google\.com\//);
    const { data } = await (
      await googleAs(t, alice.email)
    ).events.get({
      calendarId: 'primary',
      eventId: item.google_event_id,
    });
    expect(data.hangoutLink).toBe(item.meet_link);
  });

  it('keeps a Meet link Google is still creating pending, and the pull brings it when it arrives', async () => {
    // Google creates the conference well after the write: past the pusher's re-reads.
    await emulatorAdmin(t, 'POST', '/settings', { conferenceDelayMs: 600_000 });
    try {
      const start = futureHour(6);
      const res = await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Slow video call',
        start: start.toISOString(),
        end: new Date(start.getTime() + 1_800_000).toISOString(),
        conference: true,
      });
      const item = expectOk(res, 201);
      expect(item.sync_state).toBe('synced');
      expect(item.meet_link).toBeNull();
      const google = await googleAs(t, alice.email);
      const pending = await google.events.get({ calendarId: 'primary', eventId: item.google_event_id });
      expect(pending.data.conferenceData?.createRequest?.status?.statusCode).toBe('pending');

      await emulatorAdmin(t, 'POST', '/clock', { advanceMs: 600_000 });
      const { data } = await (
        await googleAs(t, alice.email)
      ).events.get({ calendarId: 'primary', eventId: item.google_event_id });
      expect(data.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\//);
      await syncNow(t, alice.userId, {}, alice.tenant);
      const after = await api<Item>(t, alice, 'GET', `/calendar/events/${item.id}`);
      expect(expectOk(after, 200)).toMatchObject({ meet_link: data.hangoutLink, sync_state: 'synced' });
    } finally {
      await emulatorAdmin(t, 'POST', '/settings', { conferenceDelayMs: 0 });
    }
  });

  it('send_updates=none invites nobody; externalOnly only mails outside guests', async () => {
    const guest = await googleUser(t, 'quiet');
    const start = futureHour(5);
    const body = {
      start: start.toISOString(),
      end: new Date(start.getTime() + 1_800_000).toISOString(),
      attendees: [guest],
    };
    const none = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        ...body,
        title: 'Silent',
        send_updates: 'none',
      }),
    );
    await settled(t, none.id);
    expect(await mailbox(t, guest)).toEqual([]);
    // The guest is an emulated (internal) user: externalOnly skips them too.
    const external = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        ...body,
        title: 'External only',
        send_updates: 'externalOnly',
      }),
    );
    await settled(t, external.id);
    expect(await mailbox(t, guest)).toEqual([]);
    // The event is still on the guest's calendar.
    const { data } = await (
      await googleAs(t, guest)
    ).events.get({ calendarId: 'primary', eventId: none.google_event_id });
    expect(data.summary).toBe('Silent');
  });

  it("uses the user's own default reminders when set", async () => {
    const bob = await connectedUser(t, 'bob');
    expect(
      (
        await api(t, bob, 'PUT', '/calendar/reminder-defaults', {
          reminders: [{ method: 'popup', minutes: 30 }],
        })
      ).status,
    ).toBe(200);
    const start = futureHour(6);
    const created = expectOk(
      await api<Item>(t, bob, 'POST', '/calendar/events', {
        title: 'With my defaults',
        start: start.toISOString(),
        end: new Date(start.getTime() + 1_800_000).toISOString(),
      }),
    );
    expect(created.reminders).toEqual({ use_default: false, overrides: [{ method: 'popup', minutes: 30 }] });
    await settled(t, created.id);
    const { data } = await (
      await googleAs(t, bob.email)
    ).events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(data.reminders).toEqual({ useDefault: false, overrides: [{ method: 'popup', minutes: 30 }] });
  });

  it('logs a meeting activity on the linked CRM record', async () => {
    const contact = expectOk(
      await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', {
        name: 'Carla Client',
        email: 'carla@client.test',
      }),
    );
    const start = futureHour(7);
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Kick-off',
        start: start.toISOString(),
        end: new Date(start.getTime() + 3_600_000).toISOString(),
        attendees: ['carla@client.test'],
        entity_type: 'contact',
        entity_id: contact.id,
      }),
    );
    expect(created.entity_id).toBe(contact.id);
    const timeline = expectOk(
      await api<{ items: { type: string; title: string; status: string; event_id: string }[] }>(
        t,
        alice,
        'GET',
        `/crm/contacts/${contact.id}/activities`,
      ),
      200,
    );
    expect(timeline.items).toEqual([
      expect.objectContaining({
        type: 'meeting',
        title: 'Meeting scheduled: Kick-off',
        status: 'scheduled',
        event_id: created.id,
      }),
    ]);
    // The link is stamped on Google's copy, so a later pull keeps it.
    await settled(t, created.id);
    const { data } = await (
      await googleAs(t, alice.email)
    ).events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(data.extendedProperties?.private).toMatchObject({
      crm_entity_type: 'contact',
      crm_entity_id: contact.id,
    });
  });

  it('answers 409 with a clear code when Google Calendar is not connected, or needs reconnecting', async () => {
    const nobody: PushUser = {
      userId: `nobody-${Date.now()}`,
      email: 'nobody@example.com',
      tenant: 'default',
    };
    const start = futureHour(2);
    const body = {
      title: 'x',
      start: start.toISOString(),
      end: new Date(start.getTime() + 60_000).toISOString(),
    };
    const res = await api<{ error: { code: string } }>(t, nobody, 'POST', '/calendar/events', body);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('calendar_not_connected');

    const carol = await connectedUser(t, 'carol');
    await t.ctx.db
      .updateTable('connections')
      .set({ status: 'reauth_required' })
      .where('user_id', '=', carol.userId)
      .execute();
    const reauth = await api<{ error: { code: string } }>(t, carol, 'POST', '/calendar/events', body);
    expect(reauth.status).toBe(409);
    expect(reauth.body.error.code).toBe('calendar_reauth_required');
  });

  it('refuses an unknown calendar_id', async () => {
    const start = futureHour(2);
    const res = await api<{ error: { code: string } }>(t, alice, 'POST', '/calendar/events', {
      title: 'x',
      start: start.toISOString(),
      end: new Date(start.getTime() + 60_000).toISOString(),
      calendar_id: 'someone-else@example.com',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_calendar');
  });

  it('lists the created event through GET /calendar/events', async () => {
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Listed',
        start: '2031-09-01T10:00:00Z',
        end: '2031-09-01T11:00:00Z',
      }),
    );
    await waitFor('the event to be readable', async () => {
      const res = await api<Item>(t, alice, 'GET', `/calendar/events/${created.id}`);
      return res.status === 200 && res.body.title === 'Listed';
    });
  });
});
