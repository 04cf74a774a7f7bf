import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ClockState } from '../clock.js';
import {
  OAuthStore,
  type AccessTokenRecord,
  type GrantRecord,
  type OAuthClientRecord,
  type RefreshTokenRecord,
} from '../oauth/oauth-store.js';
import { EventStore } from './event-store.js';
import type { ChannelRecord, EmulatorState, PendingConference, Settings } from './emulator-state.js';
import type { CalendarListRecord } from './calendar-lists.js';
import { rebuildCalendarLists } from './list-membership.js';
import type { MailMessage } from './mailbox.js';
import type { CalendarMeta, StoredEvent, UserRecord } from './types.js';

/**
 * The whole emulated world as JSON: users, calendars with their events (in change order, so the
 * change log and every etag and sync token survive), OAuth clients, tokens and grants, channels,
 * mailbox, settings and clock.
 */
interface SnapshotV1 {
  version: 1;
  savedAt: string;
  seq: number;
  syncGeneration: number;
  clock: ClockState;
  settings: Settings;
  users: UserRecord[];
  calendars: Array<{ meta: CalendarMeta; events: StoredEvent[] }>;
  oauth: {
    clients: OAuthClientRecord[];
    access: AccessTokenRecord[];
    refresh: RefreshTokenRecord[];
    grants: GrantRecord[];
  };
  channels: ChannelRecord[];
  mailbox: MailMessage[];
  /** Absent in snapshots written before conference creation was asynchronous. */
  pendingConferences?: PendingConference[];
  /** Absent in snapshots written before calendar lists were kept: rebuilt from ownership and sharing. */
  calendarLists?: Array<{ email: string; entries: CalendarListRecord[] }>;
}

function toSnapshot(state: EmulatorState): SnapshotV1 {
  return {
    version: 1,
    savedAt: new Date(state.now()).toISOString(),
    seq: state.seq,
    syncGeneration: state.syncGeneration,
    clock: state.clock.state(),
    settings: { ...state.settings },
    users: [...state.users.values()],
    calendars: [...state.calendars.values()].map((c) => ({ meta: c.meta, events: c.store.all() })),
    oauth: {
      clients: [...state.oauth.clients.values()],
      access: [...state.oauth.access.values()].filter((t) => !t.revoked && t.expiresAtMs > state.now()),
      refresh: [...state.oauth.refresh.values()].filter((t) => !t.revoked),
      grants: [...state.oauth.grants.values()],
    },
    channels: [...state.channels.values()].filter((c) => !c.stopped),
    mailbox: state.mailbox.all(),
    pendingConferences: [...state.pendingConferences.values()],
    calendarLists: state.calendarLists.all(),
  };
}

function restoreSnapshot(state: EmulatorState, snapshot: SnapshotV1): void {
  if (snapshot.version !== 1) throw new Error(`unsupported snapshot version ${String(snapshot.version)}`);
  state.reset();
  state.seq = snapshot.seq;
  state.syncGeneration = snapshot.syncGeneration;
  state.clock.restore(snapshot.clock);
  state.settings = { ...state.settings, ...snapshot.settings };
  for (const user of snapshot.users) state.users.set(user.email, user);
  for (const { meta, events } of snapshot.calendars) {
    const store = new EventStore();
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) store.restore(event);
    state.calendars.set(meta.id, { meta, store });
  }
  for (const client of snapshot.oauth.clients) state.oauth.clients.set(client.clientId, client);
  for (const token of snapshot.oauth.access) state.oauth.access.set(token.token, token);
  for (const token of snapshot.oauth.refresh) state.oauth.refresh.set(token.token, token);
  for (const grant of snapshot.oauth.grants)
    state.oauth.grants.set(OAuthStore.grantKey(grant.email, grant.clientId), grant);
  for (const channel of snapshot.channels) state.channels.set(channel.id, channel);
  state.mailbox.restore(snapshot.mailbox);
  for (const job of snapshot.pendingConferences ?? [])
    state.pendingConferences.set(`${job.calendarId}|${job.eventId}`, job);
  if (snapshot.calendarLists === undefined) rebuildCalendarLists(state);
  for (const { email, entries } of snapshot.calendarLists ?? [])
    for (const entry of entries) state.calendarLists.set(email, entry);
}

export async function saveSnapshot(state: EmulatorState, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(toSnapshot(state)));
  await rename(temp, file);
}

export async function loadSnapshot(state: EmulatorState, file: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const snapshot = JSON.parse(await readFile(file, 'utf8')) as SnapshotV1;
  restoreSnapshot(state, snapshot);
  return true;
}
