import type { calendar_v3 } from '@googleapis/calendar';
import type { Logger } from 'pino';
import type { ConnectionRef } from '../connections/connection.types.js';
import { RateLimitedError } from '../errors.js';
import { GoogleApiError, GoogleUnavailableError } from './errors.js';
import type { CalendarClientOptions, GoogleClients } from './google-clients.js';
import { realSleep, type RequestBudget, type Sleep } from './request-budget.js';

/** Google's event resource, for code outside src/google that passes events around. */
export type GoogleEvent = calendar_v3.Schema$Event;
export type GoogleCalendarListEntry = calendar_v3.Schema$CalendarListEntry;
export type GoogleCalendarClient = calendar_v3.Calendar;

/** How transient failures are retried (https://developers.google.com/calendar/api/guides/errors). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Ceiling of the first retry's delay; doubles per attempt ("full jitter": the delay is uniform in [0, ceiling]). */
  baseDelayMs: number;
  /** Cap of each delay's ceiling. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for in-process: the error goes to the caller (a job retries later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 16_000,
  maxRetryAfterMs: 60_000,
};

/** Delay before retry number `retry` (0 = first retry): uniform in [0, min(max, base * 2^retry)]. */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Rate limits (429, 403 rateLimitExceeded / userRateLimitExceeded) and outages (5xx, network) are worth retrying. */
export function isRetryable(error: unknown): error is RateLimitedError | GoogleUnavailableError {
  return error instanceof RateLimitedError || error instanceof GoogleUnavailableError;
}

export interface CalendarApiDeps {
  clients: GoogleClients;
  budget: RequestBudget;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
}

/** One page of `events.list`. */
export interface EventsPage {
  items: GoogleEvent[];
  nextPageToken: string | null;
  nextSyncToken: string | null;
}

export interface ListEventsParams {
  googleCalendarId: string;
  syncToken?: string | null;
  pageToken?: string | null;
  /** 1..2500 (Google's maximum, the default here). */
  maxResults?: number;
}

export interface WatchRequest {
  googleCalendarId: string;
  channelId: string;
  /** Sent back in X-Goog-Channel-Token with every notification. */
  token: string;
  /** Webhook URL (https in production). */
  address: string;
  /** Requested lifetime; Google may grant less. */
  ttlSeconds?: number;
}

export interface WatchedChannel {
  id: string;
  resourceId: string;
  expiration: Date;
}

/**
 * The resilient way to call the Calendar API: every call spends one request of the connection's
 * budget (shared across processes), then runs through the official client; rate limits and
 * outages are retried with exponential backoff and full jitter (capped attempts, capped delays,
 * Retry-After honoured). 401 is refreshed once inside GoogleClients; `invalid_grant` surfaces as
 * TokenRevokedError and is never retried. Sync code (pull and push) makes its Google calls here.
 */
export class CalendarApi {
  readonly #policy: RetryPolicy;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #logger: Logger;

  constructor(
    private readonly deps: CalendarApiDeps,
    private readonly clientOptions: CalendarClientOptions = {},
  ) {
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.#sleep = deps.sleep ?? realSleep;
    this.#random = deps.random ?? Math.random;
    this.#logger = deps.logger.child({ component: 'calendar-api' });
  }

  /**
   * Runs one Google request as `connection` with budget and retries. `run` receives the official
   * Calendar client and must make exactly one request (it is re-run on retry).
   */
  async call<T>(
    connection: ConnectionRef,
    operation: string,
    run: (api: GoogleCalendarClient) => Promise<T>,
  ): Promise<T> {
    const api = this.deps.clients.calendarFor(connection, this.clientOptions);
    for (let attempt = 1; ; attempt++) {
      await this.deps.budget.take(connection.id);
      try {
        return await run(api);
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.#policy.maxAttempts) throw error;
        const delay = this.retryDelay(error, attempt - 1);
        if (delay === undefined) throw error;
        this.#logger.warn(
          { connectionId: connection.id, operation, attempt, delayMs: delay, error: error.message },
          'Transient Google error; retrying',
        );
        await this.#sleep(delay);
      }
    }
  }

  private retryDelay(error: RateLimitedError | GoogleUnavailableError, retry: number): number | undefined {
    const retryAfter = error instanceof RateLimitedError ? error.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) {
      const ms = retryAfter * 1000;
      return ms > this.#policy.maxRetryAfterMs
        ? undefined
        : Math.max(ms, backoffDelayMs(retry, this.#policy, this.#random));
    }
    return backoffDelayMs(retry, this.#policy, this.#random);
  }

  /** Every calendar of the user's calendar list (all pages). */
  async listCalendars(connection: ConnectionRef): Promise<GoogleCalendarListEntry[]> {
    const entries: GoogleCalendarListEntry[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const { data } = await this.call(connection, 'calendarList.list', (api) =>
        api.calendarList.list({ maxResults: 250, ...(token !== undefined ? { pageToken: token } : {}) }),
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
    const { data } = await this.call(connection, 'events.list', (api) => api.events.list(request));
    return {
      items: data.items ?? [],
      nextPageToken: data.nextPageToken ?? null,
      nextSyncToken: data.nextSyncToken ?? null,
    };
  }

  /** Opens a push channel on a calendar's events (`events.watch`). */
  async watchEvents(connection: ConnectionRef, request: WatchRequest): Promise<WatchedChannel> {
    const { data } = await this.call(connection, 'events.watch', (api) =>
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
      await this.call(connection, 'channels.stop', (api) =>
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
      const { data } = await this.call(connection, 'events.get', (api) =>
        api.events.get({ calendarId: googleCalendarId, eventId }),
      );
      return data;
    } catch (error) {
      if (error instanceof GoogleApiError && (error.status === 404 || error.status === 410)) return null;
      throw error;
    }
  }
}
