import { describe, expect, it } from 'vitest';
import { formatUtcCompact } from '../src/kernel/time.js';
import type { TestApp } from './support/harness.js';
import { useTestApp } from './support/use-test-app.js';
import {
  api,
  connectedUser,
  expectOk,
  googleUser,
  mailbox,
  removed,
  settled,
  type PushUser,
} from './support/sync-push.js';
import { googleAs } from './support/emulator-client.js';
import { waitFor } from './support/wait-for.js';

type Item = Record<string, unknown> & {
  id: string;
  google_event_id: string;
  sync_state: string;
  recurrence: string[] | null;
  title: string;
  start_time: string;
};

let t: TestApp;
let alice: PushUser;
const WEEK = 7 * 86_400_000;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'alice', { timeZone: 'America/New_York' });
});

/** A weekly 09:00 New York series of 6, starting on a Monday well in the future. */
async function weekly(title: string, attendees: string[] = []): Promise<Item & { first: Date }> {
  const item = expectOk(
    await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
      title,
      start: '2031-02-03T09:00:00',
      end: '2031-02-03T10:00:00',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
      attendees,
    }),
  );
  expect(item.sync_state).toBe('synced');
  return { ...item, first: new Date(item.start_time) };
}

function newYorkTime(dateTime: string | null | undefined): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/New_York',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(dateTime ?? ''));
}

/** The API id of occurrence `n` (0-based, before the DST change: n < 5) of a series created by weekly(). */
function occurrence(
  series: Item & { first: Date },
  n: number,
): { apiId: string; googleId: string; start: Date } {
  const start = new Date(series.first.getTime() + n * WEEK);
  const googleId = `${series.google_event_id}_${formatUtcCompact(start)}`;
  return { apiId: `${series.id}:${googleId}`, googleId, start };
}

async function instances(googleId: string) {
  const { data } = await (
    await googleAs(t, alice.email)
  ).events.instances({ calendarId: 'primary', eventId: googleId });
  return data.items ?? [];
}

