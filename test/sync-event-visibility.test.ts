import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import {
  api,
  connectedUser,
  eventRow,
  expectOk,
  googleUser,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/**
 * Private and free meetings: visibility, transparency and the guest permissions go both ways
 * (CRM create and change, Google change, three-way merge), and a free meeting is not busy time.
 */

type Item = {
  id: string;
  google_event_id: string;
  sync_state: string;
  title: string;
  visibility: string;
  transparency: string;
  guests_can_modify: boolean;
  guests_can_invite_others: boolean;
  guests_can_see_other_guests: boolean;
  organizer_email: string | null;
};
type ErrorJson = { error: { code: string; message: string; details?: { field?: string } } };
type Slot = { start: string; end: string };
type Availability = { calendars: { id: string; busy: Slot[] }[] };

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'alice', { timeZone: 'UTC' });
  google = await googleAs(t, alice.email);
});

const sharing = (item: Item) => ({
  visibility: item.visibility,
  transparency: item.transparency,
  guests_can_modify: item.guests_can_modify,
  guests_can_invite_others: item.guests_can_invite_others,
  guests_can_see_other_guests: item.guests_can_see_other_guests,
});

async function inGoogle(googleEventId: string, as = google) {
  const { data } = await as.events.get({ calendarId: 'primary', eventId: googleEventId });
  return data;
}

async function item(id: string): Promise<Item> {
  return expectOk(await api<Item>(t, alice, 'GET', `/calendar/events/${id}`), 200);
}

