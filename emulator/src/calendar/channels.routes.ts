import type { FastifyInstance } from 'fastify';
import { googleErrors } from '../errors.js';
import { stableId } from '../ids.js';
import type { ChannelRecord, EmulatorState } from '../state/emulator-state.js';
import { eventTypesParam } from './event-filters.js';
import { isObject, optString } from './event-input-parts.js';
import { resolveCalendar } from './event-lookup.js';
import { LIST_PARAMS } from './events.routes.js';
import { CALENDAR_LIST_PARAMS } from './calendar-list.routes.js';
import { calendarRoute, type CalendarContext } from './route-kit.js';
import type { WebhookDispatcher } from './webhook-delivery.js';

/** Channels live one week unless asked otherwise (`params.ttl` in seconds, or `expiration`). */
const DEFAULT_CHANNEL_TTL_MS = 604_800_000;
/** Longest lifetime granted; longer requests are shortened to it. */
const MAX_CHANNEL_TTL_MS = 30 * 86_400_000;

function parseExpiration(body: Record<string, unknown>, now: number): number {
  const params = body.params;
  let requested: number | undefined;
  if (body.expiration !== undefined && body.expiration !== null) {
    const raw = body.expiration;
    const value = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw googleErrors.invalid('Invalid channel expiration.');
    }
    requested = value;
  } else if (isObject(params) && params.ttl !== undefined) {
    const ttl = typeof params.ttl === 'string' && /^\d{1,10}$/.test(params.ttl) ? Number(params.ttl) : NaN;
    if (!Number.isFinite(ttl) || ttl <= 0) throw googleErrors.invalid('Invalid channel ttl.');
    requested = now + ttl * 1000;
  }
  if (requested === undefined || requested <= now) return now + DEFAULT_CHANNEL_TTL_MS;
  return Math.min(requested, now + MAX_CHANNEL_TTL_MS);
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses only this machine reaches. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The notification address: Google requires `https` (400 `push.webhookUrlNotHttps`); plain `http`
 * is accepted only on a loopback host, and only while the `loopbackHttpWebhooks` setting is on.
 */
function parseAddress(state: EmulatorState, body: Record<string, unknown>): string {
  const address = body.address;
  if (address === undefined || address === null || address === '') {
    throw googleErrors.required('Missing notification address.');
  }
  if (typeof address !== 'string' || address.length > 2048)
    throw googleErrors.invalid('Invalid notification address.');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw googleErrors.invalid('Invalid notification address.');
  }
  if (url.protocol === 'https:') return address;
  if (url.protocol !== 'http:') throw googleErrors.invalid('Invalid notification address: use an https URL.');
  if (!state.settings.loopbackHttpWebhooks || !isLoopbackHost(url.hostname))
    throw googleErrors.webhookUrlNotHttps(address);
  return address;
}

/** What a new channel watches: a calendar's events, or the caller's calendar list. */
interface WatchedResource {
  resource: 'events' | 'calendarList';
  calendarId: string;
  resourceId: string;
  resourceUri: string;
}

/**
 * Opens a channel from a watch request body (id, type, address, token, expiration / params.ttl)
 * and sends its `sync` message once the answer is on its way, as Google does.
 */
function openChannel(
  state: EmulatorState,
  dispatcher: WebhookDispatcher,
  ctx: CalendarContext,
  watched: WatchedResource,
): Record<string, unknown> {
  if (ctx.body === undefined) throw googleErrors.required('Required request body is missing.');
  if (!isObject(ctx.body)) throw googleErrors.badRequest('The request body must be a JSON object.');
  const body = ctx.body;
  const id = body.id;
  if (id === undefined || id === null || id === '') throw googleErrors.required('Missing channel id.');
  if (typeof id !== 'string' || id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(id)) {
    throw googleErrors.invalid('Invalid channel id: use 1-64 characters of [A-Za-z0-9-_+/=].');
  }
  const type = body.type;
  if (type === undefined || type === null || type === '')
    throw googleErrors.required('Missing channel type.');
  if (type !== 'web_hook' && type !== 'webhook')
    throw googleErrors.invalid(`Invalid channel type: ${JSON.stringify(type).slice(0, 32)}`);
  const address = parseAddress(state, body);
  const token = optString(body, 'token', 256);
  const existing = state.channels.get(id);
  if (existing && !existing.stopped) throw googleErrors.channelIdNotUnique(id);
  const now = state.now();
  const channel: ChannelRecord = {
    id,
    ...(watched.resource === 'calendarList' ? { resource: 'calendarList' as const } : {}),
    resourceId: watched.resourceId,
    resourceUri: watched.resourceUri,
    address,
    expirationMs: parseExpiration(body, now),
    calendarId: watched.calendarId,
    ownerEmail: ctx.user.email,
    messageNumber: 0,
    stopped: false,
    createdMs: now,
  };
  if (token !== undefined) channel.token = token;
  if (watched.resource === 'events') {
    const eventTypes = eventTypesParam(ctx.query.list('eventTypes'));
    if (eventTypes) channel.eventTypes = eventTypes;
  }
  state.channels.set(id, channel);
  setImmediate(() => dispatcher.sendSync(channel));
  const out: Record<string, unknown> = {
    kind: 'api#channel',
    id: channel.id,
    resourceId: channel.resourceId,
    resourceUri: channel.resourceUri,
  };
  if (channel.token !== undefined) out.token = channel.token;
  out.expiration = String(channel.expirationMs);
  return out;
}

export function registerChannelRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  dispatcher: WebhookDispatcher,
): void {
  calendarRoute(app, state, {
    method: 'POST',
    url: 'calendars/:calendarId/events/watch',
    methodId: 'calendar.events.watch',
    params: LIST_PARAMS,
    handler: (ctx) => {
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'reader');
      return openChannel(state, dispatcher, ctx, {
        resource: 'events',
        calendarId: calendar.meta.id,
        resourceId: stableId(`events:${calendar.meta.id}`),
        resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(ctx.params.calendarId ?? '')}/events?alt=json`,
      });
    },
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: 'users/me/calendarList/watch',
    methodId: 'calendar.calendarList.watch',
    params: CALENDAR_LIST_PARAMS,
    handler: (ctx) =>
      openChannel(state, dispatcher, ctx, {
        resource: 'calendarList',
        calendarId: '',
        resourceId: stableId(`calendarList:${ctx.user.email}`),
        resourceUri: 'https://www.googleapis.com/calendar/v3/users/me/calendarList?alt=json',
      }),
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: 'channels/stop',
    methodId: 'calendar.channels.stop',
    params: {},
    noContent: true,
    handler: (ctx) => {
      if (ctx.body === undefined) throw googleErrors.required('Required request body is missing.');
      if (!isObject(ctx.body)) throw googleErrors.badRequest('The request body must be a JSON object.');
      const id = optString(ctx.body, 'id', 1024);
      const resourceId = optString(ctx.body, 'resourceId', 1024);
      if (!id) throw googleErrors.required('Missing channel id.');
      const channel = state.channels.get(id);
      if (
        !channel ||
        channel.stopped ||
        channel.ownerEmail !== ctx.user.email ||
        (resourceId !== undefined && resourceId !== channel.resourceId)
      ) {
        throw googleErrors.notFound();
      }
      channel.stopped = true;
      return undefined;
    },
  });
}
