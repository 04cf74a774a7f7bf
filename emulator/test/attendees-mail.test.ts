import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { listAll, timedEvent } from './support/events.js';

let emu: TestEmulator;
let org: Connected;
let bob: Connected;
const EXTERNAL = 'outsider@external.example.net';

/** A message in the emulator's mailbox of invitations, updates and cancellations. */
interface Mail {
  to: string;
  kind: 'invitation' | 'update' | 'cancellation';
  eventId: string;
  summary?: string;
}

async function mailbox(email: string): Promise<Mail[]> {
  return (await emu.admin.get(`/mailbox?email=${encodeURIComponent(email)}`)) as Mail[];
}

async function kinds(email: string, eventId: string): Promise<string[]> {
  return (await mailbox(email)).filter((m) => m.eventId === eventId).map((m) => m.kind);
}

function meeting(attendees: string[], extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event {
  return timedEvent('2030-12-01T15:00:00Z', 45, {
    summary: 'Contract review',
    attendees: attendees.map((email) => ({ email })),
    ...extra,
  });
}

beforeAll(async () => {
  emu = await setup();
  org = await emu.newUser();
  bob = await emu.newUser();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.admin.del('/mailbox');
});

describe('attendees and invitation copies', () => {
  it('defaults responseStatus to needsAction', async () => {
    const { data } = await org.cal.events.insert({
      calendarId: 'primary',
      requestBody: meeting([bob.email, EXTERNAL]),
    });
    expect(data.attendees).toHaveLength(2);
    for (const attendee of data.attendees!) expect(attendee.responseStatus).toBe('needsAction');
  });

  it("puts a copy on an attendee-user's primary calendar with the same iCalUID", async () => {
    const { data } = await org.cal.events.insert({
      calendarId: 'primary',
      requestBody: meeting([bob.email]),
    });
    const copy = (await bob.cal.events.get({ calendarId: 'primary', eventId: data.id! })).data;
    expect(copy.iCalUID).toBe(data.iCalUID);
    expect(copy.summary).toBe('Contract review');
    expect(copy.organizer?.email).toBe(org.email);
    expect(copy.organizer?.self).toBeFalsy();
    expect(copy.attendees?.find((a) => a.email === bob.email)?.self).toBe(true);
    const listed = await listAll(bob.cal, { calendarId: 'primary', iCalUID: data.iCalUID! });
    expect(listed.items.map((e) => e.id)).toEqual([data.id]);
  });

  it("makes the attendee's RSVP visible to the organizer and to the organizer's sync", async () => {
    const { data } = await org.cal.events.insert({
      calendarId: 'primary',
      requestBody: meeting([bob.email, EXTERNAL]),
    });
    const before = await listAll(org.cal, { calendarId: 'primary' });
    const copy = (await bob.cal.events.get({ calendarId: 'primary', eventId: data.id! })).data;
    const attendees = copy.attendees!.map((a) =>
      a.email === bob.email
        ? { email: a.email, responseStatus: 'accepted' }
        : { email: a.email!, responseStatus: a.responseStatus! },
    );
    await bob.cal.events.patch({ calendarId: 'primary', eventId: data.id!, requestBody: { attendees } });

    const seen = (await org.cal.events.get({ calendarId: 'primary', eventId: data.id! })).data;
    expect(seen.attendees?.find((a) => a.email === bob.email)?.responseStatus).toBe('accepted');
    expect(seen.attendees?.find((a) => a.email === EXTERNAL)?.responseStatus).toBe('needsAction');
    const delta = await listAll(org.cal, { calendarId: 'primary', syncToken: before.nextSyncToken! });
    expect(delta.items.map((e) => e.id)).toContain(data.id);
  });

  it("follows the organizer's changes and cancellation on the attendee's copy", async () => {
    const { data } = await org.cal.events.insert({
      calendarId: 'primary',
      requestBody: meeting([bob.email]),
    });
    await org.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      requestBody: { summary: 'Contract review v2' },
    });
    expect((await bob.cal.events.get({ calendarId: 'primary', eventId: data.id! })).data.summary).toBe(
      'Contract review v2',
    );
    await org.cal.events.delete({ calendarId: 'primary', eventId: data.id! });
    expect((await bob.cal.events.get({ calendarId: 'primary', eventId: data.id! })).data.status).toBe(
      'cancelled',
    );
  });
});

