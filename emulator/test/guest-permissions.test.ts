import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { listAll, timedEvent } from './support/events.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(() => emu.close());

interface Party {
  organizer: Connected;
  bob: Connected;
  carol: Connected;
  event: calendar_v3.Schema$Event;
}

async function meeting(extra: calendar_v3.Schema$Event = {}): Promise<Party> {
  const organizer = await emu.newUser();
  const bob = await emu.newUser();
  const carol = await emu.newUser();
  const { data: event } = await organizer.cal.events.insert({
    calendarId: 'primary',
    requestBody: timedEvent('2033-05-02T10:00:00Z', 60, {
      summary: 'Pricing review',
      attendees: [{ email: bob.email }, { email: carol.email }],
      reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 30 }] },
      ...extra,
    }),
  });
  return { organizer, bob, carol, event };
}

const get = async (who: Connected, eventId: string) =>
  (await who.cal.events.get({ calendarId: 'primary', eventId })).data;
const emails = (e: calendar_v3.Schema$Event) => (e.attendees ?? []).map((a) => a.email).sort();

describe('guestsCanModify', () => {
  it('lets a guest change the event through their copy; the organizer and every guest see it', async () => {
    const { organizer, bob, carol, event } = await meeting({ guestsCanModify: true });
    const before = await listAll(organizer.cal, { calendarId: 'primary' });
    await bob.cal.events.patch({
      calendarId: 'primary',
      eventId: event.id!,
      requestBody: {
        summary: 'Pricing review (moved)',
        start: { dateTime: '2033-05-02T14:00:00Z' },
        end: { dateTime: '2033-05-02T15:00:00Z' },
        reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 5 }] },
      },
    });
    const mine = await get(organizer, event.id!);
    expect(mine).toMatchObject({
      summary: 'Pricing review (moved)',
      start: { dateTime: '2033-05-02T14:00:00Z' },
      sequence: event.sequence! + 1,
      organizer: { email: organizer.email, self: true },
      reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 30 }] },
    });
    expect((await get(carol, event.id!)).summary).toBe('Pricing review (moved)');
    expect((await get(bob, event.id!)).reminders).toEqual({
      useDefault: false,
      overrides: [{ method: 'popup', minutes: 5 }],
    });
    const changes = await organizer.cal.events.list({
      calendarId: 'primary',
      syncToken: before.nextSyncToken!,
    });
    expect(changes.data.items!.map((e) => e.id)).toEqual([event.id]);
  });

  it('lets such a guest change the guest list, but not the status or the guest permissions', async () => {
    const { organizer, bob, carol, event } = await meeting({ guestsCanModify: true });
    const dave = await emu.newUser();
    const copy = await get(bob, event.id!);
    const attendees = copy.attendees!.filter((a) => a.email !== carol.email).concat([{ email: dave.email }]);
    await bob.cal.events.patch({ calendarId: 'primary', eventId: event.id!, requestBody: { attendees } });
    expect(emails(await get(organizer, event.id!))).toEqual([bob.email, dave.email].sort());
    expect((await get(dave, event.id!)).organizer?.email).toBe(organizer.email);
    expect((await get(carol, event.id!)).status).toBe('cancelled');
    for (const requestBody of [
      { guestsCanModify: false },
      { guestsCanSeeOtherGuests: false },
      { status: 'tentative' },
    ]) {
      await expectGoogleError(
        bob.cal.events.patch({ calendarId: 'primary', eventId: event.id!, requestBody }),
        403,
        'forbiddenForNonOrganizer',
      );
    }
  });
});

describe('guestsCanInviteOthers', () => {
  it('lets a guest add guests by default, but not change anything else', async () => {
    const { organizer, bob, event } = await meeting();
    const dave = await emu.newUser();
    const copy = await get(bob, event.id!);
    await bob.cal.events.patch({
      calendarId: 'primary',
      eventId: event.id!,
      requestBody: { attendees: [...copy.attendees!, { email: dave.email }] },
    });
    const mine = await get(organizer, event.id!);
    expect(mine.attendees!.find((a) => a.email === dave.email)?.responseStatus).toBe('needsAction');
    expect((await get(dave, event.id!)).summary).toBe('Pricing review');
    await expectGoogleError(
      bob.cal.events.patch({
        calendarId: 'primary',
        eventId: event.id!,
        requestBody: { summary: 'Mine now' },
      }),
      403,
      'forbiddenForNonOrganizer',
    );
    await expectGoogleError(
      bob.cal.events.patch({
        calendarId: 'primary',
        eventId: event.id!,
        requestBody: { attendees: copy.attendees!.filter((a) => a.self) },
      }),
      403,
      'forbiddenForNonOrganizer',
    );
  });

  it('refuses new guests from a guest when false', async () => {
    const { bob, event } = await meeting({ guestsCanInviteOthers: false });
    const copy = await get(bob, event.id!);
    await expectGoogleError(
      bob.cal.events.patch({
        calendarId: 'primary',
        eventId: event.id!,
        requestBody: { attendees: [...copy.attendees!, { email: 'dave@example.org' }] },
      }),
      403,
      'forbiddenForNonOrganizer',
    );
  });
});

describe('guestsCanSeeOtherGuests', () => {
  it('shows a guest only their own entry, with attendeesOmitted; their answer keeps the others', async () => {
    const { organizer, bob, carol, event } = await meeting({ guestsCanSeeOtherGuests: false });
    const copy = await get(bob, event.id!);
    expect(copy.attendees).toEqual([expect.objectContaining({ email: bob.email, self: true })]);
    expect(copy.attendeesOmitted).toBe(true);
    expect(emails(await get(organizer, event.id!))).toEqual([bob.email, carol.email].sort());
    expect((await listAll(bob.cal, { calendarId: 'primary', q: carol.email })).items).toEqual([]);

    await bob.cal.events.patch({
      calendarId: 'primary',
      eventId: event.id!,
      requestBody: { attendees: [{ ...copy.attendees![0]!, responseStatus: 'accepted' }] },
    });
    const mine = await get(organizer, event.id!);
    expect(emails(mine)).toEqual([bob.email, carol.email].sort());
    expect(mine.attendees!.find((a) => a.email === bob.email)?.responseStatus).toBe('accepted');
  });
});
