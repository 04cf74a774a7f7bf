import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/harness.js';
import { api, connectedUser, expectOk, googleUser, type PushUser } from './support/sync-push.js';
import { googleAs } from './support/emulator-client.js';
import { shareCalendar } from './support/sync-pull.js';

type Slot = { start: string; end: string };
type Availability = {
  time_zone: string;
  slots: Slot[];
  free: Slot[];
  calendars: { id: string; busy: Slot[] }[];
  unknown: { id: string; reason: string }[];
};

let t: TestApp;
let alice: PushUser;
let guest: string;
/** A Google user of another domain who shares nothing with Alice: Google hides their free/busy. */
let outsider: string;

beforeAll(async () => {
  t = await startTestApp();
  alice = await connectedUser(t, 'alice', { timeZone: 'Europe/Berlin' });
  guest = await googleUser(t, 'guest');
  outsider = await googleUser(t, 'outsider');
  // Alice is busy 10:00-11:00 Berlin (09:00 UTC) on 2031-06-02; the guest 13:00-14:30 Berlin.
  expectOk(
    await api(t, alice, 'POST', '/calendar/events?wait=true', {
      title: 'Busy',
      start: '2031-06-02T10:00:00',
      end: '2031-06-02T11:00:00',
      send_updates: 'none',
    }),
  );
  await (
    await googleAs(t, guest)
  ).events.insert({
    calendarId: 'primary',
    requestBody: {
      summary: 'Guest busy',
      start: { dateTime: '2031-06-02T11:00:00Z' },
      end: { dateTime: '2031-06-02T12:30:00Z' },
    },
  });
  // The guest (another domain) lets Alice see their free/busy; the outsider does not.
  await shareCalendar(await googleAs(t, guest), 'primary', alice.email, 'freeBusyReader');
  await (
    await googleAs(t, outsider)
  ).events.insert({
    calendarId: 'primary',
    requestBody: {
      summary: 'Outsider busy',
      start: { dateTime: '2031-06-02T07:00:00Z' },
      end: { dateTime: '2031-06-02T15:00:00Z' },
    },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('POST /calendar/availability', () => {
  it("finds slots free for the user and the guests, in the user's zone and working hours", async () => {
    const res = await api<Availability>(t, alice, 'POST', '/calendar/availability', {
      attendees: [guest, outsider, 'stranger@nowhere.test'],
      start: '2031-06-02T08:00:00',
      end: '2031-06-02T18:00:00',
      duration_minutes: 60,
      working_hours: { start: '09:00', end: '17:00' },
    });
    const body = expectOk(res, 200);
    expect(body.time_zone).toBe('Europe/Berlin');
    // Calendars Google does not show (not shared, or no such account) are reported, not counted busy.
    expect(body.unknown).toEqual([
      { id: outsider, reason: 'notFound' },
      { id: 'stranger@nowhere.test', reason: 'notFound' },
    ]);
    expect(body.calendars.find((c) => c.id === guest)?.busy).toEqual([
      { start: '2031-06-02T11:00:00.000Z', end: '2031-06-02T12:30:00.000Z' },
    ]);
    // Berlin is UTC+2 in June: working hours 07:00-15:00 UTC; busy 08:00-09:00 and 11:00-12:30 UTC.
    expect(body.free).toEqual([
      { start: '2031-06-02T07:00:00.000Z', end: '2031-06-02T08:00:00.000Z' },
      { start: '2031-06-02T09:00:00.000Z', end: '2031-06-02T11:00:00.000Z' },
      { start: '2031-06-02T12:30:00.000Z', end: '2031-06-02T15:00:00.000Z' },
    ]);
    expect(body.slots.map((s) => s.start.slice(11, 16))).toEqual([
      '07:00',
      '09:00',
      '09:15',
      '09:30',
      '09:45',
      '10:00',
      '12:30',
      '12:45',
      '13:00',
      '13:15',
      '13:30',
      '13:45',
      '14:00',
    ]);
    for (const slot of body.slots) {
      expect(new Date(slot.end).getTime() - new Date(slot.start).getTime()).toBe(3_600_000);
    }
  });

  it('answers clear 400s for bad ranges and input', async () => {
    const base = {
      attendees: [],
      start: '2031-06-02T08:00:00Z',
      end: '2031-06-02T18:00:00Z',
      duration_minutes: 30,
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, end: '2031-06-02T07:00:00Z' }, 'end_before_start'],
      [{ ...base, end: '2031-09-02T07:00:00Z' }, 'range_too_long'],
      [{ ...base, duration_minutes: 0 }, 'invalid_duration'],
      [{ ...base, attendees: ['nope'] }, 'invalid_email'],
      [{ ...base, time_zone: 'Nowhere/City' }, 'invalid_time_zone'],
      [{ ...base, start: 'soon' }, 'invalid_date'],
      [{ ...base, working_hours: { start: '18:00', end: '09:00' } }, 'invalid_working_hours'],
      [
        { ...base, attendees: Array.from({ length: 50 }, (_, i) => `p${i}@example.com`) },
        'too_many_attendees',
      ],
    ];
    for (const [body, code] of cases) {
      const res = await api<{ error: { code: string } }>(t, alice, 'POST', '/calendar/availability', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
  });
});
