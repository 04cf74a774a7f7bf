import { randomToken } from '../ids.js';

export interface AccessTokenRecord {
  token: string;
  email: string;
  scopes: string[];
  clientId: string;
  expiresAtMs: number;
  refreshToken?: string;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  email: string;
  scopes: string[];
  clientId: string;
  expiresAtMs: number | null;
  revoked: boolean;
}

export interface AuthCodeRecord {
  code: string;
  clientId: string;
  redirectUri: string;
  email: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAtMs: number;
  used: boolean;
  issueRefreshToken: boolean;
}

export interface OAuthClientRecord {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** What a user has granted a client so far (drives refresh-token issuance and incremental auth). */
export interface GrantRecord {
  email: string;
  clientId: string;
  scopes: string[];
}

/** Access tokens live 3599 seconds, like Google's. */
export const ACCESS_TOKEN_TTL_SECONDS = 3599;
/** Authorization codes are single-use and expire after 10 minutes. */
export const AUTH_CODE_TTL_MS = 10 * 60 * 1000;
/** Client id used for tokens minted through the admin API. */
export const ADMIN_CLIENT_ID = 'emulator-admin';

export class OAuthStore {
  readonly access = new Map<string, AccessTokenRecord>();
  readonly refresh = new Map<string, RefreshTokenRecord>();
  readonly codes = new Map<string, AuthCodeRecord>();
  readonly clients = new Map<string, OAuthClientRecord>();
  readonly grants = new Map<string, GrantRecord>();

  static grantKey(email: string, clientId: string): string {
    return `${email}\n${clientId}`;
  }

  mintAccess(
    email: string,
    scopes: string[],
    clientId: string,
    nowMs: number,
    ttlSeconds: number,
    refreshToken?: string,
  ): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: `ya29.${randomToken(48)}`,
      email,
      scopes,
      clientId,
      expiresAtMs: nowMs + ttlSeconds * 1000,
      revoked: false,
    };
    if (refreshToken) record.refreshToken = refreshToken;
    this.access.set(record.token, record);
    return record;
  }

  mintRefresh(
    email: string,
    scopes: string[],
    clientId: string,
    expiresAtMs: number | null,
  ): RefreshTokenRecord {
    const record: RefreshTokenRecord = {
      token: `1//${randomToken(64)}`,
      email,
      scopes,
      clientId,
      expiresAtMs,
      revoked: false,
    };
    this.refresh.set(record.token, record);
    return record;
  }

  /** The live access-token record, or null if unknown, expired or revoked. */
  liveAccess(token: string, nowMs: number): AccessTokenRecord | null {
    const record = this.access.get(token);
    if (!record || record.revoked || record.expiresAtMs <= nowMs) return null;
    return record;
  }

  liveRefresh(token: string, nowMs: number): RefreshTokenRecord | null {
    const record = this.refresh.get(token);
    if (!record || record.revoked) return null;
    if (record.expiresAtMs !== null && record.expiresAtMs <= nowMs) return null;
    return record;
  }

  /**
   * Revokes a token. Like Google, revoking either an access token or a refresh token revokes the
   * whole grant: the refresh token and every access token minted from it.
   */
  revoke(token: string, nowMs: number): boolean {
    const access = this.liveAccess(token, nowMs);
    const refreshToken = access ? access.refreshToken : this.liveRefresh(token, nowMs)?.token;
    if (!access && !refreshToken) return false;
    if (access) access.revoked = true;
    if (refreshToken) {
      const refresh = this.refresh.get(refreshToken);
      if (refresh) {
        refresh.revoked = true;
        this.grants.delete(OAuthStore.grantKey(refresh.email, refresh.clientId));
      }
      for (const record of this.access.values()) {
        if (record.refreshToken === refreshToken) record.revoked = true;
      }
    }
    return true;
  }

  /** Revokes every token and grant of a user; returns how many tokens were live. */
  revokeUser(email: string, nowMs: number): number {
    let count = 0;
    for (const record of this.access.values()) {
      if (record.email === email && !record.revoked) {
        if (record.expiresAtMs > nowMs) count++;
        record.revoked = true;
      }
    }
    for (const record of this.refresh.values()) {
      if (record.email === email && !record.revoked) {
        count++;
        record.revoked = true;
      }
    }
    for (const [key, grant] of this.grants) if (grant.email === email) this.grants.delete(key);
    return count;
  }

  clear(): void {
    this.access.clear();
    this.refresh.clear();
    this.codes.clear();
    this.clients.clear();
    this.grants.clear();
  }
}
