import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import type { UsersRepository } from '../users/index.js';
import { AppError } from '../../kernel/errors.js';
import { GoogleUnavailableError, RateLimitedError, TokenRevokedError } from '../../adapters/google/errors.js';
import { missingScopes, type GoogleOAuth, type OAuthTokens } from '../../adapters/google/oauth.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import { constantTimeEqual, randomToken, sha256Base64url } from '../../adapters/security/hashing.js';
import type { TokenCipher } from '../../adapters/security/token-cipher.js';
import { calendarListEntryOf, type CalendarListEntry, type CalendarsRepository } from '../calendars/index.js';
import { openChannel, type FormerAccount, type FormerAccountRelease } from './account-channels.js';
import { ConnectFailedError } from './connect-errors.js';
import { toConnection, type ConnectionRepository } from './connection.repository.js';
import { tokenContext, verifierContext, type Connection, type Owner } from './connection.types.js';
import type { OAuthStateRepository } from './oauth-state.repository.js';
import type { PrimaryCalendarReader } from './primary-calendar.js';

/** How long a consent link stays usable. */
const STATE_TTL_MS = 10 * 60_000;
/** Used and expired states are kept this long so a late callback gets an accurate page. */
const STATE_RETENTION_MS = 24 * 3_600_000;

interface ConnectServiceDeps {
  db: Db;
  states: OAuthStateRepository;
  connections: ConnectionRepository;
  calendars: CalendarsRepository;
  users: UsersRepository;
  cipher: TokenCipher;
  oauth: GoogleOAuth;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** Stops channels of a Google account the connection switched away from. */
  formerAccountRelease: FormerAccountRelease;
  /** `calendarList.get('primary')` with the access token the consent granted. */
  readPrimaryCalendar: PrimaryCalendarReader;
}

interface CallbackInput {
  state?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
  /** The browser-binding secret the finishing browser sent (its cookie), if any. */
  browserBinding?: string | undefined;
}

/** A consent to send the user to, and the secret that binds it to the browser that goes there. */
export interface ConsentStart {
  authUrl: string;
  /** Set as a cookie on the browser that opens `authUrl`; the callback requires it. */
  browserBinding: string;
  expiresAt: Date;
  /** How long from now the consent (and so the cookie) is valid. */
  expiresInSeconds: number;
}

/**
 * The two halves of the OAuth authorization-code flow (RFC 6749 section 4.1 with PKCE, RFC 7636):
 * building the consent URL with a fresh state bound to the asking user, and completing the
 * callback. The state is 256 random bits, stored only as its SHA-256, single-use and short-lived;
 * the callback carries no CRM credentials, so the state row alone says whose connection it is.
 * The state is also bound to the browser that starts (RFC 6749 section 10.12, login CSRF): a
 * second secret, stored as its SHA-256, goes to that browser as a cookie, and a callback without
 * it is refused, so a consent link started by someone else and sent to a victim connects nothing.
 */
export class ConnectService {
  constructor(private readonly deps: ConnectServiceDeps) {}

  /** Starts a consent: returns the Google URL to send the user to and its browser binding. */
  async startConnect(owner: Owner, options: { loginHint?: string | undefined } = {}): Promise<ConsentStart> {
    const { states, cipher, oauth, clock } = this.deps;
    const now = clock.now();
    await states.deleteExpired(owner, new Date(now.getTime() - STATE_RETENTION_MS));
    const state = randomToken(32);
    const stateHash = sha256Base64url(state);
    const browserBinding = randomToken(32);
    const expiresAt = new Date(now.getTime() + STATE_TTL_MS);
    const { codeVerifier, codeChallenge } = await oauth.createPkcePair();
    await states.insert({
      ...owner,
      stateHash,
      browserBindingHash: sha256Base64url(browserBinding),
      codeVerifierEnc: cipher.encrypt(codeVerifier, verifierContext(owner, stateHash)),
      createdAt: now,
      expiresAt,
    });
    const loginHint = options.loginHint ?? (await this.knownEmail(owner));
    return {
      authUrl: oauth.buildAuthUrl({ state, codeChallenge, loginHint }),
      browserBinding,
      expiresAt,
      expiresInSeconds: STATE_TTL_MS / 1000,
    };
  }