describe('visibility, transparency and guest permissions', () => {
  it("are Google's defaults when not given, and shown on read", async () => {
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Plain',
        start: '2031-03-03T09:00:00Z',
        end: '2031-03-03T10:00:00Z',
      }),
    );
    expect(sharing(created)).toEqual({
      visibility: 'default',
      transparency: 'opaque',
      guests_can_modify: false,
      guests_can_invite_others: true,
      guests_can_see_other_guests: true,
    });
    const data = await inGoogle(created.google_event_id);
    expect([data.visibility, data.transparency, data.guestsCanModify]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('are written to Google on create and on change, and read back', async () => {
    const guest = await googleUser(t, 'guest');
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Private and free',
        start: '2031-03-04T09:00:00Z',
        end: '2031-03-04T10:00:00Z',
        attendees: [guest],
        visibility: 'private',
        transparency: 'transparent',
        guests_can_modify: true,
        guests_can_invite_others: false,
        guests_can_see_other_guests: false,
        send_updates: 'none',
      }),
    );
    expect(created.sync_state).toBe('synced');
    const expected = {
      visibility: 'private',
      transparency: 'transparent',
      guests_can_modify: true,
      guests_can_invite_others: false,
      guests_can_see_other_guests: false,
    };
    expect(sharing(created)).toEqual(expected);
    expect(sharing(await item(created.id))).toEqual(expected);
    expect(await inGoogle(created.google_event_id)).toMatchObject({
      visibility: 'private',
      transparency: 'transparent',
      guestsCanModify: true,
      guestsCanInviteOthers: false,
      guestsCanSeeOtherGuests: false,
    });
    // The guest's copy carries the organizer's permissions.
    expect(await inGoogle(created.google_event_id, await googleAs(t, guest))).toMatchObject({
      guestsCanModify: true,
      guestsCanInviteOthers: false,
      guestsCanSeeOtherGuests: false,
    });

    const changed = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${created.id}?wait=true`, {
        visibility: 'default',
        transparency: 'opaque',
        guests_can_modify: false,
        guests_can_see_other_guests: true,
      }),
      200,
    );
    expect(changed.sync_state).toBe('synced');
    expect(sharing(changed)).toEqual({
      visibility: 'default',
      transparency: 'opaque',
      guests_can_modify: false,
      guests_can_invite_others: false,
      guests_can_see_other_guests: true,
    });
    const data = await inGoogle(created.google_event_id);
    expect([data.visibility ?? 'default', data.transparency ?? 'opaque']).toEqual(['default', 'opaque']);
    expect(data.guestsCanModify ?? false).toBe(false);
    expect(data.guestsCanInviteOthers).toBe(false);
    expect(data.guestsCanSeeOtherGuests ?? true).toBe(true);
    expect(data.summary).toBe('Private and free');
  });

  it('changed in Google reach the CRM', async () => {
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Changed in Google',
        start: '2031-03-05T09:00:00Z',
        end: '2031-03-05T10:00:00Z',
      }),
    );
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: {
        visibility: 'confidential',
        transparency: 'transparent',
        guestsCanModify: true,
        guestsCanInviteOthers: false,
      },
    });
    const shown = await waitFor('the change to be pulled', async () => {
      const current = await item(created.id);
      return current.visibility === 'confidential' ? current : undefined;
    });
    expect(sharing(shown)).toEqual({
      visibility: 'confidential',
      transparency: 'transparent',
      guests_can_modify: true,
      guests_can_invite_others: false,
      guests_can_see_other_guests: true,
    });
  });

  it('merge three ways: a CRM change and a Google change of other fields both survive', async () => {
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Concurrent',
        start: '2031-03-06T09:00:00Z',
        end: '2031-03-06T10:00:00Z',
      }),
    );
    // Google's copy changes (transparency, title) while the CRM has not seen it: the CRM's push of
    // its own change (visibility) meets Google's newer version and merges.
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: { transparency: 'transparent', summary: 'Concurrent (moved to Google)' },
    });
    await api(t, alice, 'PATCH', `/calendar/events/${created.id}`, { visibility: 'private' });
    await settled(t, created.id);
    const data = await inGoogle(created.google_event_id);
    expect([data.visibility, data.transparency, data.summary]).toEqual([
      'private',
      'transparent',
      'Concurrent (moved to Google)',
    ]);
    const shown = await waitFor('the CRM to hold both changes', async () => {
      const current = await item(created.id);
      return current.transparency === 'transparent' && current.visibility === 'private' ? current : undefined;
    });
    expect(shown.title).toBe('Concurrent (moved to Google)');
    expect((await eventRow(t, created.id))?.sync_conflicts).toEqual([]);
  });

  it('refuse bad values with a clear 400 and write nothing', async () => {
    const base = { title: 'Bad', start: '2031-03-07T09:00:00Z', end: '2031-03-07T10:00:00Z' };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ visibility: 'secret' }, 'invalid_visibility', 'visibility'],
      [{ transparency: 'busy' }, 'invalid_transparency', 'transparency'],
      [{ guests_can_modify: 'yes' }, 'invalid_request', 'guests_can_modify'],
      [{ guests_can_invite_others: 1 }, 'invalid_request', 'guests_can_invite_others'],
      [{ guests_can_see_other_guests: null }, 'invalid_request', 'guests_can_see_other_guests'],
    ];
    const before = await api<{ items: unknown[] }>(t, alice, 'GET', '/calendar/events');
    for (const [fields, code, field] of cases) {
      const res = await api<ErrorJson>(t, alice, 'POST', '/calendar/events', { ...base, ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.error.code).toBe(code);
      // Meaning errors name the field in details.field; shape errors in the message and the issues.
      if (code === 'invalid_request') expect(res.body.error.message).toContain(field);
      else expect(res.body.error.details?.field).toBe(field);
    }
    const after = await api<{ items: unknown[] }>(t, alice, 'GET', '/calendar/events');
    expect(after.body.items.length).toBe(before.body.items.length);

    const created = expectOk(await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', base));
    const patch = await api<ErrorJson>(t, alice, 'PATCH', `/calendar/events/${created.id}`, {
      transparency: 'free',
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error).toMatchObject({
      code: 'invalid_transparency',
      details: { field: 'transparency' },
    });
    expect(sharing(await item(created.id)).transparency).toBe('opaque');
  });
});

describe('guests who may modify the event', () => {
  it("see the organizer's changes of an event they may modify, and the CRM follows them", async () => {
    // Bob organizes in Google and lets his guests modify the event; Alice (the CRM user) is a guest.
    const bob = await googleUser(t, 'bob');
    const bobs = await googleAs(t, bob);
    const { data } = await bobs.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Shared plan',
        start: { dateTime: '2031-03-10T09:00:00Z' },
        end: { dateTime: '2031-03-10T10:00:00Z' },
        attendees: [{ email: alice.email }],
        guestsCanModify: true,
        visibility: 'private',
      },
    });
    await api(t, alice, 'POST', '/calendar/sync', {});
    const invitation = await waitFor('the invitation to reach the CRM', async () => {
      const res = await api<{ items: Item[] }>(t, alice, 'GET', '/calendar/events?q=Shared%20plan');
      return res.body.items.find((i) => i.google_event_id === data.id);
    });
    expect(invitation).toMatchObject({
      organizer_email: bob,
      guests_can_modify: true,
      visibility: 'private',
    });

    await bobs.events.patch({
      calendarId: 'primary',
      eventId: data.id ?? '',
      requestBody: { summary: 'Shared plan (v2)', guestsCanModify: false },
    });
    const changed = await waitFor('the change to reach the CRM', async () => {
      const current = await item(invitation.id);
      return current.title === 'Shared plan (v2)' ? current : undefined;
    });
    expect(changed.guests_can_modify).toBe(false);
  });

  it("a guest's change in Google reaches the organizer's CRM copy like the organizer's own", async () => {
    // Alice (the CRM user) organizes and lets her guests modify the meeting; the guest edits it in Google.
    const guest = await googleUser(t, 'editor');
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Team offsite',
        start: '2031-03-12T09:00:00Z',
        end: '2031-03-12T10:00:00Z',
        attendees: [guest],
        guests_can_modify: true,
        send_updates: 'none',
      }),
    );
    const theirs = await googleAs(t, guest);
    await theirs.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: {
        summary: 'Team offsite (new venue)',
        location: 'Harbour hall',
        start: { dateTime: '2031-03-12T13:00:00Z' },
        end: { dateTime: '2031-03-12T14:00:00Z' },
      },
    });
    type Shown = Item & { location: string | null; start_time: string; description: string | null };
    const changed = await waitFor("the guest's change to reach the CRM", async () => {
      const current = expectOk(await api<Shown>(t, alice, 'GET', `/calendar/events/${created.id}`), 200);
      return current.title === 'Team offsite (new venue)' ? current : undefined;
    });
    expect(changed).toMatchObject({
      location: 'Harbour hall',
      start_time: '2031-03-12T13:00:00.000Z',
      sync_state: 'synced',
      guests_can_modify: true,
    });

    // Alice's next change in the CRM builds on the guest's: nothing of theirs is undone.
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${created.id}?wait=true`, {
        description: 'Bring laptops',
      }),
      200,
    );
    const data = await inGoogle(created.google_event_id);
    expect(data).toMatchObject({
      summary: 'Team offsite (new venue)',
      location: 'Harbour hall',
      description: 'Bring laptops',
    });
    expect(new Date(data.start?.dateTime ?? '').toISOString()).toBe('2031-03-12T13:00:00.000Z');
    expect((await eventRow(t, created.id))?.sync_conflicts).toEqual([]);
  });
});

