import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';

/**
 * Configured for real Google with a plain http PUBLIC_URL, the service cannot get push
 * notifications (Google delivers them to https addresses only): it says so at start-up and in the
 * calendars' status, opens no channel, and relies on the scheduled pull. No Google call is made.
 */

let t: TestApp;
const logLines: { level: number; msg: string }[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logLines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  t = await startTestApp({
    workers: false,
    logger: pino({ level: 'warn' }, sink),
    env: {
      GOOGLE_CLIENT_ID: 'push-off-test.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'push-off-secret',
      GOOGLE_EMULATOR_URL: undefined,
    },
  });
});
afterAll(() => t.close());

describe('real Google with a non-https PUBLIC_URL', () => {
  it('says at start-up that push is off and the scheduled pull syncs instead', () => {
    expect(t.config.google.mode).toBe('google');
    expect(t.config.publicUrl).toMatch(/^http:\/\//);
    const warning = logLines.find((line) => line.msg.startsWith('Push notifications are off'));
    expect(warning?.msg).toContain('https');
    expect(warning?.msg).toContain('scheduled pull');
  });

  it("shows it on the user's calendars and opens no channel when one is selected", async () => {
    // A user connected earlier (stored as the OAuth callback stores them; no Google call follows).
    const { rows } = await t.ctx.database.executeSql<{ id: string }>(
      `INSERT INTO connections (tenant_id, user_id, status, google_email, scopes)
       VALUES ('default', 'push-off-user', 'active', 'push-off@example.com', ARRAY['https://www.googleapis.com/auth/calendar.events'])
       RETURNING id`,
    );
    await t.ctx.database.executeSql(
      `INSERT INTO calendars (tenant_id, user_id, connection_id, google_calendar_id, summary, is_primary, access_role, selected)
       VALUES ('default', 'push-off-user', $1, 'push-off@example.com', 'push-off@example.com', true, 'owner', false)`,
      [rows[0]!.id],
    );
    const headers = await authHeader(t, 'push-off-user');
    const res = await t.app.inject({ method: 'GET', url: '/calendar/calendars', headers });
    expect(res.statusCode, res.body).toBe(200);
    const [calendar] = res.json<{ items: { id: string; push_off_reason: string | null }[] }>().items;
    expect(calendar!.push_off_reason).toContain(`PUBLIC_URL is ${t.config.publicUrl}`);
    expect(calendar!.push_off_reason).toContain('scheduled pull (every 15 minutes)');

    const selected = await t.app.inject({
      method: 'PATCH',
      url: `/calendar/calendars/${calendar!.id}`,
      headers,
      payload: { selected: true },
    });
    expect(selected.statusCode, selected.body).toBe(200);
    expect(selected.json()).toMatchObject({
      selected: true,
      push_channel_expires_at: null,
      push_off_reason: calendar!.push_off_reason,
      pull_queued: true,
    });
    expect(t.ctx.services.channels.status).toEqual({ enabled: false, reason: calendar!.push_off_reason });
    expect(await t.ctx.services.channels.renewExpiring()).toEqual({ opened: 0, renewed: 0, failed: 0 });
  });
});
