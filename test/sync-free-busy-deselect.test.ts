import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import type { ConnectionRef } from '../src/connections/connection.types.js';
import { CalendarApi, type GoogleCalendarListEntry } from '../src/google/calendar-api.js';
import { CalendarsRepository } from '../src/sync/calendars.repository.js';
import { CalendarsService } from '../src/sync/calendars.service.js';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import { connectAndSync, listCalendars, pullsIdle } from './support/sync-pull.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

const USER = 'free-busy-deselect-alice';
const EMAIL = 'free-busy-deselect-alice@example.com';
const OWNER = { tenantId: 'default', userId: USER };

let t: TestApp;
let google: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, USER, EMAIL);
  google = await googleAs(t, EMAIL);
});

/**
 * Google's calendar list as it reads once the owner of some calendars shares them with the user
 * as free/busy only. The emulator shares no calendars between users, so its answer is taken as
 * is and only the access role of those calendars is changed.
 */
class FreeBusySharingApi extends CalendarApi {
  constructor(private readonly freeBusyIds: ReadonlySet<string>) {
    super({ clients: t.ctx.services.google, budget: t.ctx.services.requestBudget, logger: t.ctx.logger });
  }

  override async listCalendars(connection: ConnectionRef): Promise<GoogleCalendarListEntry[]> {
    return (await super.listCalendars(connection)).map((entry) =>
      this.freeBusyIds.has(entry.id ?? '') ? { ...entry, accessRole: 'freeBusyReader' } : entry,
    );
  }
}

/** The app's calendars service, reading the calendar list through `api`. */
function calendarsServiceWith(api: CalendarApi): CalendarsService {
  return new CalendarsService({
    db: t.ctx.db,
    calendars: new CalendarsRepository(t.ctx.db),
    activities: t.ctx.services.activities,
    api,
    channels: t.ctx.services.channels,
    queue: t.ctx.queue,
    clock: t.ctx.clock,
    logger: t.ctx.logger,
    findConnection: async (owner) => {
      const connection = await t.ctx.services.connections.find(owner);
      if (connection === undefined) return undefined;
      const ref = { id: connection.id, tenantId: connection.tenantId, userId: connection.userId };
      return { ref, active: connection.status === 'active' };
    },
  });
}

async function storedCalendar(id: string) {
  return t.ctx.db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function storedEvents(calendarId: string): Promise<number> {
  const { rows } = await t.ctx.database.executeSql<{ n: number }>(
    'SELECT count(*)::int AS n FROM events WHERE calendar_id = $1',
    [calendarId],
  );
  return rows[0]!.n;
}

describe('a selected calendar whose sharing becomes free/busy only', () => {
  it('is deselected by the calendar list refresh, and the channel renewal leaves it alone', async () => {
    const { data } = await google.calendars.insert({ requestBody: { summary: 'Team (soon free/busy)' } });
    const googleCalendarId = data.id!;
    await google.events.insert({
      calendarId: googleCalendarId,
      requestBody: {
        summary: 'Planning',
        start: { dateTime: '2031-09-01T09:00:00Z' },
        end: { dateTime: '2031-09-01T10:00:00Z' },
      },
    });
    await t.app.inject({
      method: 'GET',
      url: '/calendar/calendars?refresh=true',
      headers: await authHeader(t, USER),
    });
    const calendar = (await listCalendars(t, USER)).find((c) => c.google_calendar_id === googleCalendarId)!;
    const select = await t.app.inject({
      method: 'PATCH',
      url: `/calendar/calendars/${calendar.id}`,
      headers: await authHeader(t, USER),
      payload: { selected: true },
    });
    expect(select.statusCode, select.body).toBe(200);
    await waitFor('the calendar to be pulled', async () =>
      (await storedEvents(calendar.id)) > 0 ? true : undefined,
    );
    expect((await storedCalendar(calendar.id)).channel_id).not.toBeNull();
    await pullsIdle(t);

    const rows = await calendarsServiceWith(new FreeBusySharingApi(new Set([googleCalendarId]))).refresh(
      OWNER,
    );
    expect(rows.find((row) => row.id === calendar.id)).toMatchObject({
      selected: false,
      access_role: 'freeBusyReader',
      channel_id: null,
    });
    expect(await storedCalendar(calendar.id)).toMatchObject({
      selected: false,
      access_role: 'freeBusyReader',
      channel_id: null,
      sync_token: null,
    });
    expect(await storedEvents(calendar.id)).toBe(0);
    // The primary calendar is untouched.
    expect((await listCalendars(t, USER)).find((c) => c.primary)).toMatchObject({ selected: true });

    // Even a free/busy-only calendar left selected (as before this rule) gets no channel.
    await t.ctx.db.updateTable('calendars').set({ selected: true }).where('id', '=', calendar.id).execute();
    await t.ctx.services.channels.renewExpiring();
    expect((await storedCalendar(calendar.id)).channel_id).toBeNull();
  });
});
