import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { startReceiver, type Receiver } from './support/receiver.js';

/**
 * calendarList.list as a sync resource (https://developers.google.com/workspace/calendar/api/guides/sync):
 * sync tokens, removed entries (`deleted: true`), hidden entries, the parameter rules, and
 * calendarList.watch notifications, all through the official client.
 */

let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await setup();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

type Entry = calendar_v3.Schema$CalendarListEntry;

async function fullList(user: Connected, params: calendar_v3.Params$Resource$Calendarlist$List = {}) {
  const items: Entry[] = [];
  let pageToken: string | undefined;
  for (;;) {
    const { data } = await user.cal.calendarList.list({ ...params, ...(pageToken ? { pageToken } : {}) });
    items.push(...(data.items ?? []));
    if (!data.nextPageToken) return { items, nextSyncToken: data.nextSyncToken! };
    expect(data.nextSyncToken).toBeUndefined();
    pageToken = data.nextPageToken;
  }
}

async function changesSince(user: Connected, syncToken: string) {
  const { data } = await user.cal.calendarList.list({ syncToken });
  expect(data.nextPageToken).toBeUndefined();
  return { items: data.items ?? [], nextSyncToken: data.nextSyncToken! };
}

async function secondary(user: Connected, summary: string): Promise<string> {
  const { data } = await user.cal.calendars.insert({ requestBody: { summary } });
  return data.id!;
}

const share = (owner: Connected, calendarId: string, email: string, role = 'reader') =>
  owner.cal.acl.insert({ calendarId, requestBody: { role, scope: { type: 'user', value: email } } });

