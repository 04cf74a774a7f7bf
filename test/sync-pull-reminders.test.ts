import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import type { TestApp } from './support/harness.js';
import { googleAs } from './support/emulator-client.js';
import { connectAndSync, syncNow } from './support/sync-pull.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/**
 * Reminder notifications of events made in Google: the pull schedules them page by page, from the
 * event's own popup overrides or its calendar's defaults (the emulator's primary calendar: popup
 * 10 minutes), and keeps them right as Google changes the events.
 */

const MINUTE = 60_000;
const USER = 'pull-reminders';
const EMAIL = 'pull-reminders@example.com';
// Whole minutes: Google keeps event times to the second.
const clock = new ManualClock(new Date(Math.floor(Date.now() / MINUTE) * MINUTE));

let t: TestApp;
let google: calendar_v3.Calendar;

useTestApp({ clock }, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
});

type Reminders = NonNullable<calendar_v3.Schema$Event['reminders']>;

async function googleEvent(summary: string, startInMinutes: number, reminders: Reminders, minutes = 30) {
  const start = new Date(clock.now().getTime() + startInMinutes * MINUTE);
  const { data } = await google.events.insert({
    calendarId: 'primary',
    sendUpdates: 'none',
    requestBody: {
      summary,
      start: { dateTime: start.toISOString() },
      end: { dateTime: new Date(start.getTime() + minutes * MINUTE).toISOString() },
      reminders,
    },
  });
  return data.id as string;
}

/** Unfired and fired reminder rows of the CRM copy of Google event `googleId`, in minutes from now. */
async function reminders(googleId: string): Promise<{ inMinutes: number; fired: boolean }[]> {
  const rows = await t.ctx.db
    .selectFrom('notifications')
    .innerJoin('events', 'events.id', 'notifications.event_id')
    .select(['notifications.fire_at', 'notifications.fired_at'])
    .where('events.user_id', '=', USER)
    .where('events.google_event_id', '=', googleId)
    .orderBy('notifications.fire_at')
    .execute();
  return rows.map((row) => ({
    inMinutes: (row.fire_at.getTime() - clock.now().getTime()) / MINUTE,
    fired: row.fired_at !== null,
  }));
}

const popup = (...minutes: number[]): Reminders => ({
  useDefault: false,
  overrides: minutes.map((m) => ({ method: 'popup', minutes: m })),
});

describe('reminders of events pulled from Google', () => {
  it('a pulled page schedules each event from its own popups or its calendar defaults', async () => {
    const own = await Promise.all([1, 2, 3].map((i) => googleEvent(`Own ${i}`, 60 * i, popup(15, 5))));
    const defaults = await Promise.all(
      [1, 2, 3].map((i) => googleEvent(`Default ${i}`, 60 * i, { useDefault: true })),
    );
    const emailOnly = await googleEvent('Email only', 120, {
      useDefault: false,
      overrides: [{ method: 'email', minutes: 30 }],
    });
    const over = await googleEvent('Already over', -90, popup(10));
    await syncNow(t, USER);

    for (const [i, id] of own.entries()) {
      expect(await reminders(id)).toEqual([
        { inMinutes: 60 * (i + 1) - 15, fired: false },
        { inMinutes: 60 * (i + 1) - 5, fired: false },
      ]);
    }
    for (const [i, id] of defaults.entries()) {
      expect(await reminders(id)).toEqual([{ inMinutes: 60 * (i + 1) - 10, fired: false }]);
    }
    expect(await reminders(emailOnly)).toEqual([]);
    expect(await reminders(over)).toEqual([]);
  });

  it('changes in Google move unfired reminders, drop unwanted ones, and keep fired and missed ones', async () => {
    const moved = await googleEvent('Moved later', 60, popup(10));
    const missed = await googleEvent('Missed while down', 20, popup(10));
    const fired = await googleEvent('Already reminded', 8, popup(5));
    const dropped = await googleEvent('Popup removed', 90, popup(10));
    await syncNow(t, USER);
    expect(await reminders(missed)).toEqual([{ inMinutes: 10, fired: false }]);

    // 4 minutes on: the 3-minute reminder fires; 14 minutes on: the missed one is due but nothing ran.
    clock.advance(4 * MINUTE);
    expect(await t.ctx.services.reminderFiring.fireDue()).toEqual({ delivered: 1, skipped: 0 });
    clock.advance(10 * MINUTE);

    const later = new Date(clock.now().getTime() + 120 * MINUTE);
    await google.events.patch({
      calendarId: 'primary',
      eventId: moved,
      requestBody: {
        start: { dateTime: later.toISOString() },
        end: { dateTime: new Date(later.getTime() + 30 * MINUTE).toISOString() },
      },
    });
    for (const id of [missed, fired]) {
      await google.events.patch({ calendarId: 'primary', eventId: id, requestBody: { location: 'Room 2' } });
    }
    await google.events.patch({
      calendarId: 'primary',
      eventId: dropped,
      requestBody: { reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 10 }] } },
    });
    await syncNow(t, USER);

    await waitFor('the move to be pulled', async () =>
      (await reminders(moved)).some((r) => r.inMinutes === 110) ? true : undefined,
    );
    expect(await reminders(moved)).toEqual([{ inMinutes: 110, fired: false }]);
    // Due 4 minutes ago and not fired: kept, so it fires late rather than never.
    expect(await reminders(missed)).toEqual([{ inMinutes: -4, fired: false }]);
    expect(await reminders(fired)).toEqual([{ inMinutes: -11, fired: true }]);
    expect(await reminders(dropped)).toEqual([]);
    expect(await t.ctx.services.reminderFiring.fireDue()).toEqual({ delivered: 1, skipped: 0 });
  });
});
