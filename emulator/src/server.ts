import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Socket } from 'node:net';
import { registerAdminRoutes, type AdminHooks } from './admin/admin.routes.js';
import { faultError } from './admin/fault-errors.js';
import { registerObserveRoutes } from './admin/observe.routes.js';
import { registerAclRoutes } from './calendar/acl.routes.js';
import { registerCalendarListRoutes } from './calendar/calendar-list.routes.js';
import { registerCalendarRoutes } from './calendar/calendars.routes.js';
import { registerChannelRoutes } from './calendar/channels.routes.js';
import { registerEventRoutes } from './calendar/events.routes.js';
import { registerFreeBusyRoutes } from './calendar/freebusy.routes.js';
import { ConferenceTimer } from './calendar/conference-jobs.js';
import { dropAfterApply, RawText } from './calendar/route-kit.js';
import { WebhookDispatcher } from './calendar/webhook-delivery.js';
import { AdminError, googleErrors, GoogleApiError, OAuthError } from './errors.js';
import { registerAuthorizeRoutes } from './oauth/authorize.js';
import { registerTokenRoutes } from './oauth/token.js';
import { registerUserInfoRoutes } from './oauth/userinfo.js';
import type { EmulatorState } from './state/emulator-state.js';
import { registerUiRoutes } from './ui/ui.routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Google-surface method id (`calendar.events.list`, `oauth.token`): counted and subject to faults. */
    methodId?: string;
  }
}

const OAUTH_PATHS =
  /^\/(token|revoke|tokeninfo|o\/oauth2\/(token|revoke)|oauth2\/v[34]\/(token|tokeninfo))(\?|$)/;

type Surface = 'google' | 'oauth' | 'admin';

function surfaceOf(url: string): Surface {
  if (url.startsWith('/__admin') || url.startsWith('/__ui')) return 'admin';
  if (OAUTH_PATHS.test(url)) return 'oauth';
  return 'google';
}

function sendError(reply: FastifyReply, surface: Surface, status: number, message: string): FastifyReply {
  if (surface === 'oauth') {
    const error =
      status === 429 || status === 403
        ? 'rate_limit_exceeded'
        : status >= 500
          ? 'server_error'
          : 'invalid_request';
    return reply.code(status).send({ error, error_description: message });
  }
  if (surface === 'admin') return reply.code(status).send({ error: { code: status, message } });
  const err = new GoogleApiError(status, message, [
    { domain: 'global', reason: status === 413 ? 'uploadTooLarge' : 'badRequest', message },
  ]);
  return reply.code(status).send(err.toEnvelope());
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  // `__proto__` keys are dropped so that merging bodies can never touch a prototype.
  return JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value)) as unknown;
}

interface ServerParts {
  app: FastifyInstance;
  dispatcher: WebhookDispatcher;
  conferences: ConferenceTimer;
  /** Cancels pending fault delays so that close() does not wait for them. */
  cancelHangs(): void;
}

export function buildServer(state: EmulatorState, hooks: AdminHooks, logger: boolean): ServerParts {
  const app = Fastify({
    logger: logger ? { level: 'info' } : false,
    bodyLimit: 16 * 1024 * 1024,
    routerOptions: { maxParamLength: 8192 },
    http: { maxHeaderSize: 512 * 1024 },
    frameworkErrors: (error, request, reply) => {
      void sendError(reply, surfaceOf(request.url), 400, error.message || 'Bad Request');
    },
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return;
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify(
        new GoogleApiError(status, 'Bad Request', [
          { domain: 'global', reason: 'badRequest', message: 'Bad Request' },
        ]).toEnvelope(),
      );
      socket.end(
        `HTTP/1.1 ${status} Bad Request\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });
  const dispatcher = new WebhookDispatcher(state);
  const conferences = new ConferenceTimer(state);
  const hangs = new Set<() => void>();

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/*+json'],
    { parseAs: 'string' },
    (_req, body, done) => {
      try {
        done(null, parseJson(body as string));
      } catch {
        done(googleErrors.parseError(), undefined);
      }
    },
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) =>
    done(null, new RawText(body as string)),
  );

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const methodId = request.routeOptions.config?.methodId;
    if (!methodId) return;
    state.requests.count(methodId);
    const path = request.url.split('?')[0] ?? request.url;
    const action = state.faults.takeRequestFault(methodId, request.method, path);
    if (!action) return;
    if ('status' in action) throw faultError(methodId, action);
    if ('hangMs' in action) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, action.hangMs);
        function done(): void {
          clearTimeout(timer);
          hangs.delete(done);
          resolve();
        }
        hangs.add(done);
      });
      return;
    }
    dropAfterApply.add(request.raw);
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof GoogleApiError) {
      const surface = surfaceOf(request.url);
      if (surface === 'oauth') return sendError(reply, surface, error.code, error.message);
      for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
      return reply.code(error.code).send(error.toEnvelope());
    }
    if (error instanceof OAuthError) return reply.code(error.status).send(error.toBody());
    if (error instanceof AdminError)
      return reply.code(error.status).send({ error: { code: error.status, message: error.message } });
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendError(
        reply,
        surfaceOf(request.url),
        status === 413 ? 413 : 400,
        error.message || 'Bad Request',
      );
    }
    request.log.error({ err: error }, 'unexpected emulator error');
    return sendError(reply, surfaceOf(request.url), 500, 'Backend Error');
  });

  app.setNotFoundHandler((request, reply) => sendError404(reply, surfaceOf(request.url)));

  registerCalendarListRoutes(app, state);
  registerCalendarRoutes(app, state);
  registerAclRoutes(app, state);
  registerEventRoutes(app, state);
  registerChannelRoutes(app, state, dispatcher);
  registerFreeBusyRoutes(app, state);
  registerAuthorizeRoutes(app, state);
  registerTokenRoutes(app, state);
  registerUserInfoRoutes(app, state);
  registerAdminRoutes(app, state, hooks, conferences);
  registerObserveRoutes(app, state, dispatcher);
  registerUiRoutes(app, state);

  return {
    app,
    dispatcher,
    conferences,
    cancelHangs: () => {
      for (const done of [...hangs]) done();
    },
  };
}

function sendError404(reply: FastifyReply, surface: Surface): FastifyReply {
  if (surface === 'google') return reply.code(404).send(googleErrors.notFound().toEnvelope());
  return sendError(reply, surface, 404, 'Not Found');
}