describe('recurring events from the CRM', () => {
  it('creates the series at Google, on the wall clock of its zone', async () => {
    const series = await weekly('Weekly sync');
    const items = await instances(series.google_event_id);
    expect(items).toHaveLength(6);
    // 09:00 New York on both sides of the DST change of 2031-03-09: 14:00 UTC, then 13:00 UTC.
    expect(items.map((i) => new Date(i.start?.dateTime ?? '').toISOString().slice(11, 16))).toEqual([
      '14:00',
      '14:00',
      '14:00',
      '14:00',
      '14:00',
      '13:00',
    ]);
    expect(new Set(items.map((i) => newYorkTime(i.start?.dateTime)))).toEqual(new Set(['09:00']));
    const { data } = await (
      await googleAs(t, alice.email)
    ).events.get({ calendarId: 'primary', eventId: series.google_event_id });
    expect(data.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=6']);
    expect(data.start?.timeZone).toBe('America/New_York');
  });

  it("scope 'this' changes one occurrence only", async () => {
    const series = await weekly('Standup');
    const second = occurrence(series, 1);
    const res = await api<Item>(t, alice, 'PATCH', `/calendar/events/${second.apiId}`, {
      title: 'Standup (demo day)',
      scope: 'this',
    });
    const item = expectOk(res, 200);
    expect(item.id).toBe(second.apiId);
    await waitFor('the exception', async () =>
      (await instances(series.google_event_id)).some((i) => i.summary === 'Standup (demo day)'),
    );
    const items = await instances(series.google_event_id);
    expect(items.map((i) => i.summary)).toEqual([
      'Standup',
      'Standup (demo day)',
      'Standup',
      'Standup',
      'Standup',
      'Standup',
    ]);
    expect(items[1]?.id).toBe(second.googleId);
    const rows = await t.ctx.db
      .selectFrom('events')
      .selectAll()
      .where('recurring_event_id', '=', series.google_event_id)
      .execute();
    expect(rows.map((r) => [r.google_event_id, r.sync_state])).toEqual([[second.googleId, 'synced']]);
  });

  it("scope 'this' moves one occurrence; the id of the occurrence stays", async () => {
    const series = await weekly('One-on-one');
    const third = occurrence(series, 2);
    const moved = new Date(third.start.getTime() + 2 * 3_600_000);
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${third.apiId}`, { start: moved.toISOString() }),
      200,
    );
    await waitFor('the moved occurrence', async () =>
      (await instances(series.google_event_id)).some(
        (i) => new Date(i.start?.dateTime ?? 0).getTime() === moved.getTime(),
      ),
    );
    const items = await instances(series.google_event_id);
    expect(items.find((i) => i.id === third.googleId)?.start?.dateTime).toBeDefined();
    expect(new Date(items.find((i) => i.id === third.googleId)?.start?.dateTime ?? '').getTime()).toBe(
      moved.getTime(),
    );
  });

  it("scope 'all' from an occurrence changes the series", async () => {
    const series = await weekly('Team meeting');
    const res = await api<Item>(t, alice, 'PATCH', `/calendar/events/${occurrence(series, 3).apiId}`, {
      title: 'Team meeting (all)',
      scope: 'all',
    });
    expectOk(res, 200);
    await settled(t, series.id);
    const items = await instances(series.google_event_id);
    expect(new Set(items.map((i) => i.summary))).toEqual(new Set(['Team meeting (all)']));
    expect(items).toHaveLength(6);
  });

  it("scope 'all' with a new time moves the whole series, keeping its first date", async () => {
    const series = await weekly('Moved series');
    const fourth = occurrence(series, 3);
    // 11:00 instead of 09:00 New York.
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${fourth.apiId}`, {
        start: new Date(fourth.start.getTime() + 2 * 3_600_000).toISOString(),
        scope: 'all',
      }),
      200,
    );
    await settled(t, series.id);
    const items = await instances(series.google_event_id);
    expect(items).toHaveLength(6);
    expect(new Date(items[0]?.start?.dateTime ?? '').toISOString()).toBe(
      new Date(series.first.getTime() + 2 * 3_600_000).toISOString(),
    );
    expect(new Set(items.map((i) => newYorkTime(i.start?.dateTime)))).toEqual(new Set(['11:00']));
  });

  it("scope 'following' splits the series as Google Calendar does", async () => {
    const guest = await googleUser(t, 'follower');
    const series = await weekly('Planning', [guest]);
    const fourth = occurrence(series, 3);
    const res = await api<Item>(t, alice, 'PATCH', `/calendar/events/${fourth.apiId}`, {
      title: 'Planning v2',
      start: new Date(fourth.start.getTime() + 3_600_000).toISOString(),
      scope: 'following',
    });
    const next = expectOk(res, 200);
    expect(next.id).not.toBe(series.id);
    expect(next.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=3']);
    await settled(t, series.id);
    await settled(t, next.id);

    const google = await googleAs(t, alice.email);
    const { data: old } = await google.events.get({ calendarId: 'primary', eventId: series.google_event_id });
    // The rule ended after its three occurrences before the split (a COUNT rule keeps a count).
    expect(old.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=3']);
    expect(await instances(series.google_event_id)).toHaveLength(3);
    const later = await instances(next.google_event_id);
    expect(later.map((i) => i.summary)).toEqual(['Planning v2', 'Planning v2', 'Planning v2']);
    expect(new Date(later[0]?.start?.dateTime ?? '').getTime()).toBe(fourth.start.getTime() + 3_600_000);
    // The guest is invited to the new series.
    expect((await mailbox(t, guest)).filter((m) => m.kind === 'invitation').map((m) => m.eventId)).toEqual([
      series.google_event_id,
      next.google_event_id,
    ]);
  });

  it("deletes with scope 'this', 'following' and the whole series", async () => {
    const series = await weekly('Retro');
    expect(
      (await api(t, alice, 'DELETE', `/calendar/events/${occurrence(series, 1).apiId}?scope=this`)).status,
    ).toBe(204);
    await waitFor(
      'one occurrence cancelled',
      async () => (await instances(series.google_event_id)).length === 5,
    );
    expect((await instances(series.google_event_id)).map((i) => i.id)).not.toContain(
      occurrence(series, 1).googleId,
    );

    expect(
      (await api(t, alice, 'DELETE', `/calendar/events/${occurrence(series, 4).apiId}?scope=following`))
        .status,
    ).toBe(204);
    await waitFor(
      'the series to end early',
      async () => (await instances(series.google_event_id)).length === 3,
    );

    // A scope that needs an occurrence, given the series id: a clear 400.
    const bad = await api<{ error: { code: string } }>(
      t,
      alice,
      'DELETE',
      `/calendar/events/${series.id}?scope=this`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('occurrence_required');

    expect((await api(t, alice, 'DELETE', `/calendar/events/${series.id}`)).status).toBe(204);
    await removed(t, series.id);
    const { data } = await (
      await googleAs(t, alice.email)
    ).events.get({ calendarId: 'primary', eventId: series.google_event_id });
    expect(data.status).toBe('cancelled');
    const left = await t.ctx.db
      .selectFrom('events')
      .select('id')
      .where('recurring_event_id', '=', series.google_event_id)
      .execute();
    expect(left).toEqual([]);
  });
});
