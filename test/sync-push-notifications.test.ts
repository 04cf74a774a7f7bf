import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/app.js';
import { ManualClock } from '../src/adapters/clock.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { api, connectedUser, expectOk, jobsOf, type PushUser } from './support/sync-push.js';
import { waitFor } from './support/wait-for.js';

type Item = Record<string, unknown> & { id: string };
type Notification = {
  id: string;
  event_id: string;
  title: string;
  fire_at: string;
  fired_at: string;
  read_at: string | null;
  payload: Record<string, unknown>;
};

const MINUTE = 60_000;
let t: TestApp;
let alice: PushUser;
// Whole seconds: Google keeps event times to the second, and the CRM copy takes Google's value.
const clock = new ManualClock(new Date(Math.floor(Date.now() / 60_000) * 60_000));

beforeAll(async () => {
  t = await startTestApp({ clock });
  alice = await connectedUser(t, 'alice');
});
afterAll(async () => {
  await t?.close();
});

async function meeting(
  app: TestApp,
  user: PushUser,
  startInMinutes: number,
  lengthMinutes: number,
  reminders: unknown,
  extra: Record<string, unknown> = {},
) {
  const start = new Date(clock.now().getTime() + startInMinutes * MINUTE);
  return expectOk(
    await api<Item>(app, user, 'POST', '/calendar/events', {
      title: `Meeting in ${startInMinutes} min`,
      start: start.toISOString(),
      end: new Date(start.getTime() + lengthMinutes * MINUTE).toISOString(),
      reminders,
      send_updates: 'none',
      ...extra,
    }),
  );
}

async function reminderRows(eventId: string) {
  return t.ctx.db
    .selectFrom('notifications')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('fire_at')
    .execute();
}

/** Reads Server-Sent Events from a stream until `count` events of `type` arrived. */
async function readEvents(
  response: Response,
  type: string,
  count: number,
  timeoutMs = 10_000,
): Promise<Notification[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const found: Notification[] = [];
  const deadline = Date.now() + timeoutMs;
  while (found.length < count) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no SSE event in time')), Math.max(1, deadline - Date.now())),
      ),
    ]);
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = frame.split('\n');
      if (lines.includes(`event: ${type}`)) {
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '{}';
        found.push(JSON.parse(data) as Notification);
      }
    }
  }
  await reader.cancel();
  return found;
}

