import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { activitiesRoutes } from './activities.routes.js';
import { authRoutes } from './auth.routes.js';
import { crmRoutes } from './crm.routes.js';
import { healthRoutes } from './health.routes.js';
import { integrationsRoutes } from './integrations.routes.js';
import { metricsRoutes } from './metrics.routes.js';
import { openapiRoutes } from './openapi.routes.js';
import { webRoutes } from './web.routes.js';

/**
 * Every route module, registered in this order by buildServer. Each is a Fastify plugin that
 * reaches services through `app.ctx` and protects its routes with `preHandler: app.authenticate`.
 * Add one line per module.
 */
export const routeModules: readonly FastifyPluginAsyncZod[] = [
  healthRoutes,
  metricsRoutes,
  openapiRoutes,
  authRoutes,
  integrationsRoutes,
  crmRoutes,
  activitiesRoutes,
  webRoutes,
];
