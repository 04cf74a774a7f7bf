import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { googleErrors } from '../errors.js';
import type { AccessTokenRecord } from '../oauth/oauth-store.js';
import type { EmulatorState } from '../state/emulator-state.js';
import type { UserRecord } from '../state/types.js';
import { settleConferences } from './conference-jobs.js';
import { ParsedQuery, type ParamSpecs } from './params.js';
import { applyFields, parseFields } from './partial-response.js';
import { hasScopeFor } from './scopes.js';

export interface CalendarContext {
  state: EmulatorState;
  user: UserRecord;
  token: AccessTokenRecord;
  query: ParsedQuery;
  body: unknown;
  params: Record<string, string>;
  headers: FastifyRequest['headers'];
}

interface CalendarRouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Discovery method id, e.g. `calendar.events.list`. */
  methodId: string;
  params: ParamSpecs;
  handler: (ctx: CalendarContext) => unknown;
  /** 204 methods answer with an empty body. */
  noContent?: boolean;
}

const CALENDAR_PREFIX = '/calendar/v3';

/** Reads the bearer token from the Authorization header or the `access_token` query parameter. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? null;
  }
  const query = request.query as Record<string, unknown>;
  const fromQuery = query.access_token ?? query.oauth_token;
  return typeof fromQuery === 'string' && fromQuery ? fromQuery : null;
}

function authenticate(
  state: EmulatorState,
  request: FastifyRequest,
): { token: AccessTokenRecord; user: UserRecord } {
  const raw = bearerToken(request);
  if (!raw) throw googleErrors.loginRequired();
  const token = state.oauth.liveAccess(raw, state.now());
  const user = token ? state.users.get(token.email) : undefined;
  if (!token || !user) throw googleErrors.invalidCredentials();
  return { token, user };
}

/** A body sent with a content type other than JSON or form encoding, kept as text. */
export class RawText {
  constructor(readonly text: string) {}
}

/** Calendar bodies are JSON whatever their content type; anything else is Google's `parseError`. */
function jsonBody(request: FastifyRequest): unknown {
  const body = request.body;
  if (body instanceof RawText) {
    if (body.text.trim() === '') return undefined;
    try {
      return JSON.parse(body.text, (key, value: unknown) =>
        key === '__proto__' ? undefined : value,
      ) as unknown;
    } catch {
      throw googleErrors.parseError();
    }
  }
  return body;
}

/** A conditional GET whose `If-None-Match` names the current etag: 304 with no body. */
export class NotModified {
  constructor(readonly etag: string) {}
}

/**
 * Whether an `If-None-Match` header names `etag`: `*`, or one of a comma-separated list of
 * entity tags (weak ones compared by their value, as RFC 9110 does for GET).
 */
export function matchesIfNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((tag) => tag.trim());
  return tags.some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}

/** Requests whose fault says "apply the change, then drop the connection without answering". */
export const dropAfterApply = new WeakSet<object>();

export function finishOrDrop(request: FastifyRequest, reply: FastifyReply): boolean {
  if (!dropAfterApply.has(request.raw)) return false;
  reply.hijack();
  request.raw.socket.destroy();
  return true;
}

/**
 * Registers one Calendar API method: bearer token, scope and rate-limit checks, query parameters
 * validated against the discovery description, partial responses, and Google's envelope on errors.
 */
export function calendarRoute(app: FastifyInstance, state: EmulatorState, def: CalendarRouteDef): void {
  app.route({
    method: def.method,
    url: `${CALENDAR_PREFIX}/${def.url}`,
    config: { methodId: def.methodId },
    handler: async (request, reply) => {
      const { token, user } = authenticate(state, request);
      if (!hasScopeFor(def.methodId, token.scopes)) throw googleErrors.insufficientScopes();
      const refused = state.rateLimiter.acquire(
        user.email,
        state.now(),
        state.settings.rateLimitPerMinute,
        state.settings.burstLimitPerSecond,
      );
      // The per-minute quota answers 403; a burst 429 with the wait before a request is accepted.
      if (refused?.limit === 'minute') throw googleErrors.rateLimitExceeded(403);
      if (refused?.limit === 'burst')
        throw googleErrors.rateLimitExceeded(429).retryAfter(refused.retryAfterMs / 1000);
      // Conferences due by now are settled before anything reads them.
      settleConferences(state);
      const query = new ParsedQuery(request.query as Record<string, string | string[]>, def.params);
      const fieldsSpec = query.fields();
      const fieldTree = fieldsSpec ? parseFields(fieldsSpec) : null;
      const result = await def.handler({
        state,
        user,
        token,
        query,
        body: def.method === 'GET' || def.method === 'DELETE' ? undefined : jsonBody(request),
        params: request.params as Record<string, string>,
        headers: request.headers,
      });
      if (finishOrDrop(request, reply)) return reply;
      if (result instanceof NotModified) return reply.code(304).header('etag', result.etag).send();
      if (def.noContent) return reply.code(204).send();
      return reply
        .header('content-type', 'application/json; charset=UTF-8')
        .send(JSON.stringify(fieldTree ? applyFields(result, fieldTree) : result));
    },
  });
}
