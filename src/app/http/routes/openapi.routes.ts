import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** The OpenAPI 3 document generated from the route schemas (the /docs page reads the same). */
export const openapiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('application/json; charset=utf-8').send(app.swagger());
  });
};
