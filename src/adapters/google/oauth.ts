import { calendar } from '@googleapis/calendar';
import { CodeChallengeMethod, OAuth2Client, type Credentials } from 'google-auth-library';
import type { Clock } from '../clock.js';
import type { GoogleConfig } from '../config.js';
import { classifyGoogleError, googleErrorFacts } from './errors.js';
import { asCalendarAuth, oauthClientOptions } from './google-clients.js';
import { timedGoogleCall, type GoogleCallRecorder } from './google-call-metrics.js';

/** Create, read, update and delete events (https://developers.google.com/calendar/api/auth). */
const CALENDAR_EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
/** Read calendars (calendarList) and events. */
const CALENDAR_READONLY_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly';
/** Full access; implies both scopes above when a user already granted it. */
const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';
const REQUESTED_SCOPES = [CALENDAR_EVENTS_SCOPE, CALENDAR_READONLY_SCOPE] as const;

/** Tokens from the token endpoint, with the expiry on the service clock. */
export interface OAuthTokens {
  accessToken: string;
  /** Present on the first consent (and with prompt=consent); refresh answers usually omit it. */
  refreshToken: string | undefined;
  expiresAt: Date;
  /** Granted scopes as Google reports them (`scope` of the token answer). */
  scopes: string[];
}

interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
}

/** Access tokens without an `expires_in` are treated as living this long (Google's is 3599 s). */
const DEFAULT_TOKEN_LIFETIME_MS = 3_599_000;

/**
 * The OAuth 2.0 side of Google (authorization code + PKCE, refresh, revoke, account email),
 * through google-auth-library's OAuth2Client so the emulator and Google are driven the same way.
 */
export class GoogleOAuth {
  constructor(
    private readonly config: GoogleConfig,
    private readonly clock: Clock,
    private readonly record: GoogleCallRecorder,
  ) {}

  /** A bare client for this app's OAuth credentials and endpoints (the emulator's or Google's). */
  newClient(): OAuth2Client {
    return new OAuth2Client(oauthClientOptions(this.config));
  }

  /** A PKCE verifier and its S256 challenge (RFC 7636). */
  async createPkcePair(): Promise<PkcePair> {
    const { codeVerifier, codeChallenge } = await this.newClient().generateCodeVerifierAsync();
    if (codeChallenge === undefined) throw new Error('google-auth-library returned no PKCE code challenge');
    return { codeVerifier, codeChallenge };
  }

  /** The consent URL: offline access, forced consent (so a refresh token is issued), PKCE S256. */
  buildAuthUrl(input: { state: string; codeChallenge: string; loginHint?: string | undefined }): string {
    return this.newClient().generateAuthUrl({
      scope: [...REQUESTED_SCOPES],
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: true,
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      ...(input.loginHint !== undefined ? { login_hint: input.loginHint } : {}),
    });
  }

  /** Exchanges an authorization code (with its PKCE verifier) for tokens. */
  async exchangeCode(code: string, codeVerifier: string): Promise<OAuthTokens> {
    const client = this.newClient();
    const { tokens } = await this.call('oauth.token', 'Token exchange', () =>
      client.getToken({ code, codeVerifier }),
    );
    return this.toTokens(tokens, 'Token exchange');
  }

  /** Spends a refresh token for a new access token (`invalid_grant` -> TokenRevokedError). */
  async refresh(refreshToken: string): Promise<OAuthTokens> {
    const client = this.newClient();
    client.setCredentials({ refresh_token: refreshToken });
    const { credentials } = await this.call('oauth.token', 'Token refresh', () =>
      client.refreshAccessToken(),
    );
    const tokens = this.toTokens(credentials, 'Token refresh');
    // refreshAccessToken copies the old refresh token into its answer; report only a rotated one.
    return {
      ...tokens,
      refreshToken: tokens.refreshToken === refreshToken ? undefined : tokens.refreshToken,
    };
  }

  /** Revokes a token at Google; revoking the refresh token ends the whole grant. */
  async revoke(token: string): Promise<void> {
    const client = this.newClient();
    await this.call('oauth.revoke', 'Token revocation', () => client.revokeToken(token));
  }

  /**
   * The Google account email of an access token. Asks the userinfo endpoint first; Google only
   * answers it with an email when an identity scope was granted, so it falls back to the primary
   * calendar, whose id is the account email (needs only calendar.readonly).
   */
  async fetchAccountEmail(accessToken: string): Promise<string> {
    const client = this.newClient();
    client.setCredentials({ access_token: accessToken });
    const userinfoUrl = new URL('oauth2/v3/userinfo', this.config.apiRootUrl).toString();
    try {
      const res = await this.call('oauth.userinfo', 'Account lookup', () =>
        client.request<{ email?: unknown }>({ url: userinfoUrl, retry: false }),
      );
      if (typeof res.data.email === 'string' && res.data.email !== '') return res.data.email.toLowerCase();
    } catch (error) {
      const facts = googleErrorFacts(error);
      // 401/403 means "no identity scope": try the calendar instead. Anything else is a real failure.
      if (facts.status !== 401 && facts.status !== 403) throw classifyGoogleError(error, 'Account lookup');
    }
    const api = calendar({ version: 'v3', auth: asCalendarAuth(client), rootUrl: this.config.apiRootUrl });
    const primary = await this.call('calendar.calendars.get', 'Account lookup', () =>
      api.calendars.get({ calendarId: 'primary' }),
    );
    const id = primary.data.id;
    if (typeof id !== 'string' || !id.includes('@')) {
      throw new Error('Google returned no account email for the connected account');
    }
    return id.toLowerCase();
  }

  private async call<T>(method: string, operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await timedGoogleCall(this.record, method, run);
    } catch (error) {
      throw classifyGoogleError(error, operation);
    }
  }

  private toTokens(tokens: Credentials, operation: string): OAuthTokens {
    if (typeof tokens.access_token !== 'string' || tokens.access_token === '') {
      throw new Error(`${operation}: Google returned no access token`);
    }
    // google-auth-library turns expires_in into an absolute expiry_date on the machine's clock;
    // keep the lifetime and anchor it on the service clock, the one every comparison uses.
    const lifetimeMs =
      typeof tokens.expiry_date === 'number'
        ? Math.max(0, tokens.expiry_date - Date.now())
        : DEFAULT_TOKEN_LIFETIME_MS;
    return {
      accessToken: tokens.access_token,
      refreshToken:
        typeof tokens.refresh_token === 'string' && tokens.refresh_token !== ''
          ? tokens.refresh_token
          : undefined,
      expiresAt: new Date(this.clock.now().getTime() + lifetimeMs),
      scopes: typeof tokens.scope === 'string' ? tokens.scope.split(/\s+/).filter((s) => s !== '') : [],
    };
  }
}

/** Whether granted scopes let the service write events and list calendars; names what is missing. */
export function missingScopes(granted: readonly string[]): string[] {
  const has = (scope: string) => granted.includes(scope) || granted.includes(CALENDAR_SCOPE);
  return REQUESTED_SCOPES.filter((scope) => !has(scope));
}
