import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConnectFailedError } from '../../../modules/connections/index.js';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import { CALLBACK_PAGE_CSP, failureStatus, renderCallbackFailure } from './integrations-callback.page.js';
import {
  callbackQuery,
  connectJson,
  connectQuery,
  disconnectJson,
  disconnectQuery,
  statusJson,
  toDisconnectJson,
  toStatusJson,
} from './integrations.schema.js';
import { browserBindingCookie } from './oauth-browser-binding.js';

/** Where the browser goes after a successful consent. */
const CONNECTED_REDIRECT = '/?calendar=connected';
const failures = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema };

/**
 * The Google Calendar connection: consent URL, OAuth callback, status and disconnect (the
 * original spec's paths). Thin: validate, call the connection services, shape the answer.
 */
export const integrationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['calendar connection'];
  const binding = browserBindingCookie(app.ctx.config);

  app.get(
    '/integrations/calendar/connect',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: "Start connecting Google Calendar: returns Google's consent URL",
        description:
          'The URL asks for calendar.events and calendar.readonly with offline access, PKCE (S256) and a ' +
          'single-use state valid for 10 minutes, bound to the caller and to the browser that receives this ' +
          "answer's cookie (browser_binding): the callback refuses a browser without it. Send that browser there.",
        querystring: connectQuery,
        response: { 200: connectJson, ...failures },
      },
    },
    async (request, reply) => {
      const started = await app.ctx.services.calendarConnect.startConnect(request.auth, {
        loginHint: request.query.login_hint,
      });
      return reply
        .header('cache-control', 'no-store')
        .setCookie(binding.name, started.browserBinding, {
          path: binding.path,
          httpOnly: true,
          sameSite: 'lax',
          secure: binding.secure,
          maxAge: started.expiresInSeconds,
        })
        .send({
          auth_url: started.authUrl,
          browser_binding: {
            cookie: binding.name,
            value: started.browserBinding,
            path: binding.path,
            expires_at: started.expiresAt.toISOString(),
          },
        });
    },
  );

  app.get(
    '/integrations/calendar/callback',
    {
      schema: {
        tags,
        summary: "Google's OAuth redirect target (opened by the browser, not by API clients)",
        description:
          `On success stores the connection and redirects (302) to \`${CONNECTED_REDIRECT}\`. An unknown, used or ` +
          'expired state, a browser without the binding cookie of the connect answer, a refusal or a rejected ' +
          'code answers an HTML page explaining what happened (4xx); nothing is stored then. No bearer token: ' +
          'the state identifies the user, the cookie the browser.',
        querystring: callbackQuery,
      },
    },
    async (request, reply) => {
      // The URL holds a one-time code: keep it out of caches and Referer headers.
      reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', CALLBACK_PAGE_CSP);
      try {
        const { state, code, error } = request.query;
        await app.ctx.services.calendarConnect.completeConnect({
          state,
          code,
          error,
          browserBinding: request.cookies[binding.name],
        });
        return await reply
          .clearCookie(binding.name, { path: binding.path, secure: binding.secure })
          .redirect(CONNECTED_REDIRECT, 302);
      } catch (error) {
        if (error instanceof ConnectFailedError) {
          request.log.info({ reason: error.reason }, 'Google Calendar consent did not complete');
          return reply
            .status(failureStatus(error.reason))
            .type('text/html; charset=utf-8')
            .send(renderCallbackFailure(error.reason, error.message, request.id));
        }
        request.log.error({ err: error }, 'OAuth callback failed');
        return reply
          .status(500)
          .type('text/html; charset=utf-8')
          .send(
            renderCallbackFailure(
              'internal',
              'The connection could not be completed because of an internal error. Try again in a moment.',
              request.id,
            ),
          );
      }
    },
  );

  app.get(
    '/integrations/calendar/status',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: "The caller's Google Calendar connection and synced calendars",
        response: { 200: statusJson, ...failures },
      },
    },
    async (request) => toStatusJson(await app.ctx.services.connections.getStatus(request.auth)),
  );

  app.delete(
    '/integrations/calendar',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Disconnect Google Calendar',
        description:
          'Stops push channels, revokes the grant at Google and deletes the stored tokens; a failed revocation ' +
          'is reported in revoke_error but the tokens are deleted anyway. purge=true also deletes the synced ' +
          'calendars and events. Reconnecting later reuses the same connection.',
        querystring: disconnectQuery,
        response: { 200: disconnectJson, ...failures, 502: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const purge = request.query.purge ?? false;
      return toDisconnectJson(await app.ctx.services.connections.disconnect(request.auth, { purge }));
    },
  );
};
