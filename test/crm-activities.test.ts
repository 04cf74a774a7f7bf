import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/adapters/clock.js';
import { InvalidReferenceError, type MeetingInput } from '../src/modules/crm/index.js';
import { ValidationError } from '../src/kernel/errors.js';
import { startTestApp, type TestApp } from './support/harness.js';

let t: TestApp;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  t = await startTestApp({ workers: false, clock });
});
afterAll(async () => {
  await t?.close();
});

async function signIn(user: string, tenant: string) {
  const token = await t.tokenFor(user, tenant);
  return async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload } : {}),
    });
}

/** A synced calendar event of the user (what calendar sync stores), to hang meetings on. */
async function createEvent(tenantId: string, userId: string): Promise<string> {
  const db = t.ctx.db;
  const connection = await db
    .insertInto('connections')
    .values({ tenant_id: tenantId, user_id: userId, status: 'active' })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'provider']).doUpdateSet({ status: 'active' }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const calendar = await db
    .insertInto('calendars')
    .values({
      tenant_id: tenantId,
      user_id: userId,
      connection_id: connection.id,
      google_calendar_id: 'primary',
    })
    .onConflict((oc) => oc.columns(['connection_id', 'google_calendar_id']).doUpdateSet({ selected: true }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const event = await db
    .insertInto('events')
    .values({
      tenant_id: tenantId,
      user_id: userId,
      calendar_id: calendar.id,
      google_event_id: `ev${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      start_at: new Date('2026-05-04T09:00:00Z'),
      end_at: new Date('2026-05-04T10:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return event.id;
}

async function activityCount(eventId: string): Promise<number> {
  const rows = await t.ctx.db.selectFrom('activities').select('id').where('event_id', '=', eventId).execute();
  return rows.length;
}

describe('ActivityService meetings', () => {
  const tenant = `t-${randomUUID()}`;

  async function setUp() {
    const call = await signIn('alice', tenant);
    const deal = (await call('POST', '/crm/deals', { name: 'Renewal' })).json();
    const contact = (
      await call('POST', '/crm/contacts', { name: 'Hank', email: 'hank@globex.example' })
    ).json();
    const eventId = await createEvent(tenant, 'alice');
    const meeting: MeetingInput = {
      tenantId: tenant,
      userId: 'alice',
      entityType: 'deal',
      entityId: deal.id,
      eventId,
      title: 'Kickoff',
      description: 'Agenda: scope',
      start: '2026-05-04T09:00:00Z',
      end: new Date('2026-05-04T10:00:00Z'),
      attendees: ['hank@globex.example', { email: 'carol@example.com', name: 'Carol', status: 'accepted' }],
    };
    return { call, deal, contact, eventId, meeting };
  }

  it('logs a meeting once however often it is logged', async () => {
    const { call, deal, eventId, meeting } = await setUp();
    const first = await t.ctx.services.activities.logMeeting(meeting);
    const again = await t.ctx.services.activities.logMeeting(meeting);
    expect(again.id).toBe(first.id);
    expect(await activityCount(eventId)).toBe(1);
    expect(first).toMatchObject({
      type: 'meeting',
      title: 'Meeting scheduled: Kickoff',
      status: 'scheduled',
      entityType: 'deal',
      entityId: deal.id,
      eventId,
    });

    const timeline = await call('GET', `/crm/deals/${deal.id}/activities`);
    expect(timeline.statusCode).toBe(200);
    expect(timeline.json()).toEqual({
      items: [
        expect.objectContaining({
          id: first.id,
          type: 'meeting',
          title: 'Meeting scheduled: Kickoff',
          description: 'Agenda: scope',
          status: 'scheduled',
          entity_type: 'deal',
          entity_id: deal.id,
          event_id: eventId,
          user_id: 'alice',
          all_day: false,
          meeting_start_time: '2026-05-04T09:00:00.000Z',
          meeting_end_time: '2026-05-04T10:00:00.000Z',
          meeting_start_date: null,
          meeting_attendees: [
            { email: 'hank@globex.example', status: 'needsAction' },
            { email: 'carol@example.com', name: 'Carol', status: 'accepted' },
          ],
        }),
      ],
      next_cursor: null,
    });
    // Singular type names work too.
    expect((await call('GET', `/crm/deal/${deal.id}/activities`)).json().items).toHaveLength(1);
  });

  it('updates every record an event is linked to, then cancels idempotently', async () => {
    const { call, deal, contact, eventId, meeting } = await setUp();
    const { activities } = t.ctx.services;
    const onDeal = await activities.logMeeting(meeting);
    const onContact = await activities.logMeeting({
      ...meeting,
      entityType: 'contact',
      entityId: contact.id,
    });

    const moved = await activities.updateMeeting({
      ...meeting,
      title: 'Kickoff (moved)',
      start: '2026-05-05',
      end: '2026-05-06',
    });
    expect(moved.id).toBe(onDeal.id);
    expect(moved.meeting).toMatchObject({ allDay: true, start: '2026-05-05', end: '2026-05-06' });
    const contactTimeline = (await call('GET', `/crm/contacts/${contact.id}/activities`)).json();
    expect(contactTimeline.items[0]).toMatchObject({
      id: onContact.id,
      title: 'Meeting scheduled: Kickoff (moved)',
      all_day: true,
      meeting_start_time: null,
      meeting_start_date: '2026-05-05',
      meeting_end_date: '2026-05-06',
    });
    expect(await activityCount(eventId)).toBe(2);

    expect(await activities.cancelMeeting(eventId)).toBe(2);
    expect(await activities.cancelMeeting(eventId)).toBe(0);
    const cancelled = (await call('GET', `/crm/deals/${deal.id}/activities`)).json();
    expect(cancelled.items.map((a: { status: string }) => a.status)).toEqual(['cancelled']);

    // The meeting came back (restored in Google): logging it again reactivates the same activity.
    const restored = await activities.logMeeting(meeting);
    expect(restored).toMatchObject({ id: onDeal.id, status: 'scheduled' });
  });

  it("joins the caller's transaction: a rollback leaves no activity", async () => {
    const { eventId, meeting } = await setUp();
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await t.ctx.services.activities.logMeeting(meeting, trx);
        expect(
          await trx.selectFrom('activities').select('id').where('event_id', '=', eventId).execute(),
        ).toHaveLength(1);
        throw new Error('sync failed later in the transaction');
      }),
    ).rejects.toThrow('sync failed later');
    expect(await activityCount(eventId)).toBe(0);
  });

  it('refuses meetings on records or events of another tenant and bad times', async () => {
    const { meeting } = await setUp();
    const { activities } = t.ctx.services;
    const otherTenant = `o-${randomUUID()}`;
    await expect(activities.logMeeting({ ...meeting, tenantId: otherTenant })).rejects.toBeInstanceOf(
      InvalidReferenceError,
    );
    const foreignEvent = await createEvent(otherTenant, 'dave');
    await expect(activities.logMeeting({ ...meeting, eventId: foreignEvent })).rejects.toThrow(/event/);
    await expect(activities.logMeeting({ ...meeting, entityId: randomUUID() })).rejects.toBeInstanceOf(
      InvalidReferenceError,
    );
    await expect(activities.logMeeting({ ...meeting, end: '2026-05-04T08:00:00Z' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      activities.logMeeting({ ...meeting, start: '2026-05-04', end: '2026-05-05T00:00:00Z' }),
    ).rejects.toThrow(/both be instants or both be dates/);
    await expect(activities.cancelMeeting('not-an-id')).rejects.toBeInstanceOf(ValidationError);
    expect(await activityCount(foreignEvent)).toBe(0);
  });
});

describe('GET /crm/{type}/{id}/activities', () => {
  const tenant = `t-${randomUUID()}`;

  it('lists newest first across pages', async () => {
    const call = await signIn('bob', tenant);
    const contact = (await call('POST', '/crm/contacts', { name: 'Timeline' })).json();
    const logged: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      clock.advance(1000);
      const activity = await t.ctx.services.activities.logMeeting({
        tenantId: tenant,
        userId: 'bob',
        entityType: 'contact',
        entityId: contact.id,
        eventId: await createEvent(tenant, 'bob'),
        title: `Meeting ${i}`,
        start: '2026-06-01T10:00:00Z',
        end: '2026-06-01T11:00:00Z',
      });
      logged.push(activity.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = (await call('GET', `/crm/contacts/${contact.id}/activities?limit=2${suffix}`)).json();
      seen.push(...page.items.map((a: { id: string }) => a.id));
      cursor = page.next_cursor;
    } while (cursor !== null && seen.length < 10);
    expect(seen).toEqual([...logged].reverse());
  });

  it('answers 404 for unknown records and 400 for unknown types', async () => {
    const call = await signIn('bob', tenant);
    const missing = await call('GET', `/crm/deals/${randomUUID()}/activities`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    expect((await call('GET', `/crm/meetings/${randomUUID()}/activities`)).statusCode).toBe(400);
    expect((await call('GET', `/crm/deals/123/activities`)).statusCode).toBe(400);
  });

  it('deleting a record deletes its timeline', async () => {
    const call = await signIn('bob', tenant);
    const deal = (await call('POST', '/crm/deals', { name: 'Short-lived' })).json();
    const eventId = await createEvent(tenant, 'bob');
    await t.ctx.services.activities.logMeeting({
      tenantId: tenant,
      userId: 'bob',
      entityType: 'deal',
      entityId: deal.id,
      eventId,
      title: null,
      start: '2026-06-01T10:00:00Z',
      end: '2026-06-01T11:00:00Z',
    });
    expect(await activityCount(eventId)).toBe(1);
    expect((await call('DELETE', `/crm/deals/${deal.id}`)).statusCode).toBe(204);
    expect(await activityCount(eventId)).toBe(0);
  });
});
