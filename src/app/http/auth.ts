import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.js';
import { TokenVerifier, type AuthContext } from './auth-tokens.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The application context; every route plugin reaches services through it. */
    ctx: AppContext;
    /** preHandler that verifies the bearer token and sets `request.auth` (401 otherwise). */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    tokenVerifier: TokenVerifier;
  }
  interface FastifyRequest {
    /** Who is asking; set by `app.authenticate`, so only read it on authenticated routes. */
    auth: AuthContext;
  }
}

/** OpenAPI security requirement for routes behind `app.authenticate`. */
export const bearerSecurity = [{ bearerAuth: [] as string[] }];

/**
 * Sets up CRM authentication on the root instance: the token verifier (JWT or dev mode) and the
 * `authenticate` preHandler, which also records the user (first seen / last seen).
 */
export async function registerAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const verifier = await TokenVerifier.create(ctx.config, ctx.clock, ctx.logger);
  app.decorate('tokenVerifier', verifier);
  app.decorateRequest('auth', null as unknown as AuthContext);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const auth = await verifier.verifyAuthorizationHeader(request.headers.authorization);
    request.auth = auth;
    request.log = request.log.child({ tenantId: auth.tenantId, userId: auth.userId });
    await ctx.services.users.touch(auth.tenantId, auth.userId, { name: auth.name, email: auth.email });
  });
}
