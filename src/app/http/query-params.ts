import type { FastifyInstance, preValidationAsyncHookHandler, RouteOptions } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../kernel/errors.js';

/** 400: the query string names a parameter the endpoint does not take. */
class UnknownQueryParameterError extends AppError {
  readonly code = 'unknown_query_parameter';
}

/** The route's methods and path as a person reads them: `PATCH /calendar/events/:id`. */
function describeRoute(route: Pick<RouteOptions, 'method' | 'url'>): string {
  const methods = Array.isArray(route.method) ? route.method.join('|') : route.method;
  return `${methods} ${route.url}`;
}

/**
 * Makes every route registered after this call refuse query parameters it does not declare,
 * instead of dropping them: a misspelt or misplaced parameter (`?scope=all` where the endpoint
 * reads the body) answers 400 `unknown_query_parameter` naming it and what the endpoint takes.
 *
 * A route without a querystring schema takes no parameters (`z.strictObject({})`), and a plain
 * `z.object` (which would strip unknown keys silently) is made strict. Only `z.looseObject` lets
 * unknown parameters through, for the few routes that must take parameters they do not know (the
 * OAuth callback: RFC 6749 section 4.1.2 has the client ignore unrecognized response parameters).
 * A querystring schema that is not a zod object is refused when the route is registered.
 *
 * The check runs before validation (which reads params and body first), so the unknown
 * parameter is what the answer names even when the body is wrong too.
 */
export function refuseUnknownQueryParameters(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const declared: unknown = route.schema?.querystring ?? z.strictObject({});
    if (!(declared instanceof z.ZodObject)) {
      throw new Error(`${describeRoute(route)}: declare its querystring schema with z.strictObject`);
    }
    const catchall = declared.def.catchall;
    if (catchall instanceof z.ZodUnknown) return;
    if (catchall !== undefined && !(catchall instanceof z.ZodNever)) {
      throw new Error(
        `${describeRoute(route)}: a querystring schema with a catchall cannot say what it takes`,
      );
    }
    route.schema = { ...route.schema, querystring: declared.strict() };
    const accepted = Object.keys(declared.shape);
    const takes =
      accepted.length === 0
        ? `${describeRoute(route)} takes no query parameters`
        : `${describeRoute(route)} takes ${accepted.join(', ')}`;
    const check: preValidationAsyncHookHandler = async (request) => {
      const query = request.query;
      if (typeof query !== 'object' || query === null) return;
      const unknown = Object.keys(query).filter((name) => !accepted.includes(name));
      if (unknown.length === 0) return;
      const names = unknown.map((name) => `"${name}"`).join(', ');
      throw new UnknownQueryParameterError(
        `Unknown query parameter${unknown.length === 1 ? '' : 's'} ${names}: ${takes}`,
        { parameters: unknown, accepted },
      );
    };
    const existing = route.preValidation;
    route.preValidation = existing === undefined ? [check] : [...[existing].flat(), check];
  });
}