describe('sendUpdates and the mailbox', () => {
  it('sendUpdates=all mails invitation, update and cancellation to every guest but the organizer', async () => {
    const { data } = await org.cal.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: meeting([bob.email, EXTERNAL]),
    });
    const invitation = (await mailbox(EXTERNAL)).find((m) => m.eventId === data.id);
    expect(invitation).toMatchObject({
      to: EXTERNAL,
      kind: 'invitation',
      eventId: data.id,
      summary: 'Contract review',
    });
    expect(await kinds(bob.email, data.id!)).toEqual(['invitation']);

    await org.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      sendUpdates: 'all',
      requestBody: timedEvent('2030-12-01T16:00:00Z', 45),
    });
    expect(await kinds(EXTERNAL, data.id!)).toEqual(['invitation', 'update']);
    expect(await kinds(bob.email, data.id!)).toEqual(['invitation', 'update']);

    await org.cal.events.delete({ calendarId: 'primary', eventId: data.id!, sendUpdates: 'all' });
    expect(await kinds(EXTERNAL, data.id!)).toEqual(['invitation', 'update', 'cancellation']);
    expect(await kinds(bob.email, data.id!)).toEqual(['invitation', 'update', 'cancellation']);
    expect(await kinds(org.email, data.id!)).toEqual([]);
  });

  it('sendUpdates=externalOnly mails only guests who are not Google Calendar users', async () => {
    const { data } = await org.cal.events.insert({
      calendarId: 'primary',
      sendUpdates: 'externalOnly',
      requestBody: meeting([bob.email, EXTERNAL]),
    });
    expect(await kinds(EXTERNAL, data.id!)).toEqual(['invitation']);
    expect(await kinds(bob.email, data.id!)).toEqual([]);
  });

  it('sends nothing for sendUpdates=none or when sendUpdates is omitted', async () => {
    const quiet = (
      await org.cal.events.insert({
        calendarId: 'primary',
        sendUpdates: 'none',
        requestBody: meeting([bob.email, EXTERNAL]),
      })
    ).data;
    const silent = (
      await org.cal.events.insert({ calendarId: 'primary', requestBody: meeting([bob.email, EXTERNAL]) })
    ).data;
    await org.cal.events.patch({
      calendarId: 'primary',
      eventId: quiet.id!,
      sendUpdates: 'none',
      requestBody: { summary: 'x' },
    });
    await org.cal.events.delete({ calendarId: 'primary', eventId: silent.id! });
    expect(await mailbox(EXTERNAL)).toEqual([]);
    expect(await mailbox(bob.email)).toEqual([]);
  });

  it('mails a cancellation to a guest removed with sendUpdates=all and an invitation to one added', async () => {
    const { data } = await org.cal.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: meeting([EXTERNAL]),
    });
    await org.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      sendUpdates: 'all',
      requestBody: { attendees: [{ email: bob.email }] },
    });
    expect(await kinds(EXTERNAL, data.id!)).toEqual(['invitation', 'cancellation']);
    expect(await kinds(bob.email, data.id!)).toEqual(['invitation']);
  });

  it('empties the mailbox on DELETE /__admin/mailbox', async () => {
    await org.cal.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      requestBody: meeting([EXTERNAL]),
    });
    expect((await mailbox(EXTERNAL)).length).toBeGreaterThan(0);
    await emu.admin.del('/mailbox');
    expect(await mailbox(EXTERNAL)).toEqual([]);
  });
});
