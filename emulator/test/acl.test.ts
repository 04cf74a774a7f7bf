import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';

const ACLS_SCOPE = 'https://www.googleapis.com/auth/calendar.acls';
const EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

let emu: TestEmulator;
let owner: Connected;
let grantee: Connected;

beforeAll(async () => {
  emu = await setup();
  owner = await emu.newUser();
  grantee = await emu.newUser();
});
afterAll(async () => {
  await emu.close();
});

/** A secondary calendar of the owner with one event, shared with the grantee as `role`. */
async function sharedCalendar(summary: string, role: string): Promise<{ id: string; eventId: string }> {
  const { data } = await owner.cal.calendars.insert({ requestBody: { summary } });
  const event = await owner.cal.events.insert({
    calendarId: data.id!,
    requestBody: {
      summary: 'Budget review',
      start: { dateTime: '2031-03-03T09:00:00Z' },
      end: { dateTime: '2031-03-03T10:00:00Z' },
    },
  });
  await owner.cal.acl.insert({
    calendarId: data.id!,
    requestBody: { role, scope: { type: 'user', value: grantee.email } },
  });
  return { id: data.id!, eventId: event.data.id! };
}

async function granteeEntry(calendarId: string) {
  const { data } = await grantee.cal.calendarList.list();
  return data.items!.find((entry) => entry.id === calendarId);
}

describe('acl rules', () => {
  it('inserts, gets, lists and deletes a user rule, the owner rule always listed first', async () => {
    const { data: cal } = await owner.cal.calendars.insert({ requestBody: { summary: 'Sales' } });
    const { data: rule } = await owner.cal.acl.insert({
      calendarId: cal.id!,
      requestBody: { role: 'reader', scope: { type: 'user', value: grantee.email.toUpperCase() } },
    });
    expect(rule).toMatchObject({
      kind: 'calendar#aclRule',
      id: `user:${grantee.email}`,
      scope: { type: 'user', value: grantee.email },
      role: 'reader',
      etag: expect.stringMatching(/^".+"$/),
    });
    const got = await owner.cal.acl.get({ calendarId: cal.id!, ruleId: `user:${grantee.email}` });
    expect(got.data).toEqual(rule);

    const { data: list } = await owner.cal.acl.list({ calendarId: cal.id! });
    expect(list.kind).toBe('calendar#acl');
    expect(list.items!.map((r) => [r.id, r.role])).toEqual([
      [`user:${owner.email}`, 'owner'],
      [`user:${grantee.email}`, 'reader'],
    ]);

    await owner.cal.acl.delete({ calendarId: cal.id!, ruleId: `user:${grantee.email}` });
    const after = await owner.cal.acl.list({ calendarId: cal.id! });
    expect(after.data.items!.map((r) => r.id)).toEqual([`user:${owner.email}`]);
    await expectGoogleError(
      owner.cal.acl.get({ calendarId: cal.id!, ruleId: `user:${grantee.email}` }),
      404,
      'notFound',
    );
    await expectGoogleError(
      owner.cal.acl.delete({ calendarId: cal.id!, ruleId: `user:${grantee.email}` }),
      404,
      'notFound',
    );
  });

  it('replaces the role when a rule for the same user is inserted again', async () => {
    const { id } = await sharedCalendar('Pipeline', 'reader');
    await owner.cal.acl.insert({
      calendarId: id,
      requestBody: { role: 'freeBusyReader', scope: { type: 'user', value: grantee.email } },
    });
    const { data } = await owner.cal.acl.list({ calendarId: id });
    expect(data.items!.map((r) => r.role)).toEqual(['owner', 'freeBusyReader']);
    expect((await granteeEntry(id))?.accessRole).toBe('freeBusyReader');
  });

  it('shares the primary calendar too, by "primary" or by its id', async () => {
    await owner.cal.acl.insert({
      calendarId: 'primary',
      requestBody: { role: 'freeBusyReader', scope: { type: 'user', value: grantee.email } },
    });
    expect(await granteeEntry(owner.email)).toMatchObject({
      accessRole: 'freeBusyReader',
      summary: owner.email,
    });
    expect((await granteeEntry(owner.email))?.primary).toBeUndefined();
    await owner.cal.acl.delete({ calendarId: owner.email, ruleId: `user:${grantee.email}` });
    expect(await granteeEntry(owner.email)).toBeUndefined();
  });

  it('refuses malformed rules with 400', async () => {
    const { data: cal } = await owner.cal.calendars.insert({ requestBody: { summary: 'Malformed' } });
    const insert = (requestBody: object) => owner.cal.acl.insert({ calendarId: cal.id!, requestBody });
    await expectGoogleError(insert({ scope: { type: 'user', value: grantee.email } }), 400, 'required');
    await expectGoogleError(
      insert({ role: 'admin', scope: { type: 'user', value: grantee.email } }),
      400,
      'invalid',
    );
    await expectGoogleError(insert({ role: 'reader' }), 400, 'required');
    await expectGoogleError(insert({ role: 'reader', scope: { type: 'user' } }), 400, 'required');
    await expectGoogleError(
      insert({ role: 'reader', scope: { type: 'user', value: 'not-an-email' } }),
      400,
      'invalid',
    );
    await expectGoogleError(
      owner.cal.acl.get({ calendarId: cal.id!, ruleId: 'domain:example.com' }),
      404,
      'notFound',
    );
  });

  it("keeps the owner's own rule", async () => {
    await expectGoogleError(
      owner.cal.acl.insert({
        calendarId: 'primary',
        requestBody: { role: 'reader', scope: { type: 'user', value: owner.email } },
      }),
      403,
      'forbidden',
    );
    await expectGoogleError(
      owner.cal.acl.delete({ calendarId: 'primary', ruleId: `user:${owner.email}` }),
      403,
      'forbidden',
    );
  });
});

