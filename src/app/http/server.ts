import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../app.js';
import { registerAuth } from './auth.js';
import { registerErrorHandling, sendFrameworkError } from './errors.js';
import { refuseUnstorableText } from './input-characters.js';
import { closeKeepAliveOnShutdown } from './keep-alive-close.js';
import { refuseUnknownQueryParameters } from './query-params.js';
import { limitRequestsPerUser } from './rate-limit.js';
import { operationsRouteModules, routeModules } from './routes/index.js';
import { applySecurityHeaders, docsCsp, securityHeaders } from './security-headers.js';

/** A client-sent request id is reused only if it is short and plain (it ends up in logs). */
const REQUEST_ID_PATTERN = /^[\w.:-]{1,64}$/;

/** Probes and scrapes hit these often; their per-request log lines would drown the rest. */
const QUIET_PATHS = ['/healthz', '/readyz', '/metrics'];

function isQuietRequest(request: { url?: string | undefined }): boolean {
  const path = (request.url ?? '').split('?')[0];
  return QUIET_PATHS.includes(path ?? '');
}

function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
}

/**
 * Builds the HTTP server: Fastify 5 with zod schemas for validation, serialization and the
 * OpenAPI document (/openapi.json, interactive at /docs), request-scoped pino logs, one error
 * handler, security headers on every answer, Prometheus request metrics, keep-alive connections
 * ended on close, CRM authentication, and every route module (each refusing query parameters it
 * does not declare, and every one refusing text the database cannot store).
 * `operationsOnly` serves just /healthz, /readyz and /metrics (the `worker` role).
 */
export async function buildServer(
  ctx: AppContext,
  options: { operationsOnly?: boolean } = {},
): Promise<FastifyInstance> {
  // Typed as Fastify's base logger so the instance is the plain FastifyInstance route plugins expect.
  const loggerInstance: FastifyBaseLogger = ctx.logger;
  const app = Fastify({
    loggerInstance,
    genReqId: requestId,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: isQuietRequest,
    }),
    routerOptions: { ignoreTrailingSlash: true },
    // Before any hook runs: the headers the onRequest hooks would have set, and the envelope.
    frameworkErrors: (error, request, reply) => {
      void sendFrameworkError(
        error,
        request,
        reply.headers(securityHeaders(ctx.config)).header('x-request-id', request.id),
      );
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('ctx', ctx);
  closeKeepAliveOnShutdown(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  applySecurityHeaders(app, ctx.config);
  refuseUnstorableText(app);
  app.addHook('onResponse', async (request, reply) => {
    // Route patterns (not raw URLs) keep label cardinality bounded; unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.recordHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  registerErrorHandling(app);
  if (options.operationsOnly === true) {
    refuseUnknownQueryParameters(app);
    for (const routes of operationsRouteModules) await app.register(routes);
    return app;
  }
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CRM Calendar Sync',
        description:
          'Two-way sync between the CRM and Google Calendar. Authenticate with `Authorization: Bearer <JWT>`' +
          (ctx.config.auth.mode === 'dev'
            ? ' (in this dev install, get one from POST /auth/dev/token).'
            : '.'),
        version: '0.1.0',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: docsCsp(ctx.config) });
  await registerAuth(app, ctx);
  limitRequestsPerUser(app, ctx);

  // After the plugins' own routes (/docs): every route of this service declares its parameters.
  refuseUnknownQueryParameters(app);
  for (const routes of routeModules) await app.register(routes);
  return app;
}
