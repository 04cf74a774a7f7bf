import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client, type gaxios, type OAuth2ClientOptions } from 'google-auth-library';
import type { GoogleConfig } from '../config.js';
import type { ConnectionRef } from '../../kernel/refs.js';
import { classifyGoogleError, googleErrorFacts } from './errors.js';
import { calendarMethodId, outcomeOfStatus, type GoogleCallRecorder } from './google-call-metrics.js';

/** Where a connection's access tokens come from (the connections module's TokenProvider). */
export interface AccessTokenSource {
  /** A valid access token, refreshed first when it is about to expire. */
  getAccessToken(connection: ConnectionRef): Promise<string>;
  /** Called after Google refused `rejectedToken` with 401: returns a newer token (refreshing if needed). */
  refreshAfterUnauthorized(connection: ConnectionRef, rejectedToken: string): Promise<string>;
}

export interface CalendarClientOptions {
  /**
   * Let gaxios retry 429/5xx on its own. Off by default: retries with backoff, jitter and a rate
   * budget are the calling layer's job, and hidden retries would double-count against quotas.
   */
  retry?: boolean;
  /** Per-request timeout in milliseconds (default 30 s) so a hung Google request cannot stall a worker. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * googleapis-common pins its own copy of google-auth-library, so TypeScript sees two distinct
 * OAuth2Client classes; at runtime it only calls `request()` on the client, which ours provides.
 */
export function asCalendarAuth(client: OAuth2Client): NonNullable<calendar_v3.Options['auth']> {
  return client as unknown as NonNullable<calendar_v3.Options['auth']>;
}

/**
 * An OAuth2Client bound to one connection. It never refreshes tokens by itself (it holds no
 * refresh token): every request asks the token source for the current access token, and a 401
 * makes it ask for a newer one once and replay the request. The token source does the refresh,
 * single-flight across processes. Every HTTP call is recorded as a Google-call metric.
 */
class ConnectionAuthClient extends OAuth2Client {
  constructor(
    options: OAuth2ClientOptions,
    private readonly connection: ConnectionRef,
    private readonly tokens: AccessTokenSource,
    private readonly record: GoogleCallRecorder,
  ) {
    super(options);
  }

  protected override async requestAsync<T>(
    opts: gaxios.GaxiosOptions,
    reAuthRetried = false,
  ): Promise<gaxios.GaxiosResponse<T>> {
    const token = await this.tokens.getAccessToken(this.connection);
    this.credentials = { access_token: token, token_type: 'Bearer' };
    const headers = new Headers(opts.headers);
    headers.set('authorization', `Bearer ${token}`);
    const method = calendarMethodId(opts.method, opts.url ?? '');
    const started = performance.now();
    try {
      const response = await this.transporter.request<T>({ ...opts, headers });
      this.record({
        method,
        outcome: outcomeOfStatus(response.status),
        durationMs: performance.now() - started,
      });
      return response;
    } catch (error) {
      const facts = googleErrorFacts(error);
      this.record({
        method,
        outcome: outcomeOfStatus(facts.status, facts.reason),
        durationMs: performance.now() - started,
      });
      if (facts.status === 401 && !reAuthRetried) {
        await this.tokens.refreshAfterUnauthorized(this.connection, token);
        return this.requestAsync<T>(opts, true);
      }
      // Domain errors only past this point: callers never handle gaxios errors (whose request
      // config would carry the bearer token into logs).
      throw classifyGoogleError(error, method);
    }
  }
}

/** google-auth-library options for this app's OAuth client and endpoints (the emulator's or Google's). */
export function oauthClientOptions(config: GoogleConfig): OAuth2ClientOptions {
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: config.authBaseUrl,
      oauth2TokenUrl: config.tokenUrl,
      oauth2RevokeUrl: config.revokeUrl,
    },
  };
}

/**
 * Builds the official Google clients for the configured endpoints (Google's or the emulator's).
 * The only place that hands out authorized Calendar API clients.
 */
export class GoogleClients {
  constructor(
    private readonly config: GoogleConfig,
    private readonly tokens: AccessTokenSource,
    private readonly record: GoogleCallRecorder,
  ) {}

  /** An OAuth2Client that authorizes requests as `connection`. */
  authFor(connection: ConnectionRef): OAuth2Client {
    return new ConnectionAuthClient(oauthClientOptions(this.config), connection, this.tokens, this.record);
  }

  /**
   * The Calendar API v3 client for `connection`. Its calls reject with domain errors from
   * ./errors.js: TokenRevokedError (reconnect needed), RateLimitedError, GoogleUnavailableError
   * (5xx, network), GoogleApiError (any other answer, with `status` and Google's `reason`, e.g.
   * 404 notFound, 409 duplicate, 410 fullSyncRequired/deleted, 412 conditionNotMet).
   */
  calendarFor(connection: ConnectionRef, options: CalendarClientOptions = {}): calendar_v3.Calendar {
    return calendar({
      version: 'v3',
      auth: asCalendarAuth(this.authFor(connection)),
      rootUrl: this.config.apiRootUrl,
      retry: options.retry ?? false,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }
}
