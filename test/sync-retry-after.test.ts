import { beforeEach, describe, expect, it } from 'vitest';
import { googleCalls, resetGoogleCalls } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import { listCalendars, pullsIdle } from './support/sync-pull.js';
import { api, connectedUser, eventRow, expectOk, futureHour, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/**
 * Google's 429 with Retry-After: the pull and push jobs try again no sooner than Google asked
 * (pg-boss startAfter), with the retries they had left, instead of after their own backoff of a
 * few seconds. Nothing waits for the time to pass: the tests read when the next attempt is due.
 */

let t: TestApp;
let alice: PushUser;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'retry-after');
});
beforeEach(async () => {
  await pullsIdle(t);
  await emulatorAdmin(t, 'DELETE', '/faults');
  await resetGoogleCalls(t);
});

interface JobRow {
  id: string;
  state: string;
  retry_limit: number;
  /** Seconds from the end of the rate-limited attempt to the start of the next one. */
  wait_seconds: number | null;
}

/**
 * The rate-limited attempt (`first`, ended) and the attempt queued after it, once both exist,
 * with how long after the first ended the second may start.
 */
async function deferral(name: string, key: string, value: string, first: string | null) {
  return waitFor(`the ${name} job to be queued again`, async () => {
    const { rows } = await t.ctx.database.executeSql<JobRow>(
      `SELECT j.id, j.state, j.retry_limit,
              EXTRACT(EPOCH FROM (j.start_after - f.completed_on))::float AS wait_seconds
         FROM pgboss.job j
         JOIN pgboss.job f ON f.name = j.name AND f.state = 'completed' AND ($3::uuid IS NULL OR f.id = $3::uuid)
        WHERE j.name = $1 AND j.data->>'${key}' = $2 AND f.data->>'${key}' = $2 AND j.state = 'created'`,
      [name, value, first],
    );
    return rows[0];
  });
}

describe('a job Google rate-limits with Retry-After', () => {
  it('pulls again no sooner than Retry-After, with the retries it had left', async () => {
    const primary = (await listCalendars(t, alice.userId)).find((c) => c.primary)!;
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'calendar.events.list' },
      count: 1,
      action: { status: 429, retryAfterSeconds: 120 },
    });
    const first = await t.ctx.queue.send(
      'calendar.pull',
      { tenantId: alice.tenant, userId: alice.userId, calendarId: primary.id, trigger: 'webhook' },
      { singletonKey: primary.id },
    );
    const next = await deferral('calendar.pull', 'calendarId', primary.id, first);
    expect(next.wait_seconds).toBeGreaterThanOrEqual(115);
    expect(next.retry_limit).toBe(5);
    expect((await googleCalls(t))['calendar.events.list']).toBe(1);
    const calendar = (await listCalendars(t, alice.userId)).find((c) => c.primary)!;
    expect(calendar).toMatchObject({ sync_status: 'error' });
    expect(calendar.last_error).toMatch(/rate limit/i);
    await t.ctx.database.executeSql('DELETE FROM pgboss.job WHERE id = $1', [next.id]);
  });

  it('pushes again no sooner than Retry-After, the change kept in the CRM meanwhile', async () => {
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'calendar.events.insert' },
      count: 1,
      action: { status: 429, retryAfterSeconds: 90 },
    });
    const start = futureHour(4);
    const created = expectOk(
      await api<{ id: string }>(t, alice, 'POST', '/calendar/events', {
        title: 'Rate limited with Retry-After',
        start: start.toISOString(),
        end: new Date(start.getTime() + 3_600_000).toISOString(),
      }),
    );
    const next = await deferral('event.push', 'eventId', created.id, null);
    expect(next.wait_seconds).toBeGreaterThanOrEqual(85);
    expect(next.retry_limit).toBe(7);
    expect((await googleCalls(t))['calendar.events.insert']).toBe(1);
    expect(await eventRow(t, created.id)).toMatchObject({ sync_state: 'pending' });
    expect((await eventRow(t, created.id))?.sync_error).toMatch(/^Retrying: .*rate limit/i);
    await t.ctx.database.executeSql('DELETE FROM pgboss.job WHERE id = $1', [next.id]);
  });
});