  /**
   * Completes a consent from Google's redirect. Throws ConnectFailedError (nothing stored as
   * active) for a missing, unknown, used or expired state, a state started in another browser, a
   * refusal, a rejected code, or a grant that lacks the calendar scopes or a refresh token.
   */
  async completeConnect(input: CallbackInput): Promise<Connection> {
    const { states, connections, clock, logger } = this.deps;
    if (input.state === undefined || input.state === '') {
      throw new ConnectFailedError('missing_state', 'The answer from Google has no state parameter.');
    }
    const stateHash = sha256Base64url(input.state);
    const now = clock.now();
    // Spend the state first, in one statement: a replayed or concurrent callback finds it used.
    const row = await states.consume(stateHash, now);
    if (!row) throw await this.unusableState(stateHash);
    // Checked after spending the state: a consent refused here cannot be finished elsewhere
    // either (the code in this URL belongs to whoever consented in this browser).
    if (!sameBrowser(row.browser_binding_hash, input.browserBinding)) {
      throw new ConnectFailedError(
        'browser_mismatch',
        'This sign-in was started in another browser, so nothing was connected: Google Calendar is connected only in the browser where connecting started. If you started it, open the app in this browser and connect again.',
      );
    }
    const owner: Owner = { tenantId: row.tenant_id, userId: row.user_id };

    if (input.error !== undefined) {
      if (input.error === 'access_denied') {
        throw new ConnectFailedError('access_denied', 'Access to Google Calendar was not granted.');
      }
      throw new ConnectFailedError('consent_error', `Google reported an error: ${input.error}.`);
    }
    if (input.code === undefined || input.code === '') {
      throw new ConnectFailedError('consent_error', 'The answer from Google has no authorization code.');
    }

    const codeVerifier = this.openVerifier(row.code_verifier_enc, verifierContext(owner, stateHash));
    const tokens = await this.exchange(input.code, codeVerifier);

    const missing = missingScopes(tokens.scopes);
    if (missing.length > 0) {
      const message = `Google Calendar was connected without the required permissions (${missing.join(', ')}); connect again and allow calendar access.`;
      await connections.recordConnectError(owner, message, now);
      throw new ConnectFailedError('missing_scope', message);
    }
    if (tokens.refreshToken === undefined) {
      const message =
        'Google returned no refresh token, so the calendar could not stay connected; remove the app at https://myaccount.google.com/permissions and connect again.';
      await connections.recordConnectError(owner, message, now);
      throw new ConnectFailedError('missing_refresh_token', message);
    }

    const googleEmail = await this.accountEmail(tokens.accessToken);
    const primary = await this.primaryCalendar(owner, tokens.accessToken);
    const connection = await this.store(owner, tokens, tokens.refreshToken, googleEmail, primary);
    logger.info(
      { connectionId: connection.id, tenantId: owner.tenantId, userId: owner.userId },
      'Google Calendar connected',
    );
    return connection;
  }

  /**
   * Stores the connection and its primary calendar in one transaction, so that `primary` names a
   * calendar as soon as the connection is active (a write sent right after the callback does not
   * wait for the initial sync, which lists the same calendar again and updates its row).
   */
  private async store(
    owner: Owner,
    tokens: OAuthTokens,
    refreshToken: string,
    googleEmail: string,
    primary: CalendarListEntry,
  ) {
    const { db, connections, calendars, cipher, queue, clock, logger } = this.deps;
    const context = tokenContext(owner);
    const now = clock.now();
    const stored = await db.transaction().execute(async (trx) => {
      const previous = await connections.findByOwner(owner, trx);
      const row = await connections.saveConnected(trx, owner, {
        accessTokenEnc: cipher.encrypt(tokens.accessToken, context),
        refreshTokenEnc: cipher.encrypt(refreshToken, context),
        tokenExpiresAt: tokens.expiresAt,
        googleEmail,
        scopes: tokens.scopes,
        now,
      });
      const ref = { id: row.id, ...owner };
      let formerAccount: FormerAccount | undefined;
      if (previous?.google_email && previous.google_email !== googleEmail) {
        // Read before the copies go: the old account's channels are stopped once this commits.
        formerAccount = {
          row: previous,
          channels: (await calendars.withChannels(ref, trx)).map(openChannel),
        };
        // Another Google account: the copies synced from the old one are not this account's data.
        const deleted = await calendars.deleteCopies(trx, ref);
        logger.info(
          { connectionId: row.id, ...deleted },
          'Google account changed; removed the previous account copies',
        );
      }
      await calendars.upsertList(ref, [primary], now, trx);
      // Same transaction: the connection and its first sync commit together (outbox).
      await queue.send('calendar.initial-sync', { connectionId: row.id, ...owner }, { trx });
      // CRM changes that waited for this (re)connection are pushed now.
      await queue.send('event.push-resume', { connectionId: row.id, ...owner }, { trx });
      return { connection: toConnection(row), formerAccount };
    });
    if (stored.formerAccount !== undefined) {
      // After the commit, best effort: the reconnect never waits on Google agreeing.
      await this.deps.formerAccountRelease.release(stored.connection, stored.formerAccount);
    }
    return stored.connection;
  }

