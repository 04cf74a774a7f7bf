import type { calendar_v3 } from '@googleapis/calendar';
import type { GoogleCalendarClient, GoogleCalendarListEntry, GoogleEvent } from './types.js';
import type { ConnectionRef } from '../../kernel/refs.js';
import { GoogleApiError } from './errors.js';
import type { CalendarClientOptions, GoogleClients } from './google-clients.js';
import type { RequestBudget } from './request-budget.js';

/** Google's event resource, for code outside src/google that passes events around. */
export type { GoogleEvent } from './types.js';

interface CalendarApiDeps {
  clients: GoogleClients;
  budget: RequestBudget;
}

/** One page of `events.list`. */
export interface EventsPage {
  items: GoogleEvent[];
  nextPageToken: string | null;
  nextSyncToken: string | null;
}

interface ListEventsParams {
  googleCalendarId: string;
  syncToken?: string | null;
  pageToken?: string | null;
  /** 1..2500 (Google's maximum, the default here). */
  maxResults?: number;
}

interface WatchRequest {
  googleCalendarId: string;
  channelId: string;
  /** Sent back in X-Goog-Channel-Token with every notification. */
  token: string;
  /** Webhook URL (https in production). */
  address: string;
  /** Requested lifetime; Google may grant less. */
  ttlSeconds?: number;
}

interface WatchedChannel {
  id: string;
  resourceId: string;
  expiration: Date;
}

/**
 * The one way sync code calls the Calendar API: every call spends one request of the connection's
 * budget (shared across processes), then makes exactly one request through the official client.
 * Nothing is retried here: a transient failure (RateLimitedError for 429 and 403 rate limits,
 * GoogleUnavailableError for 5xx and network errors) goes to the caller. Background work is
 * retried by its job (pg-boss: exponential backoff with jitter, persistent across restarts; see
 * "Retries" in docs/ARCHITECTURE.md); a request served inline (free/busy, "sync now") answers the
 * error and the caller decides. 401 is refreshed once inside GoogleClients; `invalid_grant`
 * surfaces as TokenRevokedError.
 */
export class CalendarApi {
  constructor(
    private readonly deps: CalendarApiDeps,
    private readonly clientOptions: CalendarClientOptions = {},
  ) {}

  /**
   * Runs one Google request as `connection`, after taking one request of its budget. `run`
   * receives the official Calendar client and must make exactly one request.
   */
  async call<T>(connection: ConnectionRef, run: (api: GoogleCalendarClient) => Promise<T>): Promise<T> {
    const api = this.deps.clients.calendarFor(connection, this.clientOptions);
    await this.deps.budget.take(connection.id);
    return run(api);
  }

  /**
   * Every calendar of the user's calendar list (all pages), hidden ones included (a calendar the
   * user hid in Google is still theirs, and still syncs); entries Google reports removed come with
   * `deleted: true`.
   */
  async listCalendars(connection: ConnectionRef): Promise<GoogleCalendarListEntry[]> {
    const entries: GoogleCalendarListEntry[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const { data } = await this.call(connection, (api) =>
        api.calendarList.list({
          maxResults: 250,
          showHidden: true,
          showDeleted: true,
          ...(token !== undefined ? { pageToken: token } : {}),
        }),
      );
      entries.push(...(data.items ?? []));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken !== undefined);
    return entries;
  }

  /**
   * One page of `events.list` for sync: no time window, recurring series as masters plus
   * exceptions (singleEvents false), deleted events included on incremental pages. A sync
   * token Google no longer accepts rejects with GoogleApiError status 410 (fullSyncRequired).
   */
  async listEventsPage(connection: ConnectionRef, params: ListEventsParams): Promise<EventsPage> {
    const request: calendar_v3.Params$Resource$Events$List = {
      calendarId: params.googleCalendarId,
      maxResults: params.maxResults ?? 2500,
      singleEvents: false,
    };
    if (params.syncToken != null) request.syncToken = params.syncToken;
    if (params.pageToken != null) request.pageToken = params.pageToken;
    const { data } = await this.call(connection, (api) => api.events.list(request));
    return {
      items: data.items ?? [],
      nextPageToken: data.nextPageToken ?? null,
      nextSyncToken: data.nextSyncToken ?? null,
    };
  }

  /** Opens a push channel on a calendar's events (`events.watch`). */
  async watchEvents(connection: ConnectionRef, request: WatchRequest): Promise<WatchedChannel> {
    const { data } = await this.call(connection, (api) =>
      api.events.watch({
        calendarId: request.googleCalendarId,
        requestBody: {
          id: request.channelId,
          type: 'web_hook',
          address: request.address,
          token: request.token,
          ...(request.ttlSeconds !== undefined ? { params: { ttl: String(request.ttlSeconds) } } : {}),
        },
      }),
    );
    if (typeof data.resourceId !== 'string' || data.resourceId === '') {
      throw new GoogleApiError('events.watch answered without a resourceId', 502, undefined);
    }
    const expiration = Number(data.expiration);
    return {
      id: data.id ?? request.channelId,
      resourceId: data.resourceId,
      // Google sends the expiry in ms since the epoch as a string; without one, assume its default week.
      expiration: new Date(
        Number.isFinite(expiration) && expiration > 0 ? expiration : Date.now() + 7 * 86_400_000,
      ),
    };
  }

  /** Stops a push channel; one Google no longer knows (404) counts as stopped. */
  async stopChannel(connection: ConnectionRef, channel: { id: string; resourceId: string }): Promise<void> {
    try {
      await this.call(connection, (api) =>
        api.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }),
      );
    } catch (error) {
      if (error instanceof GoogleApiError && error.status === 404) return;
      throw error;
    }
  }

  /** One event by id; null when Google says it does not exist (404) or is gone (410). */
  async getEvent(
    connection: ConnectionRef,
    googleCalendarId: string,
    eventId: string,
  ): Promise<GoogleEvent | null> {
    try {
      const { data } = await this.call(connection, (api) =>
        api.events.get({ calendarId: googleCalendarId, eventId }),
      );
      return data;
    } catch (error) {
      if (error instanceof GoogleApiError && (error.status === 404 || error.status === 410)) return null;
      throw error;
    }
  }
}
