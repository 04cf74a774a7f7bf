import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';

/**
 * Sync tokens and sharing: Google invalidates sync tokens "for various reasons including token
 * expiration or changes in related ACLs" (https://developers.google.com/workspace/calendar/api/guides/sync).
 * A grantee whose access goes answers 404 (the calendar is not theirs to see); once it is shared
 * again, a token from before answers 410 and the grantee syncs in full.
 */

let emu: TestEmulator;
let owner: Connected;
let grantee: Connected;

beforeAll(async () => {
  emu = await setup();
  owner = await emu.newUser();
  grantee = await emu.newUser();
});
afterAll(() => emu.close());

const share = (calendarId: string, role: string) =>
  owner.cal.acl.insert({ calendarId, requestBody: { role, scope: { type: 'user', value: grantee.email } } });

async function sharedCalendarWithEvent(summary: string): Promise<string> {
  const { data } = await owner.cal.calendars.insert({ requestBody: { summary } });
  await owner.cal.events.insert({
    calendarId: data.id!,
    requestBody: {
      summary: `${summary} kickoff`,
      start: { date: '2031-07-01' },
      end: { date: '2031-07-02' },
    },
  });
  await share(data.id!, 'reader');
  return data.id!;
}

describe("a grantee's sync token", () => {
  it('answers 404 once the calendar is unshared, and 410 once it is shared again', async () => {
    const calendarId = await sharedCalendarWithEvent('Unshared');
    const { data: first } = await grantee.cal.events.list({ calendarId });
    expect(first.items!.map((e) => e.summary)).toEqual(['Unshared kickoff']);
    const token = first.nextSyncToken!;
    expect((await grantee.cal.events.list({ calendarId, syncToken: token })).data.items).toEqual([]);

    await owner.cal.acl.delete({ calendarId, ruleId: `user:${grantee.email}` });
    await expectGoogleError(grantee.cal.events.list({ calendarId, syncToken: token }), 404, 'notFound');

    await share(calendarId, 'reader');
    await expectGoogleError(
      grantee.cal.events.list({ calendarId, syncToken: token }),
      410,
      'fullSyncRequired',
    );
    // A fresh full sync, and its token works.
    const { data: again } = await grantee.cal.events.list({ calendarId });
    expect(again.items!.map((e) => e.summary)).toEqual(['Unshared kickoff']);
    expect((await grantee.cal.events.list({ calendarId, syncToken: again.nextSyncToken! })).status).toBe(200);
  });

  it("answers 410 after a role change, while the owner's own token keeps working", async () => {
    const calendarId = await sharedCalendarWithEvent('Role change');
    const { data: theirs } = await grantee.cal.events.list({ calendarId });
    const { data: mine } = await owner.cal.events.list({ calendarId });
    await share(calendarId, 'writer');
    await expectGoogleError(
      grantee.cal.events.list({ calendarId, syncToken: theirs.nextSyncToken! }),
      410,
      'fullSyncRequired',
    );
    expect((await owner.cal.events.list({ calendarId, syncToken: mine.nextSyncToken! })).status).toBe(200);
  });

  it("is the grantee's own: another user's token on the same calendar answers 410", async () => {
    const calendarId = await sharedCalendarWithEvent('Foreign token');
    const { data: mine } = await owner.cal.events.list({ calendarId });
    await expectGoogleError(
      grantee.cal.events.list({ calendarId, syncToken: mine.nextSyncToken! }),
      410,
      'fullSyncRequired',
    );
  });
});
