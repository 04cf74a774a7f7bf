import { AppError, ConflictError, RateLimitedError, UpstreamError } from '../../kernel/errors.js';

export { RateLimitedError } from '../../kernel/errors.js';

/**
 * Google failures as domain errors. Code outside src/google never inspects HTTP errors from the
 * client libraries: it catches these classes (see https://developers.google.com/calendar/api/guides/errors).
 */

/**
 * The refresh token was revoked or expired (`invalid_grant`): the user must reconnect. A conflict
 * with the connection's state (409), not a fault of the request.
 */
export class TokenRevokedError extends ConflictError {
  override readonly code = 'calendar_reauth_required';
}

/** Google is down, timing out or answered 5xx: retry later with backoff. */
export class GoogleUnavailableError extends UpstreamError {}

/** Any other error answer from Google, with its HTTP status and first `reason` (502 to our clients). */
export class GoogleApiError extends UpstreamError {
  override readonly code = 'google_api_error';

  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, { status, reason }, options);
  }
}

/** What an error from google-auth-library / googleapis (gaxios) carries, read structurally. */
interface GoogleErrorFacts {
  /** HTTP status, when Google answered. */
  status: number | undefined;
  /** Calendar API `errors[0].reason`, or the OAuth `error` field (e.g. `invalid_grant`). */
  reason: string | undefined;
  message: string;
  /** Seconds from a Retry-After header, when present. */
  retryAfterSeconds: number | undefined;
  /** Node/undici error code for failures without an answer (ECONNREFUSED, ETIMEDOUT...). */
  networkCode: string | undefined;
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown; data?: unknown; headers?: unknown };
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export function googleErrorFacts(error: unknown): GoogleErrorFacts {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const response = e.response;
  const status =
    typeof response?.status === 'number'
      ? response.status
      : typeof e.status === 'number'
        ? e.status
        : undefined;
  const data = response?.data;
  let reason: string | undefined;
  let message = typeof e.message === 'string' ? e.message : String(error);
  if (typeof data === 'object' && data !== null) {
    const body = data as {
      error?: unknown;
      error_description?: unknown;
    };
    if (typeof body.error === 'string') {
      // OAuth endpoints: {"error":"invalid_grant","error_description":"..."} (RFC 6749 section 5.2).
      reason = body.error;
      if (typeof body.error_description === 'string') message = `${body.error}: ${body.error_description}`;
    } else if (typeof body.error === 'object' && body.error !== null) {
      // Calendar API envelope: {"error":{"code","message","errors":[{"reason"}]}}.
      const envelope = body.error as { message?: unknown; errors?: unknown };
      if (typeof envelope.message === 'string') message = envelope.message;
      if (Array.isArray(envelope.errors)) {
        const first = envelope.errors[0] as { reason?: unknown } | undefined;
        if (typeof first?.reason === 'string') reason = first.reason;
      }
    }
  }
  return {
    status,
    reason,
    message,
    retryAfterSeconds: readRetryAfter(response?.headers),
    networkCode: status === undefined && typeof e.code === 'string' ? e.code : undefined,
  };
}

/**
 * The Retry-After of an answer's headers: a Fetch `Headers` of any implementation (gaxios answers
 * with node-fetch's, which is not the global class) or a plain object with lower-case names.
 */
function readRetryAfter(headers: unknown): number | undefined {
  let value: unknown;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') value = (get as (name: string) => unknown).call(headers, 'retry-after');
  else value = (headers as Record<string, unknown>)['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Turns anything thrown by a Google call into a domain error. Domain errors pass through
 * unchanged, so wrapping a call twice is harmless.
 */
export function classifyGoogleError(error: unknown, operation = 'Google request'): AppError {
  if (error instanceof AppError) return error;
  const facts = googleErrorFacts(error);
  const options = { cause: error };
  if (facts.reason === 'invalid_grant') {
    return new TokenRevokedError(
      `Google no longer accepts this connection's authorization (${facts.message}); reconnect Google Calendar`,
      undefined,
      options,
    );
  }
  if (facts.status === undefined) {
    const what = facts.networkCode ?? facts.message;
    return new GoogleUnavailableError(
      `${operation} failed before Google answered: ${what}`,
      undefined,
      options,
    );
  }
  if (
    facts.status === 429 ||
    (facts.status === 403 && facts.reason && RATE_LIMIT_REASONS.has(facts.reason))
  ) {
    return new RateLimitedError(
      `${operation}: Google rate limit (${facts.message})`,
      facts.retryAfterSeconds,
      {
        status: facts.status,
        reason: facts.reason,
      },
    );
  }
  if (facts.status >= 500) {
    return new GoogleUnavailableError(
      `${operation}: Google answered ${facts.status} (${facts.message})`,
      { status: facts.status, reason: facts.reason },
      options,
    );
  }
  return new GoogleApiError(
    `${operation}: Google answered ${facts.status} (${facts.message})`,
    facts.status,
    facts.reason,
    options,
  );
}

/** True for errors worth retrying later (rate limits, outages), false for permanent ones. */
export function isTransientGoogleError(error: unknown): boolean {
  const classified = classifyGoogleError(error);
  return classified instanceof RateLimitedError || classified instanceof GoogleUnavailableError;
}
