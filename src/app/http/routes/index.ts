import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { activitiesRoutes } from './activities.routes.js';
import { authRoutes } from './auth.routes.js';
import { availabilityRoutes } from './availability.routes.js';
import { calendarEventsRoutes } from './calendar-events.routes.js';
import { calendarsRoutes } from './calendars.routes.js';
import { crmRoutes } from './crm.routes.js';
import { eventsWriteRoutes } from './events-write.routes.js';
import { healthRoutes } from './health.routes.js';
import { integrationsRoutes } from './integrations.routes.js';
import { metricsRoutes } from './metrics.routes.js';
import { notificationsRoutes } from './notifications.routes.js';
import { openapiRoutes } from './openapi.routes.js';
import { syncRoutes } from './sync.routes.js';
import { webRoutes } from './web.routes.js';
import { webhooksRoutes } from './webhooks.routes.js';

/** What a process without the API (the `worker` role) still answers: probes and metrics. */
export const operationsRouteModules: readonly FastifyPluginAsyncZod[] = [healthRoutes, metricsRoutes];

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
  eventsWriteRoutes,
  calendarsRoutes,
  calendarEventsRoutes,
  syncRoutes,
  webhooksRoutes,
  notificationsRoutes,
  availabilityRoutes,
  webRoutes,
];
