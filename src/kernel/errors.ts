/**
 * Domain errors. Services throw these; the HTTP layer maps each to a status and the JSON
 * envelope `{ "error": { "code", "message", "details"? } }` in one place (src/http/errors.ts).
 * Domain code never throws HTTP errors.
 */
export abstract class AppError extends Error {
  /** Stable machine-readable code, sent to clients as `error.code`. */
  abstract readonly code: string;

  constructor(
    message: string,
    /** Extra structured information safe to show to the client. */
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The record does not exist, or is not visible to the caller (never reveal which). */
export class NotFoundError extends AppError {
  readonly code = 'not_found';
}

/** Input is well-formed but breaks a rule (zod-level shape errors are reported by the HTTP layer). */
export class ValidationError extends AppError {
  readonly code = 'invalid_request';
}

/** The change conflicts with the current state (duplicate, stale version, wrong status). */
export class ConflictError extends AppError {
  // Typed as string so subclasses can name a more specific code with the same status.
  readonly code: string = 'conflict';
}

/** No valid credentials were presented. */
export class UnauthorizedError extends AppError {
  readonly code = 'unauthorized';
}

/** Valid credentials, but not allowed to do this. */
export class ForbiddenError extends AppError {
  // Typed as string so subclasses can name a more specific code with the same status.
  readonly code: string = 'forbidden';
}

/** A precondition the caller must fix first (e.g. no calendar connection yet). */
export class PreconditionFailedError extends AppError {
  // Typed as string so subclasses can name a more specific code with the same status.
  readonly code: string = 'precondition_failed';
}

/** Too many requests; `retryAfterSeconds` tells the client when to come back. */
export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';

  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    details?: unknown,
  ) {
    super(message, details);
  }
}

/** A dependency (Google, the database) failed or timed out; the caller may retry later. */
export class UpstreamError extends AppError {
  // Typed as string so subclasses can name a more specific code with the same status.
  readonly code: string = 'upstream_error';
}

/** The service (or a part of it) is not ready to serve this request. */
export class ServiceUnavailableError extends AppError {
  readonly code = 'service_unavailable';
}
