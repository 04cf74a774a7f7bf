import { AppError } from '../../kernel/errors.js';

/** Why a consent attempt could not be completed (each has its own page in the callback route). */
export type ConnectFailureReason =
  | 'missing_state'
  | 'unknown_state'
  | 'state_used'
  | 'state_expired'
  | 'browser_mismatch'
  | 'access_denied'
  | 'consent_error'
  | 'invalid_grant'
  | 'missing_scope'
  | 'missing_refresh_token'
  | 'google_unavailable';

/** The OAuth callback failed; nothing was stored as an active connection. */
export class ConnectFailedError extends AppError {
  readonly code = 'calendar_connect_failed';

  constructor(
    readonly reason: ConnectFailureReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, { reason }, options);
  }
}
