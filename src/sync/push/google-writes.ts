import type { ConnectionRef } from '../../connections/connection.types.js';
import type { CalendarApi, GoogleEvent } from '../../google/calendar-api.js';
import { GoogleApiError } from '../../google/errors.js';
import type { PushSendUpdates } from './push.schema.js';

/**
 * The Google writes of the push, each one request through the budgeted, retrying CalendarApi.
 * `sendUpdates` is always explicit (Google's default differs between clients and versions).
 */

export interface WriteTarget {
  connection: ConnectionRef;
  googleCalendarId: string;
}

/** True for GoogleApiError with one of the given statuses. */
export function isStatus(error: unknown, ...statuses: number[]): error is GoogleApiError {
  return error instanceof GoogleApiError && statuses.includes(error.status);
}

export class GoogleEventWrites {
  constructor(private readonly api: CalendarApi) {}

  /** events.insert with the client-generated id in `event.id`. 409 duplicate rejects as GoogleApiError. */
  async insert(
    target: WriteTarget,
    event: GoogleEvent,
    options: { sendUpdates: PushSendUpdates; conference: boolean },
  ): Promise<GoogleEvent> {
    const { data } = await this.api.call(target.connection, 'events.insert', (api) =>
      api.events.insert({
        calendarId: target.googleCalendarId,
        requestBody: event,
        sendUpdates: options.sendUpdates,
        conferenceDataVersion: options.conference ? 1 : 0,
      }),
    );
    return data;
  }

  /**
   * events.patch, conditional on `etag` when given (If-Match): a stale etag rejects with
   * GoogleApiError 412 conditionNotMet.
   */
  async patch(
    target: WriteTarget,
    eventId: string,
    body: GoogleEvent,
    options: { sendUpdates: PushSendUpdates; conference: boolean; etag: string | null },
  ): Promise<GoogleEvent> {
    const headers = options.etag === null ? undefined : { 'If-Match': options.etag };
    const { data } = await this.api.call(target.connection, 'events.patch', (api) =>
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
    return data;
  }

  /** events.delete; an event Google no longer has (404) or already deleted (410) counts as deleted. */
  async delete(target: WriteTarget, eventId: string, sendUpdates: PushSendUpdates): Promise<void> {
    try {
      await this.api.call(target.connection, 'events.delete', (api) =>
        api.events.delete({ calendarId: target.googleCalendarId, eventId, sendUpdates }),
      );
    } catch (error) {
      if (isStatus(error, 404, 410)) return;
      throw error;
    }
  }

  /** events.get; null when Google does not know the id (404/410). Deleted events come back cancelled. */
  async get(target: WriteTarget, eventId: string): Promise<GoogleEvent | null> {
    return this.api.getEvent(target.connection, target.googleCalendarId, eventId);
  }
}
