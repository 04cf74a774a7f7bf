import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError, expectRawError } from './support/errors.js';
import { listAll, timedEvent } from './support/events.js';
import { expectSchema } from './support/schema.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(() => emu.close());

async function withTeamCalendar(): Promise<{ user: Connected; team: string }> {
  const user = await emu.newUser();
  const { data } = await user.cal.calendars.insert({ requestBody: { summary: 'Team' } });
  return { user, team: data.id! };
}

describe('events.move', () => {
  it('moves an event: new in the destination sync, cancelled in the source sync, same id', async () => {
    const { user, team } = await withTeamCalendar();
    const { data: created } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2033-01-10T10:00:00Z', 60, { summary: 'Roadmap' }),
    });
    const source = await listAll(user.cal, { calendarId: 'primary' });
    const destination = await listAll(user.cal, { calendarId: team });

    const { data: moved } = await user.cal.events.move({
      calendarId: 'primary',
      eventId: created.id!,
      destination: team,
    });
    expectSchema('Event', moved);
    expect(moved).toMatchObject({
      id: created.id,
      iCalUID: created.iCalUID,
      summary: 'Roadmap',
      organizer: { email: team, displayName: 'Team', self: true },
      sequence: created.sequence! + 1,
    });
    expect(moved.etag).not.toBe(created.etag);

    const fromSource = await user.cal.events.list({
      calendarId: 'primary',
      syncToken: source.nextSyncToken!,
    });
    expect(fromSource.data.items).toEqual([expect.objectContaining({ id: created.id, status: 'cancelled' })]);
    const toDestination = await user.cal.events.list({
      calendarId: team,
      syncToken: destination.nextSyncToken!,
    });
    expect(toDestination.data.items).toEqual([
      expect.objectContaining({ id: created.id, status: 'confirmed', summary: 'Roadmap' }),
    ]);
    expect((await listAll(user.cal, { calendarId: 'primary' })).items.map((e) => e.id)).not.toContain(
      created.id,
    );
    const got = await user.cal.events.get({ calendarId: team, eventId: created.id! });
    expect(got.data.etag).toBe(moved.etag);
  });

  it("moves a series with its exceptions, and the guests' copies follow the new organizer", async () => {
    const { user, team } = await withTeamCalendar();
    const guest = await emu.newUser();
    const { data: series } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Weekly',
        start: { dateTime: '2033-02-07T09:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2033-02-07T10:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
        attendees: [{ email: guest.email }],
      },
    });
    const exceptionId = `${series.id}_20330214T090000Z`;
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: exceptionId,
      requestBody: { summary: 'Moved week' },
    });

    await user.cal.events.move({ calendarId: 'primary', eventId: series.id!, destination: team });
    const exception = await user.cal.events.get({ calendarId: team, eventId: exceptionId });
    expect(exception.data).toMatchObject({ summary: 'Moved week', organizer: { email: team } });
    const copy = await guest.cal.events.get({ calendarId: 'primary', eventId: series.id! });
    expect(copy.data.organizer?.email).toBe(team);

    // The guest's answer now reaches the copy on the destination calendar.
    const mine = copy.data.attendees!.map((a) => (a.self ? { ...a, responseStatus: 'accepted' } : a));
    await guest.cal.events.patch({
      calendarId: 'primary',
      eventId: series.id!,
      requestBody: { attendees: mine },
    });
    const organizerSide = await user.cal.events.get({ calendarId: team, eventId: series.id! });
    expect(organizerSide.data.attendees!.find((a) => a.email === guest.email)?.responseStatus).toBe(
      'accepted',
    );
  });

  it('takes a pending Meet request along: the link arrives on the destination', async () => {
    const { user, team } = await withTeamCalendar();
    const { data: created } = await user.cal.events.insert({
      calendarId: 'primary',
      conferenceDataVersion: 1,
      requestBody: timedEvent('2033-01-11T10:00:00Z', 30, {
        conferenceData: { createRequest: { requestId: 'move-meet-1' } },
      }),
    });
    expect(created.conferenceData?.createRequest?.status?.statusCode).toBe('pending');
    await user.cal.events.move({ calendarId: 'primary', eventId: created.id!, destination: team });
    expect(await emu.admin.post('/conferences/settle')).toEqual({ settled: 1 });
    const moved = await user.cal.events.get({ calendarId: team, eventId: created.id! });
    expect(moved.data.hangoutLink).toEqual(expect.any(String));
  });

  it('refuses to move an occurrence, a status event, a guest copy, or without a destination', async () => {
    const { user, team } = await withTeamCalendar();
    const guest = await emu.newUser();
    const { data: series } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        start: { dateTime: '2033-03-07T09:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2033-03-07T10:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
        attendees: [{ email: guest.email }],
      },
    });
    await expectGoogleError(
      user.cal.events.move({
        calendarId: 'primary',
        eventId: `${series.id}_20330308T090000Z`,
        destination: team,
      }),
      400,
      'invalid',
    );
    const { data: away } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2033-03-09T09:00:00Z', 60, {
        eventType: 'outOfOffice',
        outOfOfficeProperties: {},
      }),
    });
    await expectGoogleError(
      user.cal.events.move({ calendarId: 'primary', eventId: away.id!, destination: team }),
      400,
      'eventTypeRestriction',
    );
    const guestTeam = (await guest.cal.calendars.insert({ requestBody: { summary: 'Mine' } })).data.id!;
    await expectGoogleError(
      guest.cal.events.move({ calendarId: 'primary', eventId: series.id!, destination: guestTeam }),
      400,
      'cannotChangeOrganizer',
    );
    const missing = await emu.http('POST', `/calendar/v3/calendars/primary/events/${series.id}/move`, {
      token: user.accessToken,
    });
    expectRawError(missing, 400, 'required');
    await expectGoogleError(
      user.cal.events.move({ calendarId: 'primary', eventId: series.id!, destination: 'nobody@example.com' }),
      404,
      'notFound',
    );
  });
});
