import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Prometheus exposition of this process's metrics. */
export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (HTTP, Google API calls, jobs)',
        produces: ['text/plain'],
        response: { 200: z.string().describe('Prometheus text exposition format') },
      },
      logLevel: 'warn',
    },
    async (_request, reply) => {
      const { contentType, body } = await app.ctx.metrics.render();
      return reply.type(contentType).send(body);
    },
  );
};
