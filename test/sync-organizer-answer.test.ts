import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import {
  api,
  connectedUser,
  expectOk,
  futureHour,
  googleUser,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/**
 * The answers of a meeting's attendees belong to the attendees (and Google): the CRM never sends
 * a "not answered" for the organizer, whom Google marks accepted, nor resets anyone's answer when
 * it changes the guest list.
 */

type Attendee = { email: string; status: string; organizer: boolean; self: boolean };
type Item = { id: string; google_event_id: string; sync_state: string; attendees: Attendee[] };

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'alice', { timeZone: 'Europe/Paris' });
  google = await googleAs(t, alice.email);
});

/** Each attendee's answer in Google's copy of the event, by email. */
async function answersInGoogle(googleEventId: string): Promise<Record<string, string | null | undefined>> {
  const { data } = await google.events.get({ calendarId: 'primary', eventId: googleEventId });
  return Object.fromEntries((data.attendees ?? []).map((a) => [a.email ?? '', a.responseStatus]));
}

async function item(id: string): Promise<Item> {
  return expectOk(await api<Item>(t, alice, 'GET', `/calendar/events/${id}`), 200);
}

function statusOf(event: Item, email: string): string | undefined {
  return event.attendees.find((a) => a.email.toLowerCase() === email.toLowerCase())?.status;
}

/** The guest answers the invitation on their own copy in Google. */
async function answer(guest: string, googleEventId: string, responseStatus: string): Promise<void> {
  const theirs = await googleAs(t, guest);
  const { data } = await theirs.events.get({ calendarId: 'primary', eventId: googleEventId });
  await theirs.events.patch({
    calendarId: 'primary',
    eventId: googleEventId,
    requestBody: {
      attendees: (data.attendees ?? []).map((a) => (a.email === guest ? { ...a, responseStatus } : a)),
    },
  });
}

function meeting(title: string, days: number, attendees: string[]) {
  const start = futureHour(days);
  return {
    title,
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    attendees,
    send_updates: 'none',
  };
}

describe('the organizer among the attendees', () => {
  it('shows as accepted in Google and in the CRM when the meeting is made with them on the list', async () => {
    const guest = await googleUser(t, 'guest');
    const created = expectOk(
      await api<Item>(
        t,
        alice,
        'POST',
        '/calendar/events?wait=true',
        meeting('Kick-off', 3, [alice.email, guest]),
      ),
    );
    expect(created.sync_state).toBe('synced');
    expect(await answersInGoogle(created.google_event_id)).toEqual({
      [alice.email]: 'accepted',
      [guest]: 'needsAction',
    });
    const shown = await item(created.id);
    expect(shown.attendees.find((a) => a.email === alice.email)).toMatchObject({
      status: 'accepted',
      organizer: true,
      self: true,
    });
    expect(statusOf(shown, guest)).toBe('needsAction');
  });

  it('shows as accepted when they add themselves to their own meeting later', async () => {
    const guest = await googleUser(t, 'guest');
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', meeting('Planning', 4, [guest])),
    );
    const changed = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${created.id}?wait=true`, {
        attendees: [guest, alice.email],
        send_updates: 'none',
      }),
      200,
    );
    expect(changed.sync_state).toBe('synced');
    expect((await answersInGoogle(created.google_event_id))[alice.email]).toBe('accepted');
    expect(statusOf(await item(created.id), alice.email)).toBe('accepted');
  });

  it('keeps the answer they gave in Google when the CRM changes the guest list', async () => {
    const guest = await googleUser(t, 'guest');
    const created = expectOk(
      await api<Item>(
        t,
        alice,
        'POST',
        '/calendar/events?wait=true',
        meeting('Review', 5, [alice.email, guest]),
      ),
    );
    // Alice will not make it after all: she declines her own meeting in Google.
    const { data } = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
    await google.events.patch({
      calendarId: 'primary',
      eventId: created.google_event_id,
      requestBody: {
        attendees: (data.attendees ?? []).map((a) =>
          a.email === alice.email ? { ...a, responseStatus: 'declined' } : a,
        ),
      },
    });
    await waitFor('the CRM to show that Alice declined', async () =>
      statusOf(await item(created.id), alice.email) === 'declined' ? true : undefined,
    );
    await api(t, alice, 'PATCH', `/calendar/events/${created.id}`, {
      attendees: [alice.email, guest, 'third@elsewhere.test'],
      send_updates: 'none',
    });
    await settled(t, created.id);
    expect(await answersInGoogle(created.google_event_id)).toEqual({
      [alice.email]: 'declined',
      [guest]: 'needsAction',
      'third@elsewhere.test': 'needsAction',
    });
  });
});

describe("the guests' answers", () => {
  it('survive a CRM change of the guest list, whether or not the CRM has seen them yet', async () => {
    const early = await googleUser(t, 'early');
    const late = await googleUser(t, 'late');
    const created = expectOk(
      await api<Item>(
        t,
        alice,
        'POST',
        '/calendar/events?wait=true',
        meeting('Workshop', 6, [alice.email, early, late]),
      ),
    );
    await answer(early, created.google_event_id, 'accepted');
    await waitFor('the CRM to show the first answer', async () =>
      statusOf(await item(created.id), early) === 'accepted' ? true : undefined,
    );
    // The second answer lands in Google right before the CRM changes the guest list: the push
    // meets Google's newer version (412) and merges, or the pull got there first.
    await answer(late, created.google_event_id, 'tentative');
    await api(t, alice, 'PATCH', `/calendar/events/${created.id}`, {
      attendees: [alice.email, early, late, 'fourth@elsewhere.test'],
      send_updates: 'none',
    });
    await settled(t, created.id);
    expect(await answersInGoogle(created.google_event_id)).toEqual({
      [alice.email]: 'accepted',
      [early]: 'accepted',
      [late]: 'tentative',
      'fourth@elsewhere.test': 'needsAction',
    });
    const shown = await waitFor('the CRM to show every answer', async () => {
      const current = await item(created.id);
      return statusOf(current, late) === 'tentative' ? current : undefined;
    });
    expect(statusOf(shown, alice.email)).toBe('accepted');
    expect(statusOf(shown, early)).toBe('accepted');
  });
});