  private openVerifier(sealed: string, context: string): string {
    try {
      return this.deps.cipher.decrypt(sealed, context);
    } catch (error) {
      throw new ConnectFailedError(
        'unknown_state',
        'This sign-in attempt could not be verified. Start connecting again from the app.',
        { cause: error },
      );
    }
  }

  private async exchange(code: string, codeVerifier: string): Promise<OAuthTokens> {
    try {
      return await this.deps.oauth.exchangeCode(code, codeVerifier);
    } catch (error) {
      throw this.asConnectError(error, 'exchanging the authorization code');
    }
  }

  /** The account's primary calendar as the calendar list stores it (selected when new). */
  private async primaryCalendar(owner: Owner, accessToken: string): Promise<CalendarListEntry> {
    let entry;
    try {
      entry = calendarListEntryOf(await this.deps.readPrimaryCalendar(owner, accessToken));
    } catch (error) {
      throw this.asConnectError(error, 'reading the primary calendar');
    }
    if (entry === undefined) {
      throw new ConnectFailedError('consent_error', 'Google returned no primary calendar for this account.');
    }
    // Asked for as 'primary': it is the primary calendar whatever the entry's flag says.
    return { ...entry, primary: true };
  }

  private async accountEmail(accessToken: string): Promise<string> {
    try {
      return await this.deps.oauth.fetchAccountEmail(accessToken);
    } catch (error) {
      throw this.asConnectError(error, 'reading the Google account email');
    }
  }

  private asConnectError(error: unknown, step: string): ConnectFailedError {
    if (error instanceof TokenRevokedError) {
      return new ConnectFailedError(
        'invalid_grant',
        'Google did not accept the authorization: the code expired, was already used, or the PKCE verifier did not match. Start connecting again.',
        { cause: error },
      );
    }
    if (error instanceof GoogleUnavailableError || error instanceof RateLimitedError) {
      return new ConnectFailedError(
        'google_unavailable',
        `Google could not be reached while ${step}; try again in a moment.`,
        {
          cause: error,
        },
      );
    }
    const detail = error instanceof AppError || error instanceof Error ? error.message : String(error);
    return new ConnectFailedError('consent_error', `Google refused the request while ${step}: ${detail}`, {
      cause: error,
    });
  }

  private async unusableState(stateHash: string): Promise<ConnectFailedError> {
    const row = await this.deps.states.findByHash(stateHash);
    if (!row) {
      return new ConnectFailedError(
        'unknown_state',
        'This sign-in link is not recognized. Start connecting again from the app.',
      );
    }
    if (row.used_at !== null) {
      return new ConnectFailedError(
        'state_used',
        'This sign-in link was already used. Start connecting again from the app.',
      );
    }
    return new ConnectFailedError(
      'state_expired',
      'This sign-in link expired (links are valid for 10 minutes). Start connecting again from the app.',
    );
  }

  /** The address to pre-select on Google's account chooser: the connected account, else the CRM user's. */
  private async knownEmail(owner: Owner): Promise<string | undefined> {
    const existing = await this.deps.connections.findByOwner(owner);
    if (existing?.google_email) return existing.google_email;
    const user = await this.deps.users.find(owner.tenantId, owner.userId);
    return user?.email ?? undefined;
  }
}

/** Whether the finishing browser sent the secret of the browser that started this consent. */
function sameBrowser(storedHash: string | null, presented: string | undefined): boolean {
  if (storedHash === null || presented === undefined || presented === '') return false;
  return constantTimeEqual(sha256Base64url(presented), storedHash);
}
