import { STATUS_CODES } from 'node:http';
import { GoogleApiError, googleErrors, OAuthError, type GoogleErrorItem } from '../errors.js';

/**
 * The answer of a scripted error fault: the same envelope the emulator gives for a real error of
 * that status or reason, so that a client cannot tell a fault from the real thing.
 */
interface ErrorFault {
  status: number;
  reason?: string | undefined;
  message?: string | undefined;
  /** Sent as `Retry-After` (seconds), as Google does on some 429 and 503 answers. */
  retryAfterSeconds?: number | undefined;
}

/** Any 4xx/5xx status Node knows a reason phrase for. */
export function isFaultStatus(status: number): boolean {
  return status >= 400 && status <= 599 && STATUS_CODES[status] !== undefined;
}

/** A Google `reason` or OAuth `error` code: `rateLimitExceeded`, `invalid_grant`. */
export const FAULT_REASON = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * What the emulator answers for each status when the fault names no reason. 403 stays
 * `rateLimitExceeded` (the only 403 faults answered before reasons could be chosen).
 */
const STATUS_DEFAULTS: Readonly<Record<number, () => GoogleApiError>> = {
  400: () => googleErrors.badRequest(),
  401: googleErrors.invalidCredentials,
  403: () => googleErrors.rateLimitExceeded(403),
  404: googleErrors.notFound,
  405: googleErrors.methodNotAllowed,
  409: googleErrors.duplicate,
  410: googleErrors.deleted,
  412: googleErrors.conditionNotMet,
  413: googleErrors.requestTooLarge,
  429: () => googleErrors.rateLimitExceeded(429),
  500: googleErrors.backendError,
  503: googleErrors.unavailable,
};

/** Every reason the emulator answers on its own, with its domain, location and message. */
const REASON_TEMPLATES: ReadonlyMap<string, GoogleApiError> = new Map(
  [
    googleErrors.invalidCredentials(),
    googleErrors.loginRequired(),
    googleErrors.insufficientScopes(),
    googleErrors.forbidden(),
    googleErrors.forbiddenForNonOrganizer(),
    googleErrors.rateLimitExceeded(),
    googleErrors.userRateLimitExceeded(),
    googleErrors.quotaExceeded(),
    googleErrors.backendError(),
    googleErrors.notFound(),
    googleErrors.duplicate(),
    googleErrors.deleted(),
    googleErrors.fullSyncRequired(),
    googleErrors.conditionNotMet(),
    googleErrors.parseError(),
    googleErrors.badRequest(),
    googleErrors.timeRangeEmpty(),
    googleErrors.requestTooLarge(),
    googleErrors.methodNotAllowed(),
  ].map((e) => [e.items[0]!.reason, e]),
);

/** Google's per-user quota reasons, which live in the `usageLimits` domain. */
const USAGE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'dailyLimitExceeded',
]);

function googleFaultError({ status, reason, message, retryAfterSeconds }: ErrorFault): GoogleApiError {
  const byStatus = STATUS_DEFAULTS[status]?.();
  const template =
    reason === undefined || reason === byStatus?.items[0]!.reason ? byStatus : REASON_TEMPLATES.get(reason);
  const base: GoogleErrorItem = template
    ? { ...template.items[0]! }
    : {
        domain: USAGE_LIMIT_REASONS.has(reason ?? '') ? 'usageLimits' : 'global',
        reason: reason ?? (status >= 500 ? 'backendError' : 'badRequest'),
        message: STATUS_CODES[status] ?? 'Error',
      };
  const item: GoogleErrorItem = { ...base, message: message ?? base.message };
  const error = new GoogleApiError(status, message ?? template?.message ?? item.message, [item]);
  // Headers belong to the status (401's WWW-Authenticate), not to the reason.
  if (template?.code === status) Object.assign(error.headers, template.headers);
  if (retryAfterSeconds !== undefined) error.retryAfter(retryAfterSeconds);
  return error;
}

function oauthFaultError({ status, reason, message }: ErrorFault): OAuthError {
  if (reason === undefined && (status === 429 || status === 403))
    return new OAuthError(status, 'rate_limit_exceeded', message ?? 'Rate Limit Exceeded');
  if (status >= 500)
    return new OAuthError(
      status,
      reason ?? (status === 503 ? 'temporarily_unavailable' : 'server_error'),
      message ?? 'Backend Error',
    );
  const error = reason ?? (status === 401 ? 'invalid_client' : 'invalid_request');
  return new OAuthError(status, error, message ?? STATUS_CODES[status] ?? 'Error');
}

/**
 * The error a status fault throws: Google's envelope on the Calendar API, RFC 6749's
 * `{error, error_description}` on the OAuth endpoints (where `reason` is the `error` code).
 */
export function faultError(methodId: string, fault: ErrorFault): GoogleApiError | OAuthError {
  return methodId.startsWith('oauth.') ? oauthFaultError(fault) : googleFaultError(fault);
}