describe('reminders inside the CRM', () => {
  it('one notification per popup reminder, fired once at its time, streamed to the page and listed', async () => {
    const event = await meeting(t, alice, 30, 30, [
      { method: 'popup', minutes: 10 },
      { method: 'email', minutes: 60 },
    ]);
    const rows = await reminderRows(event.id);
    expect(rows.map((r) => [r.kind, r.fire_at.getTime(), r.fired_at])).toEqual([
      ['reminder', clock.now().getTime() + 20 * MINUTE, null],
    ]);

    const ticket = expectOk(
      await api<{ ticket: string; stream_url: string }>(t, alice, 'POST', '/notifications/stream-ticket'),
      200,
    );
    const stream = await fetch(`${t.baseUrl}${ticket.stream_url}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // The ticket is single use.
    expect((await fetch(`${t.baseUrl}${ticket.stream_url}`)).status).toBe(401);

    expect(await t.ctx.services.reminderFiring.fireDue()).toEqual({ delivered: 0, skipped: 0 });
    clock.advance(21 * MINUTE);
    const received = readEvents(stream, 'reminder', 1);
    expect(await t.ctx.services.reminderFiring.fireDue()).toEqual({ delivered: 1, skipped: 0 });
    const [pushed] = await received;
    expect(pushed).toMatchObject({ event_id: event.id, title: 'Meeting in 30 min starts in 10 minutes' });
    expect(pushed?.payload).toMatchObject({ minutes_before: 10, item_id: event.id });
    // Once only.
    expect(await t.ctx.services.reminderFiring.fireDue()).toEqual({ delivered: 0, skipped: 0 });

    const list = expectOk(
      await api<{ items: Notification[] }>(t, alice, 'GET', '/notifications?unread=true'),
      200,
    );
    expect(list.items.map((n) => n.event_id)).toEqual([event.id]);
    const read = expectOk(
      await api<Notification>(t, alice, 'POST', `/notifications/${list.items[0]?.id}/read`),
      200,
    );
    expect(read.read_at).not.toBeNull();
    expect(
      expectOk(await api<{ items: Notification[] }>(t, alice, 'GET', '/notifications?unread=true'), 200)
        .items,
    ).toEqual([]);
    expect(
      expectOk(await api<{ items: Notification[] }>(t, alice, 'GET', '/notifications'), 200).items,
    ).toHaveLength(1);
  });

  it('the stream refuses a missing, unknown or expired ticket', async () => {
    expect((await fetch(`${t.baseUrl}/notifications/stream`)).status).toBe(401);
    expect((await fetch(`${t.baseUrl}/notifications/stream?token=made-up`)).status).toBe(401);
    const ticket = expectOk(
      await api<{ stream_url: string }>(t, alice, 'POST', '/notifications/stream-ticket'),
      200,
    );
    clock.advance(61_000);
    expect((await fetch(`${t.baseUrl}${ticket.stream_url}`)).status).toBe(401);
  });

  it('a reminder missed while the service was down fires late; one whose meeting ended is skipped', async () => {
    const upcoming = await meeting(t, alice, 15, 60, [{ method: 'popup', minutes: 10 }]);
    const over = await meeting(t, alice, 3, 5, [{ method: 'popup', minutes: 1 }]);
    clock.advance(30 * MINUTE); // nothing ran meanwhile
    expect(await t.ctx.services.reminderFiring.fireDue()).toEqual({ delivered: 1, skipped: 1 });
    const [late] = await reminderRows(upcoming.id);
    expect(late?.outcome).toBe('delivered');
    expect((late?.fired_at?.getTime() ?? 0) - (late?.fire_at.getTime() ?? 0)).toBe(25 * MINUTE);
    const [skipped] = await reminderRows(over.id);
    expect(skipped?.outcome).toBe('skipped');
    const listed = expectOk(
      await api<{ items: Notification[] }>(t, alice, 'GET', '/notifications'),
      200,
    ).items;
    expect(listed.map((n) => n.event_id)).not.toContain(over.id);
  });

  it('each reminder fires once with several workers claiming at the same time', async () => {
    const events = [];
    for (let i = 0; i < 25; i++)
      events.push(await meeting(t, alice, 20 + i, 30, [{ method: 'popup', minutes: 15 }]));
    clock.advance(45 * MINUTE);
    // A second worker process: on PostgreSQL another app on the same database; PGlite is one
    // process, so there the same app claims twice at once.
    const second =
      t.ctx.database.kind === 'postgres'
        ? await createApp(t.config, { clock, jobs: { maintenance: false, schedules: false } })
        : undefined;
    try {
      const firing = [t.ctx.services.reminderFiring, (second ?? t.ctx).services.reminderFiring];
      const results = await Promise.all([...firing, ...firing].map((f) => f.fireDue()));
      expect(results.reduce((sum, r) => sum + r.delivered, 0)).toBe(25);
    } finally {
      await second?.close();
    }
    const { rows } = await t.ctx.database.executeSql<{ n: string }>(
      "SELECT count(*) AS n FROM notifications WHERE event_id = ANY($1) AND outcome = 'delivered'",
      [events.map((e) => e.id)],
    );
    expect(Number(rows[0]?.n)).toBe(25);
  });

  it('reschedules move the reminder, deletes drop it, series get reminders for the next days', async () => {
    const event = await meeting(t, alice, 120, 30, [{ method: 'popup', minutes: 5 }]);
    const start = new Date(clock.now().getTime() + 120 * MINUTE);
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${event.id}`, {
        start: new Date(start.getTime() + 60 * MINUTE).toISOString(),
      }),
      200,
    );
    expect((await reminderRows(event.id)).map((r) => r.fire_at.getTime())).toEqual([
      start.getTime() + 55 * MINUTE,
    ]);
    expect((await api(t, alice, 'DELETE', `/calendar/events/${event.id}?send_updates=none`)).status).toBe(
      204,
    );
    expect(await reminderRows(event.id)).toEqual([]);

    const series = await meeting(t, alice, 60, 30, [{ method: 'popup', minutes: 10 }], {
      recurrence: ['RRULE:FREQ=DAILY;COUNT=30'],
    });
    const rows = await reminderRows(series.id);
    // Reminders falling within the next 7 days: days 0..6 (the 8th starts 7 days + 1 hour out).
    expect(rows).toHaveLength(7);
    expect(rows[0]?.payload).toMatchObject({ item_id: expect.stringMatching(new RegExp(`^${series.id}:`)) });
  });

  it('the firing job keeps exactly one follow-up queued, 10 seconds out', async () => {
    const queued = async () =>
      (await jobsOf(t, 'notifications.fire')).filter((j) => j.state === 'created' || j.state === 'active');
    await t.ctx.queue.send('notifications.fire', { followUp: true });
    await waitFor('a run', async () =>
      (await jobsOf(t, 'notifications.fire')).some((j) => j.state === 'completed'),
    );
    await waitFor('its follow-up', async () => (await queued()).length === 1);
    // The cron's next send while a follow-up waits is dropped (one queued at a time).
    expect(await t.ctx.queue.send('notifications.fire', { followUp: true })).toBeNull();
    expect(await queued()).toHaveLength(1);
  });

  it('uses the calendar default reminders for events with use_default', async () => {
    await t.ctx.db
      .updateTable('calendars')
      .set({
        default_reminders: JSON.stringify([
          { method: 'popup', minutes: 30 },
          { method: 'email', minutes: 5 },
        ]),
      })
      .where('user_id', '=', alice.userId)
      .execute();
    const event = await meeting(t, alice, 90, 30, { use_default: true });
    expect((await reminderRows(event.id)).map((r) => r.fire_at.getTime())).toEqual([
      clock.now().getTime() + 60 * MINUTE,
    ]);
  });
});

