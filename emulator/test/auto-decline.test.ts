import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { timedEvent } from './support/events.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(() => emu.close());

type Mode = 'declineNone' | 'declineAllConflictingInvitations' | 'declineOnlyNewConflictingInvitations';

async function awayOn(guest: Connected, mode: Mode, type: 'outOfOffice' | 'focusTime' = 'outOfOffice') {
  const props = { autoDeclineMode: mode, declineMessage: 'Away, back Monday' };
  const body = timedEvent('2032-07-01T08:00:00Z', 10 * 60, {
    summary: 'Away',
    eventType: type,
    ...(type === 'outOfOffice' ? { outOfOfficeProperties: props } : { focusTimeProperties: props }),
  });
  return (await guest.cal.events.insert({ calendarId: 'primary', requestBody: body })).data;
}

async function invite(
  organizer: Connected,
  guest: Connected,
  startIso: string,
  extra: calendar_v3.Schema$Event = {},
) {
  const { data } = await organizer.cal.events.insert({
    calendarId: 'primary',
    requestBody: timedEvent(startIso, 60, { summary: 'Sync', attendees: [{ email: guest.email }], ...extra }),
  });
  return data;
}

async function answerOf(organizer: Connected, eventId: string, guest: Connected) {
  const { data } = await organizer.cal.events.get({ calendarId: 'primary', eventId });
  return data.attendees!.find((a) => a.email === guest.email);
}

describe('auto-decline of conflicting invitations', () => {
  it('declines a new conflicting invitation with the decline message, and tells the organizer', async () => {
    const organizer = await emu.newUser();
    const guest = await emu.newUser();
    await awayOn(guest, 'declineOnlyNewConflictingInvitations');
    const conflicting = await invite(organizer, guest, '2032-07-01T10:00:00Z');
    const clear = await invite(organizer, guest, '2032-07-02T10:00:00Z');
    expect(await answerOf(organizer, conflicting.id!, guest)).toMatchObject({
      responseStatus: 'declined',
      comment: 'Away, back Monday',
    });
    expect((await answerOf(organizer, clear.id!, guest))?.responseStatus).toBe('needsAction');
    const copy = await guest.cal.events.get({ calendarId: 'primary', eventId: conflicting.id! });
    expect(copy.data.attendees!.find((a) => a.self)?.responseStatus).toBe('declined');
    const replies = (await emu.admin.get(`/mailbox?email=${encodeURIComponent(organizer.email)}`)) as Array<{
      kind: string;
      eventId: string;
    }>;
    expect(replies.filter((m) => m.kind === 'reply').map((m) => m.eventId)).toEqual([conflicting.id]);
  });

  it('declines the invitations already there only with declineAllConflictingInvitations', async () => {
    const organizer = await emu.newUser();
    const guest = await emu.newUser();
    const before = await invite(organizer, guest, '2032-07-01T11:00:00Z');
    await awayOn(guest, 'declineOnlyNewConflictingInvitations');
    expect((await answerOf(organizer, before.id!, guest))?.responseStatus).toBe('needsAction');
    await awayOn(guest, 'declineAllConflictingInvitations', 'focusTime');
    expect((await answerOf(organizer, before.id!, guest))?.responseStatus).toBe('declined');
  });

  it('declines nothing with declineNone', async () => {
    const organizer = await emu.newUser();
    const guest = await emu.newUser();
    await awayOn(guest, 'declineNone');
    const meeting = await invite(organizer, guest, '2032-07-01T12:00:00Z');
    expect((await answerOf(organizer, meeting.id!, guest))?.responseStatus).toBe('needsAction');
  });

  it('declines only the occurrences of a series that conflict', async () => {
    const organizer = await emu.newUser();
    const guest = await emu.newUser();
    await awayOn(guest, 'declineAllConflictingInvitations');
    const series = await invite(organizer, guest, '2032-06-30T09:00:00Z', {
      start: { dateTime: '2032-06-30T09:00:00Z', timeZone: 'UTC' },
      end: { dateTime: '2032-06-30T10:00:00Z', timeZone: 'UTC' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    });
    const { data } = await organizer.cal.events.instances({ calendarId: 'primary', eventId: series.id! });
    const answers = data.items!.map((i) => i.attendees!.find((a) => a.email === guest.email)?.responseStatus);
    expect(answers).toEqual(['needsAction', 'declined', 'needsAction']);
  });
});
