/**
 * A Google event the CRM cannot represent (no start, an invalid date, an unknown time zone...).
 * The pull logs and counts it, skips it, and goes on with the rest of the calendar.
 */
export class EventMappingError extends Error {
  override readonly name = 'EventMappingError';

  constructor(
    /** Google's id of the event, when it has one. */
    readonly googleEventId: string | null,
    /** Why the event cannot be mapped, in words fit for a log line. */
    readonly reason: string,
  ) {
    super(googleEventId === null ? reason : `Event ${googleEventId}: ${reason}`);
  }
}