describe('signed CRM webhook', () => {
  let receiver: Server;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let failFirst = true;
  let hooked: TestApp;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = failFirst ? 500 : 204;
        failFirst = false;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    hooked = await startTestApp({
      clock,
      env: {
        CRM_WEBHOOK_URL: `http://127.0.0.1:${port}/crm-hook`,
        CRM_WEBHOOK_SECRET: 'hook-secret-0123456789',
      },
    });
  });
  afterAll(async () => {
    await hooked?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('posts each delivered reminder, signed with HMAC-SHA256, retrying failures', async () => {
    const bob = await connectedUser(hooked, 'bob');
    const start = new Date(clock.now().getTime() + 12 * MINUTE);
    const event = expectOk(
      await api<Item>(hooked, bob, 'POST', '/calendar/events', {
        title: 'Hooked',
        start: start.toISOString(),
        end: new Date(start.getTime() + 30 * MINUTE).toISOString(),
        reminders: [{ method: 'popup', minutes: 10 }],
      }),
    );
    clock.advance(3 * MINUTE);
    expect((await hooked.ctx.services.reminderFiring.fireDue()).delivered).toBe(1);
    await waitFor('the webhook to be retried', async () => received.length >= 2, 30_000);
    const second = received[1];
    const body = second?.body ?? '';
    const expected = `sha256=${createHmac('sha256', 'hook-secret-0123456789').update(body).digest('hex')}`;
    expect(second?.headers['x-crm-signature']).toBe(expected);
    const parsed = JSON.parse(body) as { type: string; sent_at: string; notification: Notification };
    expect(parsed.type).toBe('calendar.reminder');
    expect(second?.headers['x-crm-timestamp']).toBe(parsed.sent_at);
    expect(parsed.notification.event_id).toBe(event.id);
  }, 40_000);
});
