/**
 * Errors of the Google surface, in Google's own envelope:
 * {"error":{"code","message","errors":[{"domain","reason","message","locationType?","location?"}],"status?"}}
 * See https://developers.google.com/workspace/calendar/api/guides/errors
 */
export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

/**
 * Google's canonical error code names (google.rpc.Code) by HTTP status, as its front end adds them
 * in `error.status`. Statuses without a canonical code (405, 410, 413, 502...) get none.
 */
const CANONICAL_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export interface GoogleErrorEnvelope {
  error: { code: number; message: string; errors: GoogleErrorItem[]; status?: string };
}

export class GoogleApiError extends Error {
  readonly code: number;
  readonly items: GoogleErrorItem[];
  readonly headers: Record<string, string>;

  constructor(code: number, message: string, items: GoogleErrorItem[], headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GoogleApiError';
    this.code = code;
    this.items = items;
    this.headers = headers;
  }

  /** The canonical status name; a 409 `conflict` (not `duplicate`) is ABORTED, as in google.rpc. */
  get status(): string | undefined {
    if (this.code === 409 && this.items[0]?.reason === 'conflict') return 'ABORTED';
    return CANONICAL_STATUS[this.code];
  }

  toEnvelope(): GoogleErrorEnvelope {
    const error: GoogleErrorEnvelope['error'] = {
      code: this.code,
      message: this.message,
      errors: this.items,
    };
    const status = this.status;
    if (status !== undefined) error.status = status;
    return { error };
  }

  /** Adds `Retry-After` (whole seconds, at least 1 when the wait is above zero). */
  retryAfter(seconds: number): this {
    this.headers['retry-after'] = String(Math.max(0, Math.ceil(seconds)));
    return this;
  }
}

function single(
  code: number,
  domain: string,
  reason: string,
  message: string,
  location?: { name: string; type: 'parameter' | 'header' },
  topMessage = message,
): GoogleApiError {
  const item: GoogleErrorItem = { domain, reason, message };
  if (location) {
    item.locationType = location.type;
    item.location = location.name;
  }
  return new GoogleApiError(code, topMessage, [item]);
}

/** Factories for every error the emulator answers with, named by Google's `reason`. */
export const googleErrors = {
  invalidCredentials: (): GoogleApiError => {
    const e = single(401, 'global', 'authError', 'Invalid Credentials', {
      name: 'Authorization',
      type: 'header',
    });
    e.headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
    return e;
  },
  /** No credentials at all: Google's "Login Required". */
  loginRequired: (): GoogleApiError => {
    const e = single(
      401,
      'global',
      'required',
      'Login Required.',
      { name: 'Authorization', type: 'header' },
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    );
    e.headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/"';
    return e;
  },
  insufficientScopes: (): GoogleApiError =>
    single(
      403,
      'global',
      'insufficientPermissions',
      'Insufficient Permission',
      undefined,
      'Request had insufficient authentication scopes.',
    ),
  forbidden: (message = 'Forbidden'): GoogleApiError => single(403, 'global', 'forbidden', message),
  forbiddenForNonOrganizer: (): GoogleApiError =>
    single(
      403,
      'calendar',
      'forbiddenForNonOrganizer',
      'Shared properties can only be changed by the organizer of the event.',
    ),
  rateLimitExceeded: (code: 403 | 429 = 403): GoogleApiError =>
    single(code, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
  userRateLimitExceeded: (): GoogleApiError =>
    single(403, 'usageLimits', 'userRateLimitExceeded', 'User Rate Limit Exceeded'),
  quotaExceeded: (): GoogleApiError =>
    single(403, 'usageLimits', 'quotaExceeded', 'Calendar usage limits exceeded.'),
  backendError: (): GoogleApiError => single(500, 'global', 'backendError', 'Backend Error'),
  unavailable: (): GoogleApiError =>
    single(503, 'global', 'backendError', 'The service is currently unavailable.'),
  notFound: (): GoogleApiError => single(404, 'global', 'notFound', 'Not Found'),
  duplicate: (): GoogleApiError =>
    single(409, 'global', 'duplicate', 'The requested identifier already exists.'),
  deleted: (): GoogleApiError => single(410, 'global', 'deleted', 'Resource has been deleted'),
  fullSyncRequired: (): GoogleApiError =>
    single(410, 'calendar', 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', {
      name: 'syncToken',
      type: 'parameter',
    }),
  conditionNotMet: (): GoogleApiError =>
    single(412, 'global', 'conditionNotMet', 'Precondition Failed', { name: 'If-Match', type: 'header' }),
  parseError: (): GoogleApiError => single(400, 'global', 'parseError', 'Parse Error'),
  badRequest: (message = 'Bad Request'): GoogleApiError => single(400, 'global', 'badRequest', message),
  invalid: (message: string, parameter?: string): GoogleApiError =>
    single(400, 'global', 'invalid', message, parameter ? { name: parameter, type: 'parameter' } : undefined),
  required: (message: string): GoogleApiError => single(400, 'global', 'required', message),
  requiredParameter: (parameter: string): GoogleApiError =>
    single(400, 'global', 'required', `Required parameter: ${parameter}`, {
      name: parameter,
      type: 'parameter',
    }),
  invalidParameter: (parameter: string, message: string): GoogleApiError =>
    single(400, 'global', 'invalidParameter', message, { name: parameter, type: 'parameter' }),
  calendarError: (reason: string, message: string, location?: string): GoogleApiError =>
    single(400, 'calendar', reason, message, location ? { name: location, type: 'parameter' } : undefined),
  timeRangeEmpty: (location = 'timeMax'): GoogleApiError =>
    single(400, 'calendar', 'timeRangeEmpty', 'The specified time range is empty.', {
      name: location,
      type: 'parameter',
    }),
  /** Google delivers push notifications to https addresses only. */
  webhookUrlNotHttps: (address: string): GoogleApiError =>
    single(
      400,
      'global',
      'push.webhookUrlNotHttps',
      `WebHook callback must be HTTPS: ${address.slice(0, 256)}`,
    ),
  channelIdNotUnique: (id: string): GoogleApiError =>
    single(400, 'global', 'channelIdNotUnique', `Channel id ${id} not unique`),
  requestTooLarge: (): GoogleApiError => single(413, 'global', 'uploadTooLarge', 'Request Entity Too Large'),
  methodNotAllowed: (): GoogleApiError => single(405, 'global', 'httpMethodNotAllowed', 'Method Not Allowed'),
} as const;

/**
 * OAuth 2.0 endpoint errors (RFC 6749 section 5.2): `{"error","error_description"}`.
 * Google answers 400 for grant errors and 401 for client authentication failures.
 */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

/** Errors of the emulator's own admin API: `{"error":{"code","message"}}`. */
export class AdminError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'AdminError';
    this.status = status;
  }
}