describe('calendarList.list with a sync token', () => {
  it('returns only the entries changed since, removed ones as deleted: true', async () => {
    const user = await emu.newUser();
    const kept = await secondary(user, 'Kept');
    const first = await fullList(user);
    expect(first.items.map((e) => e.id)).toEqual([user.email, kept]);
    expect(first.nextSyncToken).toEqual(expect.any(String));

    // Nothing changed: an empty page and a token that still works.
    const idle = await changesSince(user, first.nextSyncToken);
    expect(idle.items).toEqual([]);

    const added = await secondary(user, 'Added');
    const gone = await secondary(user, 'Gone');
    await user.cal.calendars.delete({ calendarId: gone });
    const delta = await changesSince(user, idle.nextSyncToken);
    expect(delta.items.map((e) => [e.id, e.deleted ?? false])).toEqual([
      [added, false],
      [gone, true],
    ]);
    expect(delta.items[1]).toEqual({
      kind: 'calendar#calendarListEntry',
      etag: expect.any(String),
      id: gone,
      deleted: true,
    });
    // The full list no longer has it; showDeleted lists it removed.
    expect((await fullList(user)).items.map((e) => e.id)).toEqual([user.email, kept, added]);
    const withDeleted = await fullList(user, { showDeleted: true });
    expect(withDeleted.items.find((e) => e.id === gone)).toMatchObject({ deleted: true });
  });

  it("shows a share and an unshare in the grantee's sync; a role change alone is not listed", async () => {
    const owner = await emu.newUser();
    const grantee = await emu.newUser();
    const team = await secondary(owner, 'Team');
    const start = await fullList(grantee);

    await share(owner, team, grantee.email);
    const shared = await changesSince(grantee, start.nextSyncToken);
    expect(shared.items).toMatchObject([{ id: team, accessRole: 'reader', summary: 'Team' }]);

    // accessRole is a read-only field: "If only read-only fields such as calendar properties or
    // ACLs have changed, the entry won't be returned" (discovery document).
    await share(owner, team, grantee.email, 'writer');
    const roleChanged = await changesSince(grantee, shared.nextSyncToken);
    expect(roleChanged.items).toEqual([]);
    expect((await grantee.cal.calendarList.get({ calendarId: team })).data.accessRole).toBe('writer');

    await owner.cal.acl.delete({ calendarId: team, ruleId: `user:${grantee.email}` });
    const unshared = await changesSince(grantee, roleChanged.nextSyncToken);
    expect(unshared.items).toMatchObject([{ id: team, deleted: true }]);
    await expectGoogleError(grantee.cal.calendarList.get({ calendarId: team }), 404, 'notFound');
  });

  it('a deleted calendar leaves the lists of its owner and of everyone it was shared with', async () => {
    const owner = await emu.newUser();
    const grantee = await emu.newUser();
    const doomed = await secondary(owner, 'Doomed');
    await share(owner, doomed, grantee.email);
    const ownerStart = await fullList(owner);
    const granteeStart = await fullList(grantee);
    await owner.cal.calendars.delete({ calendarId: doomed });
    expect((await changesSince(owner, ownerStart.nextSyncToken)).items).toMatchObject([
      { id: doomed, deleted: true },
    ]);
    expect((await changesSince(grantee, granteeStart.nextSyncToken)).items).toMatchObject([
      { id: doomed, deleted: true },
    ]);
  });

  it('answers 410 fullSyncRequired for an unknown, foreign or expired token', async () => {
    const user = await emu.newUser();
    const other = await emu.newUser();
    const { nextSyncToken } = await fullList(user);
    await expectGoogleError(
      user.cal.calendarList.list({ syncToken: 'Lnot-a-token' }),
      410,
      'fullSyncRequired',
    );
    await expectGoogleError(
      other.cal.calendarList.list({ syncToken: nextSyncToken }),
      410,
      'fullSyncRequired',
    );
    await emu.admin.post('/sync-tokens/expire');
    const expired = await expectGoogleError(
      user.cal.calendarList.list({ syncToken: nextSyncToken }),
      410,
      'fullSyncRequired',
    );
    expect(expired.error.errors[0]).toMatchObject({ domain: 'calendar', location: 'syncToken' });
    // A full listing starts over.
    expect((await fullList(user)).items.map((e) => e.id)).toEqual([user.email]);
  });

  it('refuses showDeleted=false, showHidden=false and minAccessRole together with a sync token', async () => {
    const user = await emu.newUser();
    const { nextSyncToken: syncToken } = await fullList(user);
    for (const [params, location] of [
      [{ showDeleted: false }, 'showDeleted'],
      [{ showHidden: false }, 'showHidden'],
      [{ minAccessRole: 'reader' }, 'minAccessRole'],
    ] as const) {
      const err = await expectGoogleError(
        user.cal.calendarList.list({ syncToken, ...params }),
        400,
        'invalid',
      );
      expect(err.error.errors[0]).toMatchObject({ locationType: 'parameter', location });
    }
    // true is what a sync token implies anyway.
    const { data } = await user.cal.calendarList.list({ syncToken, showDeleted: true, showHidden: true });
    expect(data.items).toEqual([]);
  });

  it('pages with maxResults and gives the sync token on the last page only', async () => {
    const user = await emu.newUser();
    for (let i = 0; i < 4; i += 1) await secondary(user, `Page ${i}`);
    const { data: first } = await user.cal.calendarList.list({ maxResults: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextPageToken).toEqual(expect.any(String));
    expect(first.nextSyncToken).toBeUndefined();
    const all = await fullList(user, { maxResults: 2 });
    expect(all.items).toHaveLength(5);
    await expectGoogleError(
      user.cal.calendarList.list({ pageToken: first.nextPageToken!, showHidden: true }),
      400,
      'invalidParameter',
    );
  });
});

describe('unsubscribing and hiding', () => {
  it('calendarList.delete removes the entry, keeps the access; insert puts it back', async () => {
    const owner = await emu.newUser();
    const grantee = await emu.newUser();
    const shared = await secondary(owner, 'Shared');
    await share(owner, shared, grantee.email);
    await owner.cal.events.insert({
      calendarId: shared,
      requestBody: { summary: 'Still readable', start: { date: '2031-01-02' }, end: { date: '2031-01-03' } },
    });
    const start = await fullList(grantee);

    await grantee.cal.calendarList.delete({ calendarId: shared });
    const removed = await changesSince(grantee, start.nextSyncToken);
    expect(removed.items).toMatchObject([{ id: shared, deleted: true }]);
    expect((await fullList(grantee)).items.map((e) => e.id)).toEqual([grantee.email]);
    await expectGoogleError(grantee.cal.calendarList.get({ calendarId: shared }), 404, 'notFound');
    // The calendar itself and the sharing rule are untouched.
    const events = await grantee.cal.events.list({ calendarId: shared });
    expect(events.data.items!.map((e) => e.summary)).toEqual(['Still readable']);

    const { data: back } = await grantee.cal.calendarList.insert({ requestBody: { id: shared } });
    expect(back).toMatchObject({ id: shared, accessRole: 'reader' });
    expect((await changesSince(grantee, removed.nextSyncToken)).items).toMatchObject([
      { id: shared, accessRole: 'reader' },
    ]);
  });

  it('refuses to remove the primary calendar, and to insert a calendar without access', async () => {
    const user = await emu.newUser();
    const stranger = await emu.newUser();
    const theirs = await secondary(stranger, 'Not shared');
    await expectGoogleError(user.cal.calendarList.delete({ calendarId: 'primary' }), 400, 'badRequest');
    await expectGoogleError(user.cal.calendarList.insert({ requestBody: { id: theirs } }), 404, 'notFound');
  });

  it("keeps the user's own RGB colours per entry, written only with colorRgbFormat", async () => {
    const user = await emu.newUser();
    const other = await emu.newUser();
    const shared = await secondary(user, 'Coloured');
    await expectGoogleError(
      user.cal.calendarList.patch({
        calendarId: shared,
        requestBody: { backgroundColor: '#123456', foregroundColor: '#ffffff' },
      }),
      400,
      'badRequest',
    );
    await expectGoogleError(
      user.cal.calendarList.patch({
        calendarId: shared,
        colorRgbFormat: true,
        requestBody: { backgroundColor: 'red', foregroundColor: '#ffffff' },
      }),
      400,
      'badRequest',
    );
    const { data: patched } = await user.cal.calendarList.patch({
      calendarId: shared,
      colorRgbFormat: true,
      requestBody: { backgroundColor: '#12AB56', foregroundColor: '#FFFFFF' },
    });
    expect(patched).toMatchObject({ backgroundColor: '#12ab56', foregroundColor: '#ffffff' });
    expect((await user.cal.calendarList.get({ calendarId: shared })).data.backgroundColor).toBe('#12ab56');
    // Another user's entry of their own primary calendar keeps the calendar's colours.
    const { data: theirs } = await other.cal.calendarList.get({ calendarId: 'primary' });
    expect(theirs.backgroundColor).not.toBe('#12ab56');
  });

  it('hidden entries need showHidden in a full listing and are in the sync with hidden: true', async () => {
    const user = await emu.newUser();
    const quiet = await secondary(user, 'Quiet');
    const start = await fullList(user);
    const { data: patched } = await user.cal.calendarList.patch({
      calendarId: quiet,
      requestBody: { hidden: true, summaryOverride: 'My quiet one' },
    });
    expect(patched).toMatchObject({ id: quiet, hidden: true, summaryOverride: 'My quiet one' });
    expect((await fullList(user)).items.map((e) => e.id)).toEqual([user.email]);
    expect((await fullList(user, { showHidden: true })).items.map((e) => e.id)).toEqual([user.email, quiet]);
    const delta = await changesSince(user, start.nextSyncToken);
    expect(delta.items).toMatchObject([{ id: quiet, hidden: true, summaryOverride: 'My quiet one' }]);

    const { data: shown } = await user.cal.calendarList.update({
      calendarId: quiet,
      requestBody: { id: quiet },
    });
    expect(shown.hidden).toBeUndefined();
    expect(shown.summaryOverride).toBeUndefined();
    expect((await fullList(user)).items.map((e) => e.id)).toEqual([user.email, quiet]);
  });
});

describe('calendarList.watch', () => {
  it("notifies the user's channel of every change of their list, and of nothing else", async () => {
    const owner = await emu.newUser();
    const grantee = await emu.newUser();
    const id = randomUUID();
    const { data: channel } = await grantee.cal.calendarList.watch({
      requestBody: { id, type: 'web_hook', address: receiver.address, token: 'list-token' },
    });
    expect(channel).toMatchObject({
      kind: 'api#channel',
      id,
      resourceId: expect.any(String),
      resourceUri: 'https://www.googleapis.com/calendar/v3/users/me/calendarList?alt=json',
      token: 'list-token',
    });
    const forChannel = () => receiver.received.filter((n) => n.headers['x-goog-channel-id'] === id);
    const states = () => forChannel().map((n) => n.headers['x-goog-resource-state']);
    await receiver.waitFor(() => states().length === 1);
    expect(forChannel()[0]!.headers).toMatchObject({
      'x-goog-resource-state': 'sync',
      'x-goog-channel-token': 'list-token',
      'x-goog-resource-id': channel.resourceId,
    });

    // The owner's own calendar and events are not on the grantee's list.
    const team = await secondary(owner, 'Watched team');
    await owner.cal.events.insert({
      calendarId: team,
      requestBody: {
        summary: 'Not a list change',
        start: { date: '2031-02-02' },
        end: { date: '2031-02-03' },
      },
    });
    await share(owner, team, grantee.email);
    await grantee.cal.calendarList.patch({ calendarId: team, requestBody: { hidden: true } });
    await grantee.cal.calendarList.delete({ calendarId: team });
    await receiver.waitFor(() => states().length === 4);
    expect(states()).toEqual(['sync', 'exists', 'exists', 'exists']);
    expect(forChannel().map((n) => n.headers['x-goog-message-number'])).toEqual(['1', '2', '3', '4']);

    await grantee.cal.channels.stop({ requestBody: { id, resourceId: channel.resourceId! } });
    await grantee.cal.calendarList.insert({ requestBody: { id: team } });
    const channels = (await emu.admin.get('/channels')) as {
      id: string;
      resource: string;
      messageNumber: number;
    }[];
    expect(channels.find((c) => c.id === id)).toMatchObject({ resource: 'calendarList', messageNumber: 4 });
  });
});

describe('snapshots', () => {
  it('keep the lists, their removed entries and sync tokens; older snapshots get lists rebuilt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-lists-'));
    try {
      const snapshotFile = join(dir, 'state.json');
      const first = await setup({ snapshotFile });
      const owner = await first.newUser();
      const grantee = await first.newUser();
      const { data: shared } = await owner.cal.calendars.insert({ requestBody: { summary: 'Kept shared' } });
      await share(owner, shared.id!, grantee.email);
      const { data: left } = await owner.cal.calendars.insert({ requestBody: { summary: 'Unsubscribed' } });
      await share(owner, left.id!, grantee.email);
      await grantee.cal.calendarList.delete({ calendarId: left.id! });
      const { data: listed } = await grantee.cal.calendarList.list();
      await first.close();

      const second = await setup({ snapshotFile });
      try {
        const again = await second.connect(grantee.email);
        const { data } = await again.cal.calendarList.list({ syncToken: listed.nextSyncToken! });
        expect(data.items).toEqual([]);
        const { data: full } = await again.cal.calendarList.list({ showDeleted: true });
        expect(full.items!.map((e) => [e.id, e.deleted ?? false])).toEqual([
          [grantee.email, false],
          [shared.id, false],
          [left.id, true],
        ]);
      } finally {
        await second.close();
      }

      // A snapshot written before calendar lists were kept: every owner and grantee has theirs.
      const saved = JSON.parse(await readFile(snapshotFile, 'utf8')) as Record<string, unknown>;
      delete saved.calendarLists;
      await writeFile(snapshotFile, JSON.stringify(saved));
      const third = await setup({ snapshotFile });
      try {
        const again = await third.connect(grantee.email);
        const { data } = await again.cal.calendarList.list();
        expect(data.items!.map((e) => e.id)).toEqual([grantee.email, shared.id, left.id]);
      } finally {
        await third.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
