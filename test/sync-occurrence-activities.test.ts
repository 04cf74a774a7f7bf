import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { formatUtcCompact } from '../src/kernel/time.js';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { connectAndSync } from './support/sync-pull.js';
import { api, expectOk, settled, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

interface Activity {
  status: string;
  event_id: string | null;
  title: string;
}

let t: TestApp;
let google: calendar_v3.Calendar;
const alice: PushUser = {
  userId: 'occurrence-activities-alice',
  email: 'occurrence-activities-alice@example.com',
  tenant: 'default',
};

useTestApp({}, async (app) => {
  t = app;
  await connectAndSync(t, alice.userId, alice.email);
  google = await googleAs(t, alice.email);
});

async function contact(name: string, email: string): Promise<string> {
  return expectOk(await api<{ id: string }>(t, alice, 'POST', '/crm/contacts', { name, email })).id;
}

async function meetingsOf(contactId: string): Promise<Activity[]> {
  const res = await api<{ items: Activity[] }>(t, alice, 'GET', `/crm/contacts/${contactId}/activities`);
  expect(res.status).toBe(200);
  return res.body.items.filter((a) => a.event_id !== null);
}

async function rowOf(googleEventId: string) {
  return t.ctx.db
    .selectFrom('events')
    .selectAll()
    .where('google_event_id', '=', googleEventId)
    .executeTakeFirst();
}

describe('a series has one meeting activity, on its master', () => {
  it('an occurrence changed in Google logs no meeting of its own', async () => {
    const ivy = await contact('Ivy Instance', 'ivy.instance@example.net');
    const { data: series } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Weekly pipeline review',
        start: { dateTime: '2031-05-05T14:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2031-05-05T15:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
        attendees: [{ email: 'ivy.instance@example.net' }],
      },
    });
    const master = await waitFor('the series to be pulled', () => rowOf(series.id!));
    const [meeting] = await waitFor('the series meeting', async () => {
      const found = await meetingsOf(ivy);
      return found.length > 0 ? found : undefined;
    });
    expect(meeting).toMatchObject({ event_id: master.id, status: 'scheduled' });

    const instanceId = `${series.id!}_${formatUtcCompact(new Date('2031-05-12T14:00:00Z'))}`;
    await google.events.patch({
      calendarId: 'primary',
      eventId: instanceId,
      requestBody: { summary: 'Pipeline review (quarter end)' },
    });
    const occurrence = await waitFor('the changed occurrence to be pulled', async () => {
      const row = await rowOf(instanceId);
      return row?.title === 'Pipeline review (quarter end)' ? row : undefined;
    });
    expect(occurrence.entity_id).toBe(ivy);
    expect(await meetingsOf(ivy)).toEqual([
      expect.objectContaining({ event_id: master.id, status: 'scheduled' }),
    ]);
  });

  it('an occurrence changed in the CRM logs no meeting of its own', async () => {
    const oscar = await contact('Oscar Occurrence', 'oscar.occurrence@example.net');
    const series = expectOk(
      await api<{ id: string; google_event_id: string }>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Weekly onboarding',
        start: '2031-07-07T14:00:00Z',
        end: '2031-07-07T15:00:00Z',
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
        attendees: ['oscar.occurrence@example.net'],
      }),
    );
    expect(await meetingsOf(oscar)).toEqual([
      expect.objectContaining({ event_id: series.id, status: 'scheduled' }),
    ]);
    const instanceId = `${series.google_event_id}_${formatUtcCompact(new Date('2031-07-14T14:00:00Z'))}`;
    expectOk(
      await api(t, alice, 'PATCH', `/calendar/events/${series.id}:${instanceId}`, {
        scope: 'this',
        title: 'Onboarding (new hires)',
      }),
      200,
    );
    const occurrence = await rowOf(instanceId);
    expect((await settled(t, occurrence!.id)).sync_state).toBe('synced');
    expect(await meetingsOf(oscar)).toEqual([
      expect.objectContaining({ event_id: series.id, status: 'scheduled' }),
    ]);
  });
});
