import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { googleErrors, OAuthError } from '../errors.js';
import { bearerToken } from '../calendar/route-kit.js';
import type { EmulatorState } from '../state/emulator-state.js';
import type { UserRecord } from '../state/types.js';
import { formFields } from './token.js';

/** A stable numeric account id, like Google's `sub`. */
function subjectOf(email: string): string {
  const digest = createHash('sha256').update(email).digest();
  return `1${digest.readBigUInt64BE(0).toString().padStart(20, '0')}`.slice(0, 21);
}

function names(user: UserRecord): { given: string; family: string } {
  const [given = user.name, ...rest] = user.name.split(' ');
  return { given, family: rest.join(' ') };
}

/**
 * Userinfo and tokeninfo. Any live access token may read its own account's email, as Google
 * allows with the openid/email scopes; the service uses it to learn the Google account.
 */
export function registerUserInfoRoutes(app: FastifyInstance, state: EmulatorState): void {
  const userFor = (request: FastifyRequest): UserRecord => {
    const raw = bearerToken(request);
    const token = raw ? state.oauth.liveAccess(raw, state.now()) : null;
    const user = token ? state.users.get(token.email) : undefined;
    if (!user) throw googleErrors.invalidCredentials();
    return user;
  };

  for (const path of ['/oauth2/v2/userinfo', '/userinfo/v2/me']) {
    app.get(path, async (request) => {
      const user = userFor(request);
      const { given, family } = names(user);
      return {
        id: subjectOf(user.email),
        email: user.email,
        verified_email: true,
        name: user.name,
        given_name: given,
        family_name: family,
        picture: 'https://lh3.googleusercontent.com/a/default-user=s96-c',
      };
    });
  }
  for (const path of ['/oauth2/v3/userinfo', '/openidconnect/v1/userinfo']) {
    app.get(path, async (request) => {
      const user = userFor(request);
      const { given, family } = names(user);
      return {
        sub: subjectOf(user.email),
        name: user.name,
        given_name: given,
        family_name: family,
        picture: 'https://lh3.googleusercontent.com/a/default-user=s96-c',
        email: user.email,
        email_verified: true,
      };
    });
  }

  for (const path of ['/tokeninfo', '/oauth2/v3/tokeninfo']) {
    app.route({
      method: ['GET', 'POST'],
      url: path,
      handler: async (request) => {
        const raw = formFields(request).access_token ?? bearerToken(request);
        if (!raw) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: access_token');
        const now = state.now();
        const token = state.oauth.liveAccess(raw, now);
        if (!token) throw new OAuthError(400, 'invalid_token', 'Invalid Value');
        return {
          azp: token.clientId,
          aud: token.clientId,
          sub: subjectOf(token.email),
          scope: token.scopes.join(' '),
          exp: String(Math.floor(token.expiresAtMs / 1000)),
          expires_in: Math.max(0, Math.floor((token.expiresAtMs - now) / 1000)),
          email: token.email,
          email_verified: 'true',
          access_type: token.refreshToken ? 'offline' : 'online',
        };
      },
    });
  }
}
