import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';

/**
 * Conditional GETs (https://developers.google.com/workspace/calendar/api/guides/version-resources):
 * events.get with `If-None-Match` naming the current etag answers 304 Not Modified with no body.
 * The official Node client (googleapis-common) counts 304 as a success: the call resolves with
 * `status: 304` and an empty `data`, so a client that sends the header must look at the status
 * before reading the event.
 */

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
});
afterAll(() => emu.close());

async function statusOf(call: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    const res = (await call) as { status: number; data: unknown };
    return { status: res.status, data: res.data };
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (!response) throw error;
    return { status: response.status, data: response.data };
  }
}

describe('events.get with If-None-Match', () => {
  it('answers 304 for the current etag, which the official client resolves with an empty body', async () => {
    const { data: event } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Cached', start: { date: '2031-05-01' }, end: { date: '2031-05-02' } },
    });
    const get = (etag: string) =>
      user.cal.events.get(
        { calendarId: 'primary', eventId: event.id! },
        { headers: { 'If-None-Match': etag } },
      );

    const notModified = await get(event.etag!);
    expect(notModified.status).toBe(304);
    expect(notModified.data).toBe('');

    const raw = await emu.http('GET', `/calendar/v3/calendars/primary/events/${event.id}`, {
      token: user.accessToken,
      headers: { 'if-none-match': event.etag! },
    });
    expect(raw.status).toBe(304);
    expect(raw.text).toBe('');
    expect(raw.headers.get('etag')).toBe(event.etag);

    // Any of several tags, a weak tag and `*` match too.
    expect((await statusOf(get(`"other", ${event.etag}`))).status).toBe(304);
    expect((await statusOf(get(`W/${event.etag}`))).status).toBe(304);
    expect((await statusOf(get('*'))).status).toBe(304);

    // Once the event changes, the old etag gets the new version.
    await user.cal.events.patch({
      calendarId: 'primary',
      eventId: event.id!,
      requestBody: { summary: 'Changed' },
    });
    const fresh = await statusOf(get(event.etag!));
    expect(fresh.status).toBe(200);
    expect(fresh.data).toMatchObject({ id: event.id, summary: 'Changed' });
    expect((fresh.data as { etag: string }).etag).not.toBe(event.etag);
  });

  it('answers 304 for a deleted event whose tombstone has that etag, and 404 for an unknown one', async () => {
    const { data: event } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Soon gone', start: { date: '2031-05-03' }, end: { date: '2031-05-04' } },
    });
    await user.cal.events.delete({ calendarId: 'primary', eventId: event.id! });
    const { data: tombstone } = await user.cal.events.get({ calendarId: 'primary', eventId: event.id! });
    expect(tombstone.status).toBe('cancelled');
    const again = await statusOf(
      user.cal.events.get(
        { calendarId: 'primary', eventId: event.id! },
        { headers: { 'If-None-Match': tombstone.etag! } },
      ),
    );
    expect(again.status).toBe(304);
    const unknown = await statusOf(
      user.cal.events.get(
        { calendarId: 'primary', eventId: 'nosuchevent1' },
        { headers: { 'If-None-Match': '*' } },
      ),
    );
    expect(unknown.status).toBe(404);
  });
});
