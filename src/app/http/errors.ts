import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UpstreamError,
  ValidationError,
} from '../../kernel/errors.js';

/** The JSON envelope of every error answer; documented once in the OpenAPI page. */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable error code'),
      message: z.string().describe('Human-readable explanation'),
      details: z.unknown().optional().describe('Structured information about the error, when useful'),
      request_id: z.string().describe('Id of the request, also in the logs and the x-request-id header'),
    }),
  })
  .describe('Error');

type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** HTTP status of each kind of domain error. Subclasses inherit their base's status. */
const STATUS_BY_CLASS: [abstract new (...args: never[]) => AppError, number][] = [
  [NotFoundError, 404],
  [ValidationError, 400],
  [ConflictError, 409],
  [PreconditionFailedError, 409],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [RateLimitedError, 429],
  [UpstreamError, 502],
  [ServiceUnavailableError, 503],
];

/** Status of a domain error; a direct AppError subclass is a problem with the request (400). */
export function statusOfAppError(error: AppError): number {
  for (const [type, status] of STATUS_BY_CLASS) {
    if (error instanceof type) return status;
  }
  return 400;
}

/** Codes for Fastify's own client errors (bad JSON, wrong content type, body too large...). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** How long the rest of a refused body is read (and dropped) after the 413 answer. */
const REFUSED_BODY_DRAIN_MS = 30_000;

/**
 * After a 413, reads and drops the rest of the body instead of closing the connection at once:
 * a client that sends its whole body before reading (most do) would otherwise have its upload cut
 * by a reset and never see the answer. Past REFUSED_BODY_DRAIN_MS the connection is closed.
 */
function drainRefusedBody(reply: FastifyReply, raw: IncomingMessage): void {
  // Fastify asks to close the connection so that the client cannot send more: reading the rest
  // is what lets it finish sending and read the answer (the connection stays usable after).
  reply.removeHeader('connection');
  if (raw.complete || typeof raw.resume !== 'function') return;
  const timer = setTimeout(() => raw.socket.destroy(), REFUSED_BODY_DRAIN_MS);
  timer.unref();
  const done = () => clearTimeout(timer);
  raw.once('end', done);
  raw.once('close', done);
  raw.resume();
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  body: Omit<ErrorEnvelope['error'], 'request_id'>,
) {
  const envelope: ErrorEnvelope = { error: { ...body, request_id: request.id } };
  return reply.status(status).type('application/json; charset=utf-8').send(envelope);
}

/**
 * The answer to an error the router meets before any route or hook runs (a malformed URL
 * encoding, a path parameter over the length limit): Fastify's `frameworkErrors` option. The
 * envelope as for any client error.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status =
    error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 400;
  return send(reply, request, status, {
    code: CODE_BY_STATUS[status] ?? 'invalid_request',
    message: error.message,
  });
}

/**
 * The one place errors become HTTP answers: domain errors by class, schema validation failures
 * as 400 `invalid_request` with the issues, Fastify's client errors by status, and anything else
 * as 500 `internal_error` with the request id (the stack goes to the log, never to the client).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof AppError) {
      const status = statusOfAppError(error);
      if (status >= 500) request.log.warn({ err: error }, 'Dependency failure');
      if (error instanceof UnauthorizedError)
        reply.header('www-authenticate', 'Bearer realm="crm-calendar-sync"');
      if (error instanceof RateLimitedError && error.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
      }
      return send(reply, request, status, {
        code: error.code,
        message: error.message,
        ...(error.details !== undefined ? { details: error.details } : {}),
      });
    }

    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = 'validationContext' in error ? String(error.validationContext) : 'request';
      return send(reply, request, 400, {
        code: 'invalid_request',
        message: `Invalid ${context}: ${error.validation.map((issue) => describeIssue(issue)).join('; ')}`,
        details: {
          issues: error.validation.map((issue) => ({
            location: context,
            path: issue.instancePath,
            message: issue.message ?? 'invalid',
          })),
        },
      });
    }

    const status = 'statusCode' in error ? error.statusCode : undefined;
    if (status === 413) drainRefusedBody(reply, request.raw);
    if (!isResponseSerializationError(error) && status !== undefined && status >= 400 && status < 500) {
      return send(reply, request, status, {
        code: CODE_BY_STATUS[status] ?? 'invalid_request',
        message: error.message,
      });
    }

    request.log.error({ err: error }, 'Unhandled error');
    return send(reply, request, 500, {
      code: 'internal_error',
      message: `Internal server error; quote request id ${request.id} when reporting it`,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, 404, {
      code: 'not_found',
      message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
    }),
  );
}

function describeIssue(issue: { instancePath: string; message?: string | undefined }): string {
  const where =
    issue.instancePath === '' ? '' : `${issue.instancePath.replace(/^\//, '').replace(/\//g, '.')}: `;
  return `${where}${issue.message ?? 'invalid'}`;
}
