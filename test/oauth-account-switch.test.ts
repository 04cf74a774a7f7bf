import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/harness.js';
import { tokenContext } from '../src/modules/connections/connection.types.js';
import { calendarAccepts, emulatorAdmin, getStatus, rawConnectionRow } from './support/oauth-flow.js';
import { connectAndSync, listCalendars } from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

let t: TestApp;
const USER = 'switcher';
const FIRST = 'switcher-first@example.com';
const SECOND = 'switcher-second@example.com';

interface EmulatorChannel {
  id: string;
  owner: string;
  stopped: boolean;
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function notify(channelId: string, headers: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/google/calendar',
    headers: {
      'x-goog-channel-id': channelId,
      'x-goog-channel-token': headers['X-Goog-Channel-Token']!,
      'x-goog-resource-id': headers['X-Goog-Resource-ID']!,
      'x-goog-resource-state': 'exists',
      'x-goog-message-number': '2',
    },
  });
}

describe('reconnecting with another Google account', () => {
  it("stops the previous account's push channels and revokes its grant; old notifications are refused", async () => {
    const first = await connectAndSync(t, USER, FIRST);
    const { rows } = await t.ctx.database.executeSql<{ channel_id: string }>(
      'SELECT channel_id FROM calendars WHERE id = $1',
      [first.id],
    );
    const oldChannel = rows[0]!.channel_id;
    // The channel's token and resource, as Google sent them with its first (`sync`) message.
    const headers = await waitFor('the sync message of the channel', async () => {
      const deliveries = await emulatorAdmin<{ channelId: string; headers: Record<string, string> }[]>(
        t,
        'GET',
        '/webhooks',
      );
      return deliveries.find((d) => d.channelId === oldChannel)?.headers;
    });
    // While the account is connected, the channel's notifications are taken and its token works.
    expect((await notify(oldChannel, headers)).statusCode).toBeLessThan(300);
    const row = await rawConnectionRow(t, USER);
    const oldAccessToken = t.ctx.services.tokenCipher.decrypt(
      String(row!.access_token_enc),
      tokenContext({ tenantId: 'default', userId: USER }),
    );
    expect(await calendarAccepts(t, oldAccessToken)).toBe(200);

    const second = await connectAndSync(t, USER, SECOND);
    expect(second.google_calendar_id).toBe(SECOND);
    expect(await getStatus(t, USER)).toMatchObject({ status: 'active', google_email: SECOND });
    expect((await listCalendars(t, USER)).map((c) => c.google_calendar_id)).toEqual([SECOND]);

    const channels = await emulatorAdmin<EmulatorChannel[]>(t, 'GET', '/channels');
    expect(channels.find((c) => c.id === oldChannel)).toMatchObject({ owner: FIRST, stopped: true });
    // The new account's channel is open.
    expect(channels.filter((c) => c.owner === SECOND && !c.stopped)).toHaveLength(1);

    // The old account's grant is revoked: the service keeps no access to an account it left.
    expect(await calendarAccepts(t, oldAccessToken)).toBe(401);

    const late = await notify(oldChannel, headers);
    expect(late.statusCode).toBe(404);
    expect(late.json().error.code).toBe('not_found');
  });
});
