import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/harness.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import {
  api,
  connectedUser,
  expectOk,
  futureHour,
  jobsOf,
  pushesIdle,
  type PushUser,
} from './support/sync-push.js';
import { googleCalls } from './support/emulator-client.js';

type ErrorBody = { error: { code: string; message: string; details?: { field?: string } } };

let t: TestApp;
let alice: PushUser;
let otherTenantContact: string;

const start = futureHour(3);
const end = new Date(start.getTime() + 3_600_000);
const valid = { title: 'Review', start: start.toISOString(), end: end.toISOString() };

beforeAll(async () => {
  t = await startTestApp();
  alice = await connectedUser(t, 'alice');
  const dave = await connectedUser(t, 'dave', { tenant: 'acme' });
  otherTenantContact = expectOk(
    await api<{ id: string }>(t, dave, 'POST', '/crm/contacts', {
      name: 'Acme person',
      email: 'p@acme.test',
    }),
  ).id;
});
afterAll(async () => {
  await t?.close();
});

/** Event writes Google received (the pull's reads of other users' calendars may run meanwhile). */
function writes(calls: Record<string, number>): string[] {
  return Object.keys(calls).filter((m) =>
    /^calendar\.events\.(insert|patch|update|delete|import|move)$/.test(m),
  );
}

async function eventCount(): Promise<number> {
  const { rows } = await t.ctx.database.executeSql<{ n: string }>(
    'SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND user_id = $2',
    [alice.tenant, alice.userId],
  );
  return Number(rows[0]?.n);
}

const cases: [string, Record<string, unknown>, string, string | null][] = [
  [
    'end before start',
    { ...valid, start: end.toISOString(), end: start.toISOString() },
    'end_before_start',
    'end',
  ],
  [
    'an invalid attendee email',
    { ...valid, attendees: ['ok@example.com', 'not-an-email'] },
    'invalid_email',
    'attendees.1',
  ],
  [
    'more attendees than Google allows',
    { ...valid, attendees: Array.from({ length: 501 }, (_, i) => `guest${i}@example.com`) },
    'too_many_attendees',
    'attendees',
  ],
  [
    'an unknown time zone',
    { ...valid, start: '2031-01-01T10:00:00', end: '2031-01-01T11:00:00', time_zone: 'Mars/Olympus' },
    'invalid_time_zone',
    'time_zone',
  ],
  [
    'an invalid RRULE',
    { ...valid, recurrence: ['RRULE:FREQ=SOMETIMES'] },
    'invalid_recurrence',
    'recurrence',
  ],
  [
    'more than 5 reminder overrides',
    { ...valid, reminders: [1, 2, 3, 4, 5, 6].map((m) => ({ method: 'popup', minutes: m })) },
    'too_many_reminders',
    'reminders',
  ],
  [
    'a reminder method Google does not know',
    { ...valid, reminders: [{ method: 'sms', minutes: 5 }] },
    'invalid_reminder',
    'reminders.0.method',
  ],
  ['a missing title', { start: valid.start, end: valid.end }, 'missing_field', 'title'],
  ['a malformed date', { ...valid, start: 'tomorrow' }, 'invalid_date', 'start'],
  ['an unknown send_updates', { ...valid, send_updates: 'everyone' }, 'invalid_send_updates', 'send_updates'],
  [
    'an entity that does not exist',
    { ...valid, entity_type: 'deal', entity_id: '00000000-0000-4000-8000-000000000000' },
    'invalid_reference',
    'entity_id',
  ],
  [
    'an unknown entity type',
    { ...valid, entity_type: 'ticket', entity_id: '00000000-0000-4000-8000-000000000000' },
    'invalid_entity',
    'entity_type',
  ],
  ['an unknown field', { ...valid, colour: 'red' }, 'invalid_request', null],
];

describe('bad input: 400 with a clear code, nothing written on either side', () => {
  it.each(cases)('%s', async (_name, body, code, field) => {
    await pushesIdle(t);
    await emulatorAdmin(t, 'POST', '/requests/reset');
    const before = await eventCount();
    const pushJobs = (await jobsOf(t, 'event.push')).length;
    const res = await api<ErrorBody>(t, alice, 'POST', '/calendar/events', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe(code);
    if (field !== null) expect(res.body.error.details?.field).toBe(field);
    expect(await eventCount()).toBe(before);
    expect((await jobsOf(t, 'event.push')).length).toBe(pushJobs);
    // Google writes come only from push jobs: once none is left, every write has been counted.
    await pushesIdle(t);
    const calls = await googleCalls(t);
    expect(writes(calls)).toEqual([]);
  });

  it('an entity of another tenant is refused like one that does not exist', async () => {
    await pushesIdle(t);
    await emulatorAdmin(t, 'POST', '/requests/reset');
    const before = await eventCount();
    const pushJobs = (await jobsOf(t, 'event.push')).length;
    const res = await api<ErrorBody>(t, alice, 'POST', '/calendar/events', {
      ...valid,
      entity_type: 'contact',
      entity_id: otherTenantContact,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_reference');
    expect(await eventCount()).toBe(before);
    expect((await jobsOf(t, 'event.push')).length).toBe(pushJobs);
    const { rows } = await t.ctx.database.executeSql<{ n: string }>(
      'SELECT count(*) AS n FROM activities WHERE entity_id = $1',
      [otherTenantContact],
    );
    expect(Number(rows[0]?.n)).toBe(0);
    // Google writes come only from push jobs: once none is left, every write has been counted.
    await pushesIdle(t);
    expect(writes(await googleCalls(t))).toEqual([]);
  });

  it('a bad PATCH changes nothing either', async () => {
    const created = expectOk(
      await api<{ id: string; title: string }>(t, alice, 'POST', '/calendar/events?wait=true', valid),
    );
    await pushesIdle(t);
    await emulatorAdmin(t, 'POST', '/requests/reset');
    for (const [body, code] of [
      [{ end: new Date(start.getTime() - 60_000).toISOString() }, 'end_before_start'],
      [{ attendees: ['bad@'] }, 'invalid_email'],
      [{ scope: 'sometimes' }, 'invalid_scope'],
      [{ recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=XX'] }, 'invalid_recurrence'],
    ] as const) {
      const res = await api<ErrorBody>(t, alice, 'PATCH', `/calendar/events/${created.id}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    const row = await t.ctx.db
      .selectFrom('events')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.sync_state).toBe('synced');
    expect(row.local_version).toBe(1);
    // Google writes come only from push jobs: once none is left, every write has been counted.
    await pushesIdle(t);
    expect(writes(await googleCalls(t))).toEqual([]);
  });

  it('unknown event ids are 404', async () => {
    for (const id of [
      '00000000-0000-4000-8000-000000000000',
      'nonsense',
      '00000000-0000-4000-8000-000000000000:abc_20300101',
    ]) {
      const res = await api<ErrorBody>(t, alice, 'PATCH', `/calendar/events/${id}`, { title: 'x' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it("another user's event is 404 (never revealed)", async () => {
    const created = expectOk(await api<{ id: string }>(t, alice, 'POST', '/calendar/events', valid));
    const mallory = await connectedUser(t, 'mallory');
    expect((await api(t, mallory, 'PATCH', `/calendar/events/${created.id}`, { title: 'mine' })).status).toBe(
      404,
    );
    expect((await api(t, mallory, 'DELETE', `/calendar/events/${created.id}`)).status).toBe(404);
  });
});
