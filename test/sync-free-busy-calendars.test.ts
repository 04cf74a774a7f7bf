import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import {
  connectAndSync,
  createGoogleUser,
  listCalendars,
  refreshCalendars,
  shareCalendar,
  storedEventCount,
  type CalendarJson,
} from './support/sync-pull.js';
import { useTestApp } from './support/use-test-app.js';

const USER = 'free-busy-alice';
const EMAIL = 'free-busy-alice@example.com';

/** Another Google account, whose calendars are shared with Alice. */
const COLLEAGUE = 'free-busy-colleague@example.com';

let t: TestApp;
let colleague: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  await createGoogleUser(t, COLLEAGUE);
  colleague = await googleAs(t, COLLEAGUE);
});

/**
 * A calendar of the colleague with one event, shared with Alice as free/busy only, once the
 * service has read Alice's calendar list again from Google.
 */
async function freeBusyCalendar(summary: string): Promise<CalendarJson> {
  const { data } = await colleague.calendars.insert({ requestBody: { summary } });
  await colleague.events.insert({
    calendarId: data.id!,
    requestBody: {
      summary: 'Busy',
      start: { dateTime: '2031-08-04T09:00:00Z' },
      end: { dateTime: '2031-08-04T10:00:00Z' },
    },
  });
  await shareCalendar(colleague, data.id!, EMAIL, 'freeBusyReader');
  const calendar = (await refreshCalendars(t, USER)).find((c) => c.google_calendar_id === data.id)!;
  expect(calendar).toMatchObject({ summary, access_role: 'freeBusyReader', selected: false });
  return calendar;
}

describe('calendars shared as free/busy only', () => {
  it('cannot be selected', async () => {
    const calendar = await freeBusyCalendar('Colleague (free/busy)');
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/calendar/calendars/${calendar.id}`,
      headers: await authHeader(t, USER),
      payload: { selected: true },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('calendar_free_busy_only');
    const after = (await listCalendars(t, USER)).find((c) => c.id === calendar.id)!;
    expect(after).toMatchObject({ selected: false, last_sync_at: null });
  });

  it('are never pulled, even when selected before their sharing changed', async () => {
    const calendar = await freeBusyCalendar('Manager (free/busy)');
    await t.ctx.db.updateTable('calendars').set({ selected: true }).where('id', '=', calendar.id).execute();

    const outcome = await t.ctx.services.pull.pull(
      { tenantId: 'default', userId: USER, calendarId: calendar.id },
      { trigger: 'schedule' },
    );
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'calendar is shared as free/busy only' });
    expect(await storedEventCount(t, calendar.id)).toBe(0);
    const after = (await listCalendars(t, USER)).find((c) => c.id === calendar.id)!;
    expect(after).toMatchObject({ last_sync_at: null, last_error: null });
  });
});