describe('calendar list of the grantee', () => {
  it('gains the shared calendar with its summary and role, and loses it when the rule goes', async () => {
    const { id } = await sharedCalendar('Team offsite', 'reader');
    const entry = await granteeEntry(id);
    expect(entry).toMatchObject({
      kind: 'calendar#calendarListEntry',
      id,
      summary: 'Team offsite',
      accessRole: 'reader',
      defaultReminders: [],
    });
    expect(entry?.primary).toBeUndefined();
    const got = await grantee.cal.calendarList.get({ calendarId: id });
    expect(got.data).toEqual(entry);
    // The owner's own entry is unchanged.
    expect((await owner.cal.calendarList.get({ calendarId: id })).data.accessRole).toBe('owner');

    const writers = await grantee.cal.calendarList.list({ minAccessRole: 'writer' });
    expect(writers.data.items!.map((e) => e.id)).not.toContain(id);

    await owner.cal.acl.delete({ calendarId: id, ruleId: `user:${grantee.email}` });
    expect(await granteeEntry(id)).toBeUndefined();
    await expectGoogleError(grantee.cal.calendarList.get({ calendarId: id }), 404, 'notFound');
    await expectGoogleError(grantee.cal.events.list({ calendarId: id }), 404, 'notFound');
  });
});

