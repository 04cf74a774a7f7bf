import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import {
  connectAndSync,
  createGoogleUser,
  listCalendars,
  pullsIdle,
  refreshCalendars,
  shareCalendar,
  storedEventCount,
} from './support/sync-pull.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

const USER = 'free-busy-deselect-alice';
const EMAIL = 'free-busy-deselect-alice@example.com';
/** Another Google account, who shares a calendar with Alice and later narrows the sharing. */
const COLLEAGUE = 'free-busy-deselect-colleague@example.com';

let t: TestApp;
let colleague: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  await createGoogleUser(t, COLLEAGUE);
  colleague = await googleAs(t, COLLEAGUE);
});

async function storedCalendar(id: string) {
  return t.ctx.db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('a selected calendar whose sharing becomes free/busy only', () => {
  it('is deselected by the calendar list refresh, and the channel renewal leaves it alone', async () => {
    const { data } = await colleague.calendars.insert({ requestBody: { summary: 'Team (soon free/busy)' } });
    const googleCalendarId = data.id!;
    await colleague.events.insert({
      calendarId: googleCalendarId,
      requestBody: {
        summary: 'Planning',
        start: { dateTime: '2031-09-01T09:00:00Z' },
        end: { dateTime: '2031-09-01T10:00:00Z' },
      },
    });
    await shareCalendar(colleague, googleCalendarId, EMAIL, 'reader');
    await refreshCalendars(t, USER);
    const calendar = (await listCalendars(t, USER)).find((c) => c.google_calendar_id === googleCalendarId)!;
    expect(await storedCalendar(calendar.id)).toMatchObject({ access_role: 'reader' });
    const select = await t.app.inject({
      method: 'PATCH',
      url: `/calendar/calendars/${calendar.id}`,
      headers: await authHeader(t, USER),
      payload: { selected: true },
    });
    expect(select.statusCode, select.body).toBe(200);
    await waitFor('the calendar to be pulled', async () =>
      (await storedEventCount(t, calendar.id)) > 0 ? true : undefined,
    );
    expect((await storedCalendar(calendar.id)).channel_id).not.toBeNull();
    await pullsIdle(t);

    await shareCalendar(colleague, googleCalendarId, EMAIL, 'freeBusyReader');
    const rows = await refreshCalendars(t, USER);
    expect(rows.find((row) => row.id === calendar.id)).toMatchObject({
      selected: false,
      access_role: 'freeBusyReader',
    });
    expect(await storedCalendar(calendar.id)).toMatchObject({
      selected: false,
      access_role: 'freeBusyReader',
      channel_id: null,
      sync_token: null,
    });
    expect(await storedEventCount(t, calendar.id)).toBe(0);
    // The primary calendar is untouched.
    expect((await listCalendars(t, USER)).find((c) => c.primary)).toMatchObject({ selected: true });

    // Even a free/busy-only calendar left selected (as before this rule) gets no channel.
    await t.ctx.db.updateTable('calendars').set({ selected: true }).where('id', '=', calendar.id).execute();
    await t.ctx.services.channels.renewExpiring();
    expect((await storedCalendar(calendar.id)).channel_id).toBeNull();
  });
});
