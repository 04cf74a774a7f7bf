import { describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import {
  api,
  connectedUser,
  eventRow,
  expectOk,
  futureHour,
  googleUser,
  mailbox,
  removed,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { googleAs } from './support/emulator-client.js';
import { waitFor } from './support/wait-for.js';

type Item = Record<string, unknown> & {
  id: string;
  google_event_id: string;
  sync_state: string;
  sync_error: string | null;
};
type Timeline = { items: { title: string; status: string; meeting_start_at?: string; start?: string }[] };

let t: TestApp;
let alice: PushUser;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'alice');
});

async function create(body: Record<string, unknown>): Promise<Item> {
  const start = futureHour(5);
  const item = expectOk(
    await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
      title: 'Planning',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      ...body,
    }),
  );
  expect(item.sync_state).toBe('synced');
  return item;
}

async function googleEvent(id: string) {
  const { data } = await (await googleAs(t, alice.email)).events.get({ calendarId: 'primary', eventId: id });
  return data;
}

describe('PATCH /calendar/events/{id}', () => {
  it('reschedules and renames; guests get an update; the activity follows', async () => {
    const guest = await googleUser(t, 'guest');
    const contact = expectOk(
      await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', { name: 'Ann', email: 'ann@x.test' }),
    );
    const event = await create({ attendees: [guest], entity_type: 'contact', entity_id: contact.id });
    const newStart = futureHour(6, 15);
    const res = await api<Item>(t, alice, 'PATCH', `/calendar/events/${event.id}`, {
      title: 'Planning (moved)',
      start: newStart.toISOString(),
    });
    const patched = expectOk(res, 200);
    expect(patched.sync_state).toBe('pending');
    // Moving the start keeps the duration.
    expect(patched.end_time).toBe(new Date(newStart.getTime() + 3_600_000).toISOString());
    await settled(t, event.id);

    const data = await googleEvent(event.google_event_id);
    expect(data.summary).toBe('Planning (moved)');
    expect(new Date(data.start?.dateTime ?? '').getTime()).toBe(newStart.getTime());
    const mail = await mailbox(t, guest);
    expect(mail.map((m) => m.kind)).toEqual(['invitation', 'update']);

    const timeline = expectOk(
      await api<Timeline>(t, alice, 'GET', `/crm/contacts/${contact.id}/activities`),
      200,
    );
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0]).toMatchObject({
      title: 'Meeting scheduled: Planning (moved)',
      status: 'scheduled',
    });
    expect(JSON.stringify(timeline.items[0])).toContain(newStart.toISOString());
  });

  it('adds and removes guests: the new one is invited, the removed one gets a cancellation', async () => {
    const stays = await googleUser(t, 'stays');
    const leaves = await googleUser(t, 'leaves');
    const joins = await googleUser(t, 'joins');
    const event = await create({ attendees: [stays, leaves] });
    expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${event.id}`, { attendees: [stays, joins] }),
      200,
    );
    await settled(t, event.id);
    const data = await googleEvent(event.google_event_id);
    expect(data.attendees?.map((a) => a.email).sort()).toEqual([stays, joins].sort());
    expect((await mailbox(t, joins)).map((m) => m.kind)).toEqual(['invitation']);
    expect((await mailbox(t, leaves)).map((m) => m.kind)).toEqual(['invitation', 'cancellation']);
  });

  it('changes reach Google in order and collapse into the latest state', async () => {
    const event = await create({});
    for (let i = 1; i <= 6; i++) {
      expectOk(
        await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, {
          title: `Edit ${i}`,
          location: `Room ${i}`,
        }),
        200,
      );
    }
    const row = await settled(t, event.id);
    expect(row.local_version).toBe(7);
    expect(row.title).toBe('Edit 6');
    const data = await googleEvent(event.google_event_id);
    expect(data.summary).toBe('Edit 6');
    expect(data.location).toBe('Room 6');
    expect(data.etag).toBe(row.google_etag);
  });

  it('adds a Meet link to an existing event', async () => {
    const event = await create({});
    const res = await api<Item>(t, alice, 'PATCH', `/calendar/events/${event.id}?wait=true`, {
      conference: true,
    });
    const patched = expectOk(res, 200);
    expect(patched.meet_link).toMatch(/^https:\/\/meet\.google\.com\//);
    expect((await googleEvent(event.google_event_id)).hangoutLink).toBe(patched.meet_link);
  });

  it('marks an event failed with the reason when Google refuses it, and a later edit retries', async () => {
    // A calendar the CRM still lists but Google no longer lets the user write to.
    const stranger = await googleUser(t, 'stranger');
    const primary = await t.ctx.db
      .selectFrom('calendars')
      .selectAll()
      .where('user_id', '=', alice.userId)
      .where('is_primary', '=', true)
      .executeTakeFirstOrThrow();
    const lost = await t.ctx.db
      .insertInto('calendars')
      .values({
        tenant_id: alice.tenant,
        user_id: alice.userId,
        connection_id: primary.connection_id,
        google_calendar_id: stranger,
        summary: 'Lost access',
        time_zone: 'UTC',
        access_role: 'owner',
        selected: false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const start = futureHour(8);
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events', {
        title: 'Doomed',
        start: start.toISOString(),
        end: new Date(start.getTime() + 60_000 * 30).toISOString(),
        calendar_id: lost.id,
      }),
    );
    const failed = await settled(t, created.id);
    expect(failed.sync_state).toBe('failed');
    expect(failed.sync_error).toMatch(/Google refused the change \(404/);
    const shown = await api<Item>(t, alice, 'PATCH', `/calendar/events/${created.id}`, {
      title: 'Doomed again',
    });
    expect(shown.status).toBe(200);
    expect(shown.body.sync_state).toBe('pending');
    // The user fixes access (here: the CRM calendar now names a calendar Google lets them write):
    // the next edit pushes the whole event again.
    const { data: own } = await (
      await googleAs(t, alice.email)
    ).calendars.insert({ requestBody: { summary: 'Team' } });
    await t.ctx.db
      .updateTable('calendars')
      .set({ google_calendar_id: own.id ?? '' })
      .where('id', '=', lost.id)
      .execute();
    expectOk(await api(t, alice, 'PATCH', `/calendar/events/${created.id}`, { title: 'Saved' }), 200);
    const row = await settled(t, created.id);
    expect(row.sync_state).toBe('synced');
    expect(row.sync_error).toBeNull();
    const { data } = await (
      await googleAs(t, alice.email)
    ).events.get({ calendarId: own.id ?? '', eventId: row.google_event_id });
    expect(data.summary).toBe('Saved');
  });
});

describe('DELETE /calendar/events/{id}', () => {
  it('cancels at Google, mails a cancellation, removes the row and cancels the activity', async () => {
    const guest = await googleUser(t, 'cancelled');
    const deal = expectOk(await api<{ id: string }>(t, alice, 'POST', '/crm/deals', { name: 'Big deal' }));
    const event = await create({ attendees: [guest], entity_type: 'deal', entity_id: deal.id });
    const res = await api(t, alice, 'DELETE', `/calendar/events/${event.id}`);
    expect(res.status).toBe(204);
    // Gone from the CRM at once.
    expect((await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, { title: 'x' })).status).toBe(404);
    await removed(t, event.id);
    expect((await googleEvent(event.google_event_id)).status).toBe('cancelled');
    expect((await mailbox(t, guest)).map((m) => m.kind)).toEqual(['invitation', 'cancellation']);
    const timeline = expectOk(await api<Timeline>(t, alice, 'GET', `/crm/deals/${deal.id}/activities`), 200);
    expect(timeline.items.map((a) => a.status)).toEqual(['cancelled']);
  });

  it('send_updates=none deletes without mail; a second delete is 404; a delete of an event Google already lost is fine', async () => {
    const guest = await googleUser(t, 'unmailed');
    const event = await create({ attendees: [guest], send_updates: 'none' });
    expect((await api(t, alice, 'DELETE', `/calendar/events/${event.id}?send_updates=none`)).status).toBe(
      204,
    );
    await removed(t, event.id);
    expect(await mailbox(t, guest)).toEqual([]);
    expect((await api(t, alice, 'DELETE', `/calendar/events/${event.id}`)).status).toBe(404);

    const gone = await create({});
    // Deleted in Google behind the CRM's back (the pull has not seen it yet): 410 means done.
    await (
      await googleAs(t, alice.email)
    ).events.delete({ calendarId: 'primary', eventId: gone.google_event_id });
    const res = await api(t, alice, 'DELETE', `/calendar/events/${gone.id}`);
    expect([204, 404]).toContain(res.status);
    await removed(t, gone.id);
  });

  it('rejects an unknown send_updates', async () => {
    const event = await create({});
    const res = await api<{ error: { code: string } }>(
      t,
      alice,
      'DELETE',
      `/calendar/events/${event.id}?send_updates=loud`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_send_updates');
    expect(await eventRow(t, event.id)).toBeDefined();
  });
});

describe('events the user does not organize', () => {
  it('403 not_organizer on change and delete; RSVP goes to the organizer', async () => {
    const organizer = await googleUser(t, 'organizer');
    const start = futureHour(9);
    const google = await googleAs(t, organizer);
    const { data: invitation } = await google.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: {
        summary: 'Their meeting',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString() },
        attendees: [{ email: alice.email }],
      },
    });
    await emulatorAdmin(t, 'POST', '/requests/reset');
    // Alice's CRM learns about it through the pull (push channel or a manual sync).
    await api(t, alice, 'POST', '/calendar/sync', {});
    const row = await waitFor('the invitation to reach the CRM', async () =>
      t.ctx.db
        .selectFrom('events')
        .selectAll()
        .where('user_id', '=', alice.userId)
        .where('google_event_id', '=', invitation.id ?? '')
        .executeTakeFirst(),
    );
    expect(row.organizer_self).toBe(false);

    const patch = await api<{ error: { code: string } }>(t, alice, 'PATCH', `/calendar/events/${row.id}`, {
      title: 'Mine now',
    });
    expect(patch.status).toBe(403);
    expect(patch.body.error.code).toBe('not_organizer');
    const del = await api<{ error: { code: string } }>(t, alice, 'DELETE', `/calendar/events/${row.id}`);
    expect(del.status).toBe(403);
    expect(del.body.error.code).toBe('not_organizer');

    const rsvp = await api<Item>(t, alice, 'POST', `/calendar/events/${row.id}/rsvp?wait=true`, {
      response: 'accepted',
    });
    expect(rsvp.status, JSON.stringify(rsvp.body)).toBe(200);
    expect(rsvp.body.sync_state).toBe('synced');
    const { data: theirs } = await google.events.get({ calendarId: 'primary', eventId: invitation.id ?? '' });
    expect(theirs.attendees?.find((a) => a.email === alice.email)?.responseStatus).toBe('accepted');
    expect(theirs.summary).toBe('Their meeting');
    const replies = (await mailbox(t, organizer)).filter((m) => m.kind === 'reply');
    expect(replies).toEqual([expect.objectContaining({ from: alice.email, responseStatus: 'accepted' })]);

    // The CRM reminds the invitee at the calendar's default popup (Google's primary default: 10 min)...
    const reminders = () =>
      t.ctx.db.selectFrom('notifications').selectAll().where('event_id', '=', row.id).execute();
    expect((await reminders()).map((n) => n.fire_at.getTime())).toEqual([start.getTime() - 10 * 60_000]);
    // ...until they decline.
    expect(
      (await api(t, alice, 'POST', `/calendar/events/${row.id}/rsvp`, { response: 'declined' })).status,
    ).toBe(200);
    expect(await reminders()).toEqual([]);
    await settled(t, row.id);
    const { data: declined } = await google.events.get({
      calendarId: 'primary',
      eventId: invitation.id ?? '',
    });
    expect(declined.attendees?.find((a) => a.email === alice.email)?.responseStatus).toBe('declined');
  });

  it('RSVP to an event the user organizes is 409 not_invited', async () => {
    const event = await create({});
    const res = await api<{ error: { code: string } }>(
      t,
      alice,
      'POST',
      `/calendar/events/${event.id}/rsvp`,
      { response: 'declined' },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_invited');
  });
});
