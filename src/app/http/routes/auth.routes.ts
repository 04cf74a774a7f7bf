import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEMO_USERS, findDemoUser } from '../../demo-users.js';
import { NotFoundError } from '../../../kernel/errors.js';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import { DEV_SIGN_IN_PAGE_CSP, renderDevSignInPage } from './dev-sign-in.page.js';

const meSchema = z.object({
  tenant_id: z.string(),
  user_id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  auth_mode: z.enum(['jwt', 'dev']),
});

/** Read by the page's script, which goes back there after signing in. */
const devSignInQuery = z.strictObject({
  next: z.string().max(2000).optional().describe('Local path to return to after signing in (default /)'),
});

const devTokenRequestSchema = z.object({
  tenant_id: z.string().min(1).default('default'),
  user_id: z.string().min(1),
});

const devTokenResponseSchema = z.object({
  token: z.string().describe('HS256 bearer token for this install'),
  token_type: z.literal('Bearer'),
  expires_at: z.iso.datetime(),
  user: z.object({ tenant_id: z.string(), user_id: z.string(), name: z.string(), email: z.string() }),
});

/** Who am I, and (in AUTH_MODE=dev only) the demo sign-in page and its token endpoint. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in CRM user',
        security: bearerSecurity,
        response: { 200: meSchema, 401: errorEnvelopeSchema },
      },
      preHandler: app.authenticate,
    },
    async (request) => {
      const user = await app.ctx.services.users.find(request.auth.tenantId, request.auth.userId);
      return {
        tenant_id: request.auth.tenantId,
        user_id: request.auth.userId,
        name: user?.name ?? request.auth.name ?? null,
        email: user?.email ?? request.auth.email ?? null,
        auth_mode: app.ctx.config.auth.mode,
      };
    },
  );

  if (!app.tokenVerifier.devMode) return;

  app.get(
    '/auth/dev',
    {
      schema: {
        tags: ['auth'],
        summary: 'Dev sign-in page (AUTH_MODE=dev only)',
        produces: ['text/html'],
        querystring: devSignInQuery,
      },
    },
    async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-security-policy', DEV_SIGN_IN_PAGE_CSP)
        .send(renderDevSignInPage(DEMO_USERS)),
  );

  app.post(
    '/auth/dev/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Mint a bearer token for a demo user (AUTH_MODE=dev only)',
        body: devTokenRequestSchema,
        response: { 200: devTokenResponseSchema, 400: errorEnvelopeSchema, 404: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const user = findDemoUser(request.body.tenant_id, request.body.user_id);
      if (user === undefined) {
        throw new NotFoundError(`No demo user ${request.body.user_id} in tenant ${request.body.tenant_id}`);
      }
      const { token, expiresAt } = await app.tokenVerifier.mintDevToken(user);
      request.log.info({ tenantId: user.tenantId, userId: user.userId }, 'Dev sign-in');
      return {
        token,
        token_type: 'Bearer' as const,
        expires_at: expiresAt.toISOString(),
        user: { tenant_id: user.tenantId, user_id: user.userId, name: user.name, email: user.email },
      };
    },
  );
};
