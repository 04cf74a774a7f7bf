import type { ConnectionRef } from '../../kernel/refs.js';
import type { CalendarApi, GoogleEvent } from '../../adapters/google/calendar-api.js';
import { GoogleApiError } from '../../adapters/google/errors.js';
import type { SendUpdates } from '../../kernel/values.js';
import { realSleep, type Sleep } from '../../adapters/google/request-budget.js';
import { storableValue } from '../../kernel/storable-text.js';

/**
 * The Google writes of the push, each one request through the budgeted, retrying CalendarApi.
 * `sendUpdates` is always explicit (Google's default differs between clients and versions). The
 * events Google answers with are made storable first (src/kernel/storable-text.ts: NUL removed,
 * lone surrogates replaced), as the pull does: the push stores what Google answers.
 */

/** The Google calendar a push writes to, and the connection it writes as. */
export interface GoogleCalendarTarget {
  connection: ConnectionRef;
  googleCalendarId: string;
}

/** True for GoogleApiError with one of the given statuses. */
export function isStatus(error: unknown, ...statuses: number[]): error is GoogleApiError {
  return error instanceof GoogleApiError && statuses.includes(error.status);
}

/**
 * Waits before each re-read of an event whose Meet link Google is still creating: Google answers
 * a conference create request with `status.statusCode: "pending"` and adds the link a moment
 * later. Past these, the link arrives with the pull (it changes the event's etag, so it is in the
 * calendar's change feed and its push channel fires).
 */
const CONFERENCE_WAITS_MS = [250, 500, 1_000];

/** Whether Google is still creating the event's Meet conference. */
export function conferencePending(event: GoogleEvent): boolean {
  return event.conferenceData?.createRequest?.status?.statusCode === 'pending';
}

export class GoogleEventWrites {
  constructor(
    private readonly api: CalendarApi,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** events.insert with the client-generated id in `event.id`. 409 duplicate rejects as GoogleApiError. */
  async insert(
    target: GoogleCalendarTarget,
    event: GoogleEvent,
    options: { sendUpdates: SendUpdates; conference: boolean },
  ): Promise<GoogleEvent> {
    const { data } = await this.api.call(target.connection, (api) =>
      api.events.insert({
        calendarId: target.googleCalendarId,
        requestBody: event,
        sendUpdates: options.sendUpdates,
        conferenceDataVersion: options.conference ? 1 : 0,
      }),
    );
    const inserted = storableValue(data);
    return options.conference ? this.untilConferenceCreated(target, inserted) : inserted;
  }

  /**
   * events.patch, conditional on `etag` when given (If-Match): a stale etag rejects with
   * GoogleApiError 412 conditionNotMet.
   */
  async patch(
    target: GoogleCalendarTarget,
    eventId: string,
    body: GoogleEvent,
    options: { sendUpdates: SendUpdates; conference: boolean; etag: string | null },
  ): Promise<GoogleEvent> {
    const headers = options.etag === null ? undefined : { 'If-Match': options.etag };
    const { data } = await this.api.call(target.connection, (api) =>
      api.events.patch(
        {
          calendarId: target.googleCalendarId,
          eventId,
          requestBody: body,
          sendUpdates: options.sendUpdates,
          conferenceDataVersion: options.conference ? 1 : 0,
        },
        headers === undefined ? {} : { headers },
      ),
    );
    const patched = storableValue(data);
    return options.conference ? this.untilConferenceCreated(target, patched) : patched;
  }

  /**
   * The written event once Google has created its Meet link (or refused to: `failure`), re-read
   * a few times (CONFERENCE_WAITS_MS); still pending after that, the event as Google last
   * answered it.
   */
  private async untilConferenceCreated(
    target: GoogleCalendarTarget,
    written: GoogleEvent,
  ): Promise<GoogleEvent> {
    let event = written;
    for (const waitMs of CONFERENCE_WAITS_MS) {
      if (!conferencePending(event) || event.id == null) return event;
      await this.sleep(waitMs);
      event = (await this.get(target, event.id)) ?? event;
    }
    return event;
  }

  /** events.delete; an event Google no longer has (404) or already deleted (410) counts as deleted. */
  async delete(target: GoogleCalendarTarget, eventId: string, sendUpdates: SendUpdates): Promise<void> {
    try {
      await this.api.call(target.connection, (api) =>
        api.events.delete({ calendarId: target.googleCalendarId, eventId, sendUpdates }),
      );
    } catch (error) {
      if (isStatus(error, 404, 410)) return;
      throw error;
    }
  }

  /** events.get; null when Google does not know the id (404/410). Deleted events come back cancelled. */
  async get(target: GoogleCalendarTarget, eventId: string): Promise<GoogleEvent | null> {
    const event = await this.api.getEvent(target.connection, target.googleCalendarId, eventId);
    return event === null ? null : storableValue(event);
  }
}