describe('availability', () => {
  const window = { start: '2031-04-07T08:00:00Z', end: '2031-04-07T18:00:00Z' };
  const busyOf = async () => {
    const res = await api<Availability>(t, alice, 'POST', '/calendar/availability', {
      attendees: [],
      ...window,
      duration_minutes: 30,
      time_zone: 'UTC',
    });
    return expectOk(res, 200).calendars.find((c) => c.id === alice.email)?.busy;
  };

  it('counts a busy meeting and not a free one, before and after Google has them', async () => {
    // Google is down for event inserts: both meetings wait in the CRM's outbox.
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'calendar.events.insert' },
      count: 1000,
      action: { status: 503 },
    });
    const busy = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Busy meeting',
        start: '2031-04-07T09:00:00Z',
        end: '2031-04-07T10:00:00Z',
      }),
    );
    const free = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Free meeting',
        start: '2031-04-07T11:00:00Z',
        end: '2031-04-07T12:00:00Z',
        transparency: 'transparent',
      }),
    );
    expect(await busyOf()).toEqual([{ start: '2031-04-07T09:00:00.000Z', end: '2031-04-07T10:00:00.000Z' }]);

    await emulatorAdmin(t, 'DELETE', '/faults');
    for (const id of [busy.id, free.id]) {
      await waitFor(
        `event ${id} to be pushed`,
        async () => (await eventRow(t, id))?.sync_state === 'synced',
        30_000,
      );
    }
    expect(await inGoogle(free.google_event_id)).toMatchObject({ transparency: 'transparent' });
    expect(await busyOf()).toEqual([{ start: '2031-04-07T09:00:00.000Z', end: '2031-04-07T10:00:00.000Z' }]);

    // Made free later, the busy meeting no longer counts.
    expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${busy.id}?wait=true`, {
        transparency: 'transparent',
      }),
      200,
    );
    expect(await busyOf()).toEqual([]);
  });
});