describe('calls of the grantee, checked by role', () => {
  it('freeBusyReader: free/busy only, events answer 403 forbidden', async () => {
    const { id, eventId } = await sharedCalendar('Busy times', 'freeBusyReader');
    await expectGoogleError(grantee.cal.events.list({ calendarId: id }), 403, 'forbidden');
    await expectGoogleError(grantee.cal.events.get({ calendarId: id, eventId }), 403, 'forbidden');
    await expectGoogleError(grantee.cal.events.instances({ calendarId: id, eventId }), 403, 'forbidden');
    await expectGoogleError(
      grantee.cal.events.watch({
        calendarId: id,
        requestBody: { id: 'fb-reader-channel', type: 'web_hook', address: 'http://127.0.0.1:9/hook' },
      }),
      403,
      'forbidden',
    );
    const { data } = await grantee.cal.freebusy.query({
      requestBody: {
        timeMin: '2031-03-03T00:00:00Z',
        timeMax: '2031-03-04T00:00:00Z',
        items: [{ id }],
      },
    });
    expect(data.calendars![id]!.busy).toEqual([
      { start: '2031-03-03T09:00:00Z', end: '2031-03-03T10:00:00Z' },
    ]);
  });

  it('reader: reads events, cannot write them or read the rules', async () => {
    const { id, eventId } = await sharedCalendar('Read only', 'reader');
    const { data } = await grantee.cal.events.list({ calendarId: id });
    expect(data.accessRole).toBe('reader');
    expect(data.items!.map((e) => e.summary)).toEqual(['Budget review']);
    expect((await grantee.cal.events.get({ calendarId: id, eventId })).data.id).toBe(eventId);
    await expectGoogleError(
      grantee.cal.events.insert({
        calendarId: id,
        requestBody: { start: { date: '2031-03-05' }, end: { date: '2031-03-06' } },
      }),
      403,
      'forbidden',
    );
    await expectGoogleError(
      grantee.cal.events.patch({ calendarId: id, eventId, requestBody: { summary: 'Renamed' } }),
      403,
      'forbidden',
    );
    await expectGoogleError(grantee.cal.events.delete({ calendarId: id, eventId }), 403, 'forbidden');
    await expectGoogleError(grantee.cal.acl.list({ calendarId: id }), 403, 'forbidden');
  });

  it('writer: writes events and reads the rules, cannot change them', async () => {
    const { id, eventId } = await sharedCalendar('Shared desk', 'writer');
    const { data: created } = await grantee.cal.events.insert({
      calendarId: id,
      requestBody: { summary: 'Added', start: { date: '2031-03-05' }, end: { date: '2031-03-06' } },
    });
    expect(created.creator?.email).toBe(grantee.email);
    await grantee.cal.events.patch({ calendarId: id, eventId, requestBody: { summary: 'Renamed' } });
    const seen = await owner.cal.events.list({ calendarId: id });
    expect(seen.data.items!.map((e) => e.summary).sort()).toEqual(['Added', 'Renamed']);
    expect((await grantee.cal.acl.list({ calendarId: id })).data.items).toHaveLength(2);
    await expectGoogleError(
      grantee.cal.acl.insert({
        calendarId: id,
        requestBody: { role: 'owner', scope: { type: 'user', value: grantee.email } },
      }),
      403,
      'forbidden',
    );
    await expectGoogleError(
      grantee.cal.acl.delete({ calendarId: id, ruleId: `user:${owner.email}` }),
      403,
      'forbidden',
    );
  });

  it('owner: may share the calendar further', async () => {
    const { id } = await sharedCalendar('Co-owned', 'owner');
    const third = await emu.newUser();
    await grantee.cal.acl.insert({
      calendarId: id,
      requestBody: { role: 'reader', scope: { type: 'user', value: third.email } },
    });
    const { data } = await third.cal.calendarList.get({ calendarId: id });
    expect(data.accessRole).toBe('reader');
  });

  it('a stranger sees neither the calendar nor its rules', async () => {
    const { id } = await sharedCalendar('Private', 'reader');
    const stranger = await emu.newUser();
    await expectGoogleError(stranger.cal.acl.list({ calendarId: id }), 404, 'notFound');
    await expectGoogleError(stranger.cal.events.list({ calendarId: id }), 404, 'notFound');
  });
});

describe('acl scopes', () => {
  it('accepts calendar.acls and refuses calendar.events with 403 insufficientPermissions', async () => {
    const { id } = await sharedCalendar('Scoped', 'reader');
    const acls = await emu.connect(owner.email, [ACLS_SCOPE]);
    expect((await acls.cal.acl.list({ calendarId: id })).data.items).toHaveLength(2);
    const events = await emu.connect(owner.email, [EVENTS_SCOPE]);
    await expectGoogleError(events.cal.acl.list({ calendarId: id }), 403, 'insufficientPermissions');
    await expectGoogleError(
      events.cal.acl.insert({
        calendarId: id,
        requestBody: { role: 'reader', scope: { type: 'user', value: 'someone@example.com' } },
      }),
      403,
      'insufficientPermissions',
    );
  });
});
