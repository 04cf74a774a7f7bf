import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import { authHeader, freshAccount } from './support/oauth-flow.js';
import { googleAs } from './support/emulator-client.js';
import { connectAndSync } from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

/**
 * Meetings at daylight-saving changes through the API, in America/New_York: the clocks skip
 * 02:00-03:00 on 2026-03-08 and pass 01:00-02:00 twice on 2026-11-01.
 */

let t: TestApp;
let google: calendar_v3.Calendar;
let userId: string;

useTestApp({}, async (app) => {
  t = app;
  const account = freshAccount('dst');
  userId = account.userId;
  await connectAndSync(t, userId, account.email, { timeZone: 'America/New_York' });
  google = await googleAs(t, account.email);
});

async function create(body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: '/calendar/events',
    headers: await authHeader(t, userId),
    payload: { title: 'DST', time_zone: 'America/New_York', send_updates: 'none', ...body },
  });
}

describe('local times at DST changes', () => {
  it('refuses a meeting in the spring gap as nonexistent_local_time naming the field', async () => {
    const res = await create({ start: '2026-03-08T02:30:00', end: '2026-03-08T03:30:00' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'nonexistent_local_time', details: { field: 'start' } },
    });
    const end = await create({ start: '2026-03-08T01:30:00', end: '2026-03-08T02:30:00' });
    expect(end.json()).toMatchObject({
      error: { code: 'nonexistent_local_time', details: { field: 'end' } },
    });
  });

  it('reads an autumn-overlap start as its earlier instant and keeps the hour, in the CRM and in Google', async () => {
    const res = await create({ start: '2026-11-01T01:30:00', end: '2026-11-01T02:30:00' });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<{ id: string; start_time: string; end_time: string; google_event_id: string }>();
    expect(created.start_time).toBe('2026-11-01T05:30:00.000Z');
    expect(created.end_time).toBe('2026-11-01T06:30:00.000Z');

    const inGoogle = await waitFor('the meeting in Google', async () => {
      const { data } = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
      return data;
    });
    expect(Date.parse(inGoogle.start?.dateTime ?? '')).toBe(Date.parse('2026-11-01T05:30:00Z'));
    expect(Date.parse(inGoogle.end?.dateTime ?? '')).toBe(Date.parse('2026-11-01T06:30:00Z'));
  });
});
