import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../src/app/jobs/workers.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { googleAs } from './support/emulator-client.js';
import { connectCalendar, emulatorAdmin } from './support/oauth-flow.js';
import { api, futureHour, settled, type PushUser } from './support/sync-push.js';
import { waitFor } from './support/wait-for.js';

/**
 * A write sent right after the OAuth callback, before any job ran: the workers start only once
 * the write was accepted, so the initial sync cannot have stored the calendar list first.
 */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ workers: false });
});
afterAll(async () => {
  await t?.close();
});

async function calendarRows(user: PushUser) {
  const { rows } = await t.ctx.database.executeSql<{ google_calendar_id: string; is_primary: boolean }>(
    'SELECT google_calendar_id, is_primary FROM calendars WHERE tenant_id = $1 AND user_id = $2',
    [user.tenant, user.userId],
  );
  return rows;
}

async function schedule(user: PushUser, title: string) {
  const start = futureHour(2);
  return api<{ id: string; google_event_id: string; sync_state: string }>(
    t,
    user,
    'POST',
    '/calendar/events',
    {
      title,
      calendar_id: 'primary',
      start: start.toISOString(),
      end: new Date(start.getTime() + 1_800_000).toISOString(),
    },
  );
}

describe('writing right after connecting', () => {
  const user: PushUser = { userId: 'early-writer', email: 'early-writer@example.com', tenant: 'default' };
  const second = 'early-writer-second@example.com';

  it('accepts an event on primary before the initial sync ran, and Google gets it', async () => {
    await emulatorAdmin(t, 'POST', '/users', { email: user.email });
    await connectCalendar(t, user.userId, user.email);

    const res = await schedule(user, 'Right after connecting');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.sync_state).toBe('pending');
    // No job has run: the callback itself stored the primary calendar.
    expect(await calendarRows(user)).toEqual([{ google_calendar_id: user.email, is_primary: true }]);

    await startWorkers(t.ctx);
    const row = await settled(t, res.body.id);
    expect(row.sync_state).toBe('synced');
    const google = await googleAs(t, user.email);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: res.body.google_event_id });
    expect(data.summary).toBe('Right after connecting');

    // The initial sync then lists the same calendar: still one row, selected and pulled.
    await waitFor('the initial pull of the primary calendar', async () => {
      const { rows } = await t.ctx.database.executeSql<{ sync_token: string | null }>(
        'SELECT sync_token FROM calendars WHERE tenant_id = $1 AND user_id = $2 AND is_primary',
        [user.tenant, user.userId],
      );
      return rows[0]?.sync_token != null;
    });
    expect(await calendarRows(user)).toEqual([{ google_calendar_id: user.email, is_primary: true }]);
  });

  it("resolves primary to the new account's calendar right after reconnecting with another account", async () => {
    await emulatorAdmin(t, 'POST', '/users', { email: second });
    await connectCalendar(t, user.userId, second);

    const res = await schedule(user, 'After switching accounts');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // The previous account's calendar is gone and the new primary is there.
    expect(await calendarRows(user)).toEqual([{ google_calendar_id: second, is_primary: true }]);
    const row = await settled(t, res.body.id);
    expect(row.sync_state).toBe('synced');
    const google = await googleAs(t, second);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: res.body.google_event_id });
    expect(data.summary).toBe('After switching accounts');
  });
});
