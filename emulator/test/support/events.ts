import type { calendar_v3 } from '@googleapis/calendar';
import type { TestEmulator } from './emulator.js';

/** A timed event body starting at `startIso` and lasting `minutes`. */
export function timedEvent(
  startIso: string,
  minutes = 60,
  extra: calendar_v3.Schema$Event = {},
): calendar_v3.Schema$Event {
  const start = new Date(startIso);
  const end = new Date(start.getTime() + minutes * 60_000);
  return {
    summary: 'Conformance event',
    start: { dateTime: start.toISOString() },
    end: { dateTime: end.toISOString() },
    ...extra,
  };
}

/** Result of following every page of an events.list call. */
export interface ListedAll {
  items: calendar_v3.Schema$Event[];
  pages: number;
  nextSyncToken: string | undefined;
}

/**
 * Follows nextPageToken to the end, asserting Google's paging contract on the way: every page but
 * the last carries nextPageToken and no nextSyncToken.
 */
export async function listAll(
  cal: calendar_v3.Calendar,
  params: calendar_v3.Params$Resource$Events$List,
): Promise<ListedAll> {
  const items: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const res = await cal.events.list({ ...params, ...(pageToken ? { pageToken } : {}) });
    pages += 1;
    items.push(...(res.data.items ?? []));
    if (res.data.nextPageToken) {
      if (res.data.nextSyncToken) throw new Error('a page with nextPageToken also carried nextSyncToken');
      pageToken = res.data.nextPageToken;
      continue;
    }
    return { items, pages, nextSyncToken: res.data.nextSyncToken ?? undefined };
  }
}

/** Seeds `count` one-hour events, one per hour from `startIso`, through the bulk admin route. */
export async function seedEvents(
  emu: TestEmulator,
  email: string,
  count: number,
  options: { calendarId?: string; startIso?: string; prefix?: string } = {},
): Promise<void> {
  const base = new Date(options.startIso ?? '2030-01-01T00:00:00Z').getTime();
  const events = Array.from({ length: count }, (_, i) =>
    timedEvent(new Date(base + i * 3_600_000).toISOString(), 60, {
      summary: `${options.prefix ?? 'Seeded'} ${i}`,
    }),
  );
  const body = options.calendarId ? { calendarId: options.calendarId, events } : { events };
  const res = (await emu.admin.post(`/users/${encodeURIComponent(email)}/events/bulk`, body)) as {
    inserted: number;
  };
  if (res.inserted !== count) throw new Error(`bulk seeding inserted ${res.inserted} of ${count}`);
}

/** Advances the emulator's clock. */
export async function advanceClock(emu: TestEmulator, ms: number): Promise<void> {
  await emu.admin.post('/clock', { advanceMs: ms });
}

/** The emulator's current time. */
export async function emulatorNow(emu: TestEmulator): Promise<Date> {
  const res = (await emu.admin.get('/clock')) as { now: string };
  return new Date(res.now);
}
