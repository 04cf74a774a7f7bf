import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OAuthError } from '../errors.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { finishOrDrop, RawText } from '../calendar/route-kit.js';
import { ACCESS_TOKEN_TTL_SECONDS, ADMIN_CLIENT_ID, type AuthCodeRecord } from './oauth-store.js';

/** Form fields of a token or revoke request (form-encoded, JSON, or query string). */
export function formFields(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const take = (source: unknown): void => {
    if (!source || typeof source !== 'object') return;
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      const first = Array.isArray(value) ? (value[0] as unknown) : value;
      if (typeof first === 'string' && key !== '__proto__' && !(key in out)) out[key] = first;
    }
  };
  let body = request.body;
  if (body instanceof RawText) {
    const text = body.text.trim();
    if (text.startsWith('{')) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new OAuthError(400, 'invalid_request', 'Could not parse the request body.');
      }
    } else {
      body = Object.fromEntries(new URLSearchParams(text));
    }
  }
  take(body);
  take(request.query);
  return out;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Client authentication (client_secret_post or HTTP Basic). Until clients are registered every
 * client id and secret is accepted; afterwards unknown clients and wrong secrets get 401.
 */
function authenticateClient(
  state: EmulatorState,
  request: FastifyRequest,
  fields: Record<string, string>,
): string | undefined {
  let clientId = fields.client_id;
  let secret = fields.client_secret;
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      clientId ??= decodeURIComponent(decoded.slice(0, colon));
      secret ??= decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  if (state.oauth.clients.size === 0) return clientId;
  const client = clientId ? state.oauth.clients.get(clientId) : undefined;
  if (!client) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (!secret || !safeEqual(secret, client.clientSecret))
    throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  return clientId;
}

function verifyPkce(code: AuthCodeRecord, verifier: string | undefined): void {
  if (!code.codeChallenge) return;
  if (!verifier) throw new OAuthError(400, 'invalid_grant', 'Missing code verifier.');
  const computed =
    code.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  if (!safeEqual(computed, code.codeChallenge))
    throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
}

function tokenResponse(
  access: { token: string; scopes: string[] },
  refreshToken?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { access_token: access.token, expires_in: ACCESS_TOKEN_TTL_SECONDS };
  if (refreshToken) out.refresh_token = refreshToken;
  out.scope = access.scopes.join(' ');
  out.token_type = 'Bearer';
  return out;
}

function exchangeCode(
  state: EmulatorState,
  fields: Record<string, string>,
  clientId: string | undefined,
): Record<string, unknown> {
  const codeValue = fields.code;
  if (!codeValue) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code');
  const code = state.oauth.codes.get(codeValue);
  if (!code || code.used || code.expiresAtMs <= state.now())
    throw new OAuthError(400, 'invalid_grant', 'Bad Request');
  if (clientId !== undefined && clientId !== code.clientId) {
    throw new OAuthError(400, 'invalid_grant', 'The authorization code was issued to another client.');
  }
  if (fields.redirect_uri !== code.redirectUri)
    throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
  verifyPkce(code, fields.code_verifier);
  code.used = true;
  const now = state.now();
  const refresh = code.issueRefreshToken
    ? state.oauth.mintRefresh(code.email, code.scopes, code.clientId, null)
    : undefined;
  const access = state.oauth.mintAccess(
    code.email,
    code.scopes,
    code.clientId,
    now,
    ACCESS_TOKEN_TTL_SECONDS,
    refresh?.token,
  );
  return tokenResponse({ token: access.token, scopes: access.scopes }, refresh?.token);
}

function refreshGrant(
  state: EmulatorState,
  fields: Record<string, string>,
  clientId: string | undefined,
): Record<string, unknown> {
  const token = fields.refresh_token;
  if (!token) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const record = state.oauth.liveRefresh(token, state.now());
  if (!record || !state.users.has(record.email))
    throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  // Admin-minted tokens are not bound to a client; others refresh only for their own client.
  if (record.clientId !== ADMIN_CLIENT_ID && clientId !== undefined && clientId !== record.clientId) {
    throw new OAuthError(401, 'unauthorized_client', 'Unauthorized');
  }
  const access = state.oauth.mintAccess(
    record.email,
    record.scopes,
    record.clientId,
    state.now(),
    ACCESS_TOKEN_TTL_SECONDS,
    record.token,
  );
  return tokenResponse({ token: access.token, scopes: access.scopes });
}

export function registerTokenRoutes(app: FastifyInstance, state: EmulatorState): void {
  for (const path of ['/token', '/oauth2/v4/token', '/o/oauth2/token']) {
    app.post(path, { config: { methodId: 'oauth.token' } }, async (request, reply) => {
      const fields = formFields(request);
      const grantType = fields.grant_type;
      if (!grantType) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: grant_type');
      if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
        throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType.slice(0, 64)}`);
      }
      const clientId = authenticateClient(state, request, fields);
      const body =
        grantType === 'authorization_code'
          ? exchangeCode(state, fields, clientId)
          : refreshGrant(state, fields, clientId);
      if (finishOrDrop(request, reply)) return reply;
      return reply.header('cache-control', 'no-store').send(body);
    });
  }

  for (const path of ['/revoke', '/o/oauth2/revoke']) {
    app.post(path, { config: { methodId: 'oauth.revoke' } }, async (request, reply) => {
      const token = formFields(request).token;
      if (!token) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: token');
      if (!state.oauth.revoke(token, state.now()))
        throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
      if (finishOrDrop(request, reply)) return reply;
      return reply.send({});
    });
  }
}
