import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import { activitiesParams, activitiesQuery, activityPage, toActivityJson } from './crm.schema.js';

/** The activity timeline of a CRM record (meetings logged by calendar sync, newest first). */
export const activitiesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const { activities } = app.ctx.services;

  app.get(
    '/crm/:type/:id/activities',
    {
      schema: {
        tags: ['crm'],
        security: bearerSecurity,
        summary: "List a record's activities, newest first",
        params: activitiesParams,
        querystring: activitiesQuery,
        response: {
          200: activityPage,
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
          404: errorEnvelopeSchema,
        },
      },
    },
    async (request) => {
      const { type, id } = request.params;
      const page = await activities.listForEntity(request.auth.tenantId, type, id, request.query);
      return { items: page.items.map(toActivityJson), next_cursor: page.nextCursor };
    },
  );
};
