import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.js';
import { adminCall, connectedUser, failure } from './impl-helpers.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});

const at = (iso: string, minutes = 60) => ({
  start: { dateTime: iso },
  end: { dateTime: new Date(Date.parse(iso) + minutes * 60_000).toISOString() },
});

describe('official client: insert, list, incremental sync, 410', () => {
  it('runs a full sync, an incremental sync with a tombstone, and a full sync after expiry', async () => {
    const cal = await connectedUser(emu, 'sync@example.com');
    const first = await cal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'one', ...at('2030-01-01T10:00:00Z') },
    });
    const second = await cal.events.insert({
      calendarId: 'primary',
      requestBody: { id: 'clientmade01', summary: 'two', ...at('2030-01-02T10:00:00Z') },
    });
    expect(second.data.id).toBe('clientmade01');
    expect(second.data.iCalUID).toBe('clientmade01@google.com');

    const page1 = await cal.events.list({ calendarId: 'primary', maxResults: 1 });
    expect(page1.data.items).toHaveLength(1);
    expect(page1.data.nextSyncToken).toBeUndefined();
    const page2 = await cal.events.list({
      calendarId: 'primary',
      maxResults: 1,
      pageToken: page1.data.nextPageToken!,
    });
    expect(page2.data.items).toHaveLength(1);
    const syncToken = page2.data.nextSyncToken!;
    expect(syncToken).toEqual(expect.any(String));

    await cal.events.patch({
      calendarId: 'primary',
      eventId: first.data.id!,
      requestBody: { summary: 'one!' },
    });
    await cal.events.delete({ calendarId: 'primary', eventId: 'clientmade01' });
    const delta = await cal.events.list({ calendarId: 'primary', syncToken });
    const byId = new Map(delta.data.items!.map((e) => [e.id, e]));
    expect(byId.get(first.data.id)?.summary).toBe('one!');
    expect(byId.get('clientmade01')).toMatchObject({ status: 'cancelled' });

    expect(
      await failure(
        cal.events.insert({
          calendarId: 'primary',
          requestBody: { id: 'clientmade01', ...at('2030-01-03T10:00:00Z') },
        }),
      ),
    ).toEqual({
      status: 409,
      reason: 'duplicate',
    });

    await adminCall(emu, 'POST', '/sync-tokens/expire');
    expect(
      await failure(cal.events.list({ calendarId: 'primary', syncToken: delta.data.nextSyncToken! })),
    ).toEqual({
      status: 410,
      reason: 'fullSyncRequired',
    });
    const again = await cal.events.list({ calendarId: 'primary' });
    expect(again.data.items!.map((e) => e.id)).toEqual([first.data.id]);
  });

  it('keeps pages stable while events change between pages', async () => {
    const cal = await connectedUser(emu, 'paging@example.com');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(
        (await cal.events.insert({ calendarId: 'primary', requestBody: at(`2030-02-0${i + 1}T10:00:00Z`) }))
          .data.id!,
      );
    }
    const page1 = await cal.events.list({ calendarId: 'primary', maxResults: 3 });
    // A listed event and a not-yet-listed one both change before the second page is read.
    await cal.events.patch({
      calendarId: 'primary',
      eventId: page1.data.items![0]!.id!,
      requestBody: { summary: 'x' },
    });
    const unlisted = ids.find((id) => !page1.data.items!.some((e) => e.id === id))!;
    await cal.events.patch({ calendarId: 'primary', eventId: unlisted, requestBody: { summary: 'y' } });
    const page2 = await cal.events.list({
      calendarId: 'primary',
      maxResults: 3,
      pageToken: page1.data.nextPageToken!,
    });
    const seen = new Set([...page1.data.items!, ...page2.data.items!].map((e) => e.id));
    // Whatever the pages missed, the next incremental sync returns.
    const delta = await cal.events.list({ calendarId: 'primary', syncToken: page2.data.nextSyncToken! });
    for (const e of delta.data.items!) seen.add(e.id);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(delta.data.items!.map((e) => e.id)).toContain(unlisted);
  });

  it('rejects writes with a read-only token and unknown calendars', async () => {
    const cal = await connectedUser(emu, 'reader@example.com', [
      'https://www.googleapis.com/auth/calendar.readonly',
    ]);
    expect(
      await failure(cal.events.insert({ calendarId: 'primary', requestBody: at('2030-03-01T10:00:00Z') })),
    ).toEqual({
      status: 403,
      reason: 'insufficientPermissions',
    });
    expect(await failure(cal.events.list({ calendarId: 'someone@else.example' }))).toEqual({
      status: 404,
      reason: 'notFound',
    });
  });
});
