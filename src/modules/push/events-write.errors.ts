import { AppError, ConflictError, ForbiddenError, PreconditionFailedError } from '../../kernel/errors.js';

/** Errors of the CRM's event writes; the HTTP layer maps each class to its status once. */

/** 409: the user has no Google Calendar connection (or disconnected it). */
export class CalendarNotConnectedError extends PreconditionFailedError {
  override readonly code: string = 'calendar_not_connected';
  constructor() {
    super('Google Calendar is not connected: connect it first (GET /integrations/calendar/connect)');
  }
}

/** 409: Google revoked the authorization; nothing can be written until the user reconnects. */
export class CalendarReauthRequiredError extends PreconditionFailedError {
  override readonly code: string = 'calendar_reauth_required';
  constructor() {
    super(
      'Google Calendar needs to be reconnected (the authorization was revoked or expired); changes wait until then',
    );
  }
}

/** 400: `calendar_id` names no calendar of the user. */
export class UnknownCalendarError extends AppError {
  readonly code = 'invalid_calendar';
  constructor(calendarId: string) {
    super(`calendar_id '${calendarId}' is not one of your Google calendars`, { field: 'calendar_id' });
  }
}

/** 403: the calendar is shared with the user read-only. */
export class CalendarReadOnlyError extends ForbiddenError {
  override readonly code: string = 'calendar_read_only';
  constructor(calendarId: string) {
    super(`You cannot add or change events in calendar '${calendarId}' (read-only access)`, {
      field: 'calendar_id',
    });
  }
}

/** 403: only the organizer may change or delete an event; invitees may RSVP. */
export class NotOrganizerError extends ForbiddenError {
  override readonly code: string = 'not_organizer';
  constructor(organizer: string | null) {
    super(
      `Only the organizer${organizer === null ? '' : ` (${organizer})`} can change or delete this event; use POST /calendar/events/{id}/rsvp to answer the invitation`,
    );
  }
}

/** 409: RSVP on an event the user is not invited to (or organizes). */
export class NotInvitedError extends ConflictError {
  override readonly code: string = 'not_invited';
}

/** 400: a recurring scope that needs an occurrence was given with a series id. */
export class OccurrenceRequiredError extends AppError {
  readonly code = 'occurrence_required';
  constructor(scope: string) {
    super(
      `scope '${scope}' needs an occurrence id (<series id>:<occurrence id>, as GET /calendar/events lists them); use scope 'all' for the whole series`,
      { field: 'scope' },
    );
  }
}
