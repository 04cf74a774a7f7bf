import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomToken } from '../ids.js';
import { ensureUser, isValidEmail, normalizeEmail } from '../state/directory.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { canonicalScope, KNOWN_SCOPES } from '../calendar/scopes.js';
import { consentPage, errorPage, type AuthParams } from './consent-page.js';
import { AUTH_CODE_TTL_MS, OAuthStore } from './oauth-store.js';

const AUTH_PATHS = ['/o/oauth2/v2/auth', '/o/oauth2/auth'];

class AuthPageError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

interface ValidRequest {
  params: AuthParams;
  clientId: string;
  redirectUri: string;
  scopes: string[];
}

function stringParams(raw: unknown): AuthParams {
  const out: AuthParams = {};
  if (raw && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      const first = Array.isArray(value) ? (value[0] as unknown) : value;
      if (typeof first === 'string' && key !== '__proto__') out[key] = first;
    }
  }
  return out;
}

/**
 * Checks an authorization request the way Google does before anything is shown: problems with
 * the client or the redirect URI end on an error page, never in a redirect.
 */
function validate(state: EmulatorState, params: AuthParams): ValidRequest {
  const clientId = params.client_id;
  if (!clientId) throw new AuthPageError(400, 'invalid_request', 'Missing required parameter: client_id');
  if (!params.response_type)
    throw new AuthPageError(400, 'invalid_request', 'Missing required parameter: response_type');
  const redirectUri = params.redirect_uri;
  if (!redirectUri)
    throw new AuthPageError(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  try {
    new URL(redirectUri);
  } catch {
    throw new AuthPageError(
      400,
      'invalid_request',
      `Invalid parameter value for redirect_uri: ${redirectUri}`,
    );
  }
  if (state.oauth.clients.size > 0) {
    const client = state.oauth.clients.get(clientId);
    if (!client) throw new AuthPageError(401, 'invalid_client', 'The OAuth client was not found.');
    if (!client.redirectUris.includes(redirectUri)) {
      throw new AuthPageError(
        400,
        'redirect_uri_mismatch',
        `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`,
      );
    }
  }
  if (params.response_type !== 'code') {
    throw new AuthPageError(
      400,
      'unsupported_response_type',
      `Unsupported response_type: ${params.response_type}`,
    );
  }
  const scopes = (params.scope ?? '').split(/[\s+]+/).filter(Boolean);
  if (scopes.length === 0)
    throw new AuthPageError(400, 'invalid_request', 'Missing required parameter: scope');
  const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s));
  if (unknown.length > 0)
    throw new AuthPageError(400, 'invalid_scope', `Some requested scopes were invalid: ${unknown.join(' ')}`);
  const method = params.code_challenge_method;
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    throw new AuthPageError(400, 'invalid_request', `Invalid code_challenge_method: ${method}`);
  }
  if (method !== undefined && !params.code_challenge) {
    throw new AuthPageError(400, 'invalid_request', 'Missing required parameter: code_challenge');
  }
  return { params, clientId, redirectUri, scopes: [...new Set(scopes.map(canonicalScope))] };
}

function redirectTo(
  reply: FastifyReply,
  redirectUri: string,
  query: Record<string, string | undefined>,
): FastifyReply {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  return reply.redirect(url.toString(), 302);
}

/**
 * The user consented: record the grant and issue a single-use code bound to the client, the
 * redirect URI and the PKCE challenge. A refresh token will come with it only on the first consent
 * of this user to this client, or when `prompt=consent` asked for consent again.
 */
function approve(
  state: EmulatorState,
  request: ValidRequest,
  email: string,
  reply: FastifyReply,
): FastifyReply {
  const user = ensureUser(state, email);
  const key = OAuthStore.grantKey(user.email, request.clientId);
  const previous = state.oauth.grants.get(key);
  const prompts = (request.params.prompt ?? '').split(/\s+/);
  let scopes = request.scopes;
  if (request.params.include_granted_scopes === 'true' && previous) {
    scopes = [...new Set([...previous.scopes, ...scopes])];
  }
  const issueRefreshToken =
    request.params.access_type === 'offline' && (!previous || prompts.includes('consent'));
  state.oauth.grants.set(key, {
    email: user.email,
    clientId: request.clientId,
    scopes: [...new Set([...(previous?.scopes ?? []), ...scopes])],
  });
  const code = `4/${randomToken(40)}`;
  state.oauth.codes.set(code, {
    code,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    email: user.email,
    scopes,
    ...(request.params.code_challenge
      ? {
          codeChallenge: request.params.code_challenge,
          codeChallengeMethod:
            request.params.code_challenge_method === 'S256' ? ('S256' as const) : ('plain' as const),
        }
      : {}),
    expiresAtMs: state.now() + AUTH_CODE_TTL_MS,
    used: false,
    issueRefreshToken,
  });
  return redirectTo(reply, request.redirectUri, {
    state: request.params.state,
    code,
    scope: scopes.join(' '),
    authuser: '0',
    prompt: 'consent',
  });
}

export function registerAuthorizeRoutes(app: FastifyInstance, state: EmulatorState): void {
  const showError = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (!(err instanceof AuthPageError)) throw err;
    return reply
      .code(err.status)
      .type('text/html; charset=utf-8')
      .send(errorPage(err.status, err.error, err.message));
  };

  for (const path of AUTH_PATHS) {
    app.get(path, async (request, reply) => {
      const params = stringParams(request.query);
      let valid: ValidRequest;
      try {
        valid = validate(state, params);
      } catch (err) {
        return showError(reply, err);
      }
      const hint = params.login_hint ? normalizeEmail(params.login_hint) : undefined;
      if (state.settings.autoConsent && hint && isValidEmail(hint)) return approve(state, valid, hint, reply);
      if (params.prompt === 'none') {
        return redirectTo(reply, valid.redirectUri, { state: params.state, error: 'interaction_required' });
      }
      const accounts = [...state.users.keys()].sort();
      return reply.type('text/html; charset=utf-8').send(consentPage(path, params, accounts, valid.scopes));
    });

    app.post(path, async (request, reply) => {
      const params = stringParams(request.body);
      let valid: ValidRequest;
      try {
        valid = validate(state, params);
      } catch (err) {
        return showError(reply, err);
      }
      if (params.decision !== 'allow') {
        return redirectTo(reply, valid.redirectUri, { state: params.state, error: 'access_denied' });
      }
      const email = normalizeEmail(params.email ?? '');
      if (!isValidEmail(email)) {
        return showError(
          reply,
          new AuthPageError(400, 'invalid_request', 'Choose or type a valid account email.'),
        );
      }
      return approve(state, valid, email, reply);
    });
  }
}
