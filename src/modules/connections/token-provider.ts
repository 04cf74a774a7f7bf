import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { ConnectionRow } from '../../adapters/db/tables/connections.js';
import { PreconditionFailedError } from '../../kernel/errors.js';
import { GoogleUnavailableError, TokenRevokedError } from '../../adapters/google/errors.js';
import type { AccessTokenSource } from '../../adapters/google/google-clients.js';
import type { GoogleOAuth } from '../../adapters/google/oauth.js';
import type { TokenCipher } from '../../adapters/security/token-cipher.js';
import type { ConnectionRepository } from './connection.repository.js';
import { tokenContext, type ConnectionRef } from './connection.types.js';

export interface TokenProviderOptions {
  /** Refresh when the token expires within this margin (default 5 minutes). */
  refreshMarginMs?: number;
  /** How long a refresh lease is held before another process may take over (default 30 s). */
  leaseMs?: number;
  /** How long a caller waits for another process's refresh before giving up (default 45 s). */
  waitTimeoutMs?: number;
}

const REAUTH_MESSAGE = 'Google revoked or expired the authorization; reconnect Google Calendar';

/**
 * Hands out valid access tokens for connections, refreshing them before they expire.
 *
 * Refresh is single-flight at two levels: callers in one process share one promise per
 * connection, and processes coordinate through a lease column (`refresh_lease_until`) taken by
 * one conditional UPDATE. The winner spends the refresh token and stores the new tokens; the
 * others poll until the row changes and use what the winner stored. So two workers never spend
 * the same refresh token at once (which Google may treat as token reuse).
 */
export class TokenProvider implements AccessTokenSource {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly refreshMarginMs: number;
  private readonly leaseMs: number;
  private readonly waitTimeoutMs: number;

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly cipher: TokenCipher,
    private readonly oauth: GoogleOAuth,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: TokenProviderOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 45_000;
  }

  /** A valid access token for the connection (refreshed first when within the margin of expiry). */
  async getAccessToken(connection: ConnectionRef): Promise<string> {
    const row = await this.load(connection);
    if (this.isFresh(row)) return this.openAccessToken(row);
    return this.singleFlight(connection, row.access_token_enc);
  }

  /** After a 401: a token newer than the rejected one, refreshing unless someone already did. */
  async refreshAfterUnauthorized(connection: ConnectionRef, rejectedToken: string): Promise<string> {
    const row = await this.load(connection);
    if (this.isFresh(row) && this.openAccessToken(row) !== rejectedToken) return this.openAccessToken(row);
    return this.singleFlight(connection, row.access_token_enc);
  }

  /** Whether the connection may be used (jobs of a connection that is not active must not run). */
  async isActive(connection: ConnectionRef): Promise<boolean> {
    const row = await this.connections.findByRef(connection);
    return row?.status === 'active';
  }

  private singleFlight(connection: ConnectionRef, staleAccessEnc: string | null): Promise<string> {
    const running = this.inFlight.get(connection.id);
    if (running) return running;
    const promise = this.refreshAcrossProcesses(connection, staleAccessEnc).finally(() => {
      this.inFlight.delete(connection.id);
    });
    this.inFlight.set(connection.id, promise);
    return promise;
  }

  private async refreshAcrossProcesses(
    connection: ConnectionRef,
    staleAccessEnc: string | null,
  ): Promise<string> {
    const deadline = performance.now() + this.waitTimeoutMs;
    let delayMs = 25;
    for (;;) {
      const now = this.clock.now();
      const leased = await this.connections.acquireRefreshLease(
        connection,
        now,
        new Date(now.getTime() + this.leaseMs),
      );
      if (leased) {
        // Someone may have refreshed between our read and the lease: use their token.
        if (leased.access_token_enc !== staleAccessEnc && this.isFresh(leased)) {
          await this.connections.releaseLease(connection);
          return this.openAccessToken(leased);
        }
        return this.refreshHoldingLease(connection, leased);
      }
      // Another process holds the lease (or the connection is no longer active): wait for its result.
      const row = await this.load(connection);
      if (row.access_token_enc !== staleAccessEnc && this.isFresh(row)) return this.openAccessToken(row);
      if (performance.now() > deadline) {
        throw new GoogleUnavailableError('Timed out waiting for another process to refresh the Google token');
      }
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, 500);
    }
  }

  private async refreshHoldingLease(connection: ConnectionRef, row: ConnectionRow): Promise<string> {
    try {
      if (row.refresh_token_enc === null) throw new TokenRevokedError('The connection has no refresh token');
      const context = tokenContext(connection);
      const refreshToken = this.cipher.decrypt(row.refresh_token_enc, context);
      const tokens = await this.oauth.refresh(refreshToken);
      await this.connections.saveRefreshed(connection, {
        accessTokenEnc: this.cipher.encrypt(tokens.accessToken, context),
        // Written again under the active key even when Google did not rotate it (key rotation).
        refreshTokenEnc: this.cipher.encrypt(tokens.refreshToken ?? refreshToken, context),
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        now: this.clock.now(),
      });
      this.logger.info({ connectionId: connection.id }, 'Refreshed Google access token');
      return tokens.accessToken;
    } catch (error) {
      if (error instanceof TokenRevokedError) {
        const marked = await this.connections.markReauthRequired(
          connection,
          row.refresh_token_enc,
          `${REAUTH_MESSAGE} (${error.message})`,
          this.clock.now(),
        );
        if (!marked) {
          // The user connected again while the old token was being spent: the new grant stands.
          const current = await this.load(connection);
          if (this.isFresh(current)) return this.openAccessToken(current);
        }
        this.logger.warn(
          { connectionId: connection.id },
          'Google refused the refresh token; reconnect required',
        );
        throw new TokenRevokedError(REAUTH_MESSAGE, undefined, { cause: error });
      }
      await this.connections.releaseLease(connection);
      throw error;
    }
  }

  private async load(connection: ConnectionRef): Promise<ConnectionRow> {
    const row = await this.connections.findByRef(connection);
    if (!row || row.status === 'disconnected') {
      throw new PreconditionFailedError('Google Calendar is not connected');
    }
    if (row.status === 'reauth_required') throw new TokenRevokedError(row.last_error ?? REAUTH_MESSAGE);
    return row;
  }

  private isFresh(row: ConnectionRow): boolean {
    return (
      row.access_token_enc !== null &&
      row.token_expires_at !== null &&
      row.token_expires_at.getTime() - this.clock.now().getTime() > this.refreshMarginMs
    );
  }

  private openAccessToken(row: ConnectionRow): string {
    if (row.access_token_enc === null) throw new TokenRevokedError(REAUTH_MESSAGE);
    return this.cipher.decrypt(
      row.access_token_enc,
      tokenContext({ tenantId: row.tenant_id, userId: row.user_id }),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
