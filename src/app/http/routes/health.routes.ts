import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    database: z.enum(['ok', 'failing']),
    jobs: z.enum(['ok', 'stopped']),
  }),
});

/** Liveness (the process answers) and readiness (it can do its work: database and job queue). */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      logLevel: 'warn',
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers and the job queue runs',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
      logLevel: 'warn',
    },
    async (request, reply) => {
      const { database, queue } = app.ctx;
      const databaseOk = await database.ping().then(
        () => true,
        (error: unknown) => {
          request.log.warn({ err: error }, 'Readiness: database ping failed');
          return false;
        },
      );
      const ready = databaseOk && queue.started;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not_ready',
        checks: { database: databaseOk ? 'ok' : 'failing', jobs: queue.started ? 'ok' : 'stopped' },
      });
    },
  );
};
