import { sanitizeDescription } from '../../../kernel/description-html.js';
import type { GoogleEvent, GoogleEventDateTime } from '../../../adapters/google/types.js';
import {
  responseStatusOf,
  setOption,
  type EventTime,
  type MergeFields,
  type SnapshotReminders,
} from '../../../kernel/event-snapshot.js';
import { TRANSPARENCIES, VISIBILITIES, type Transparency, type Visibility } from '../../../kernel/values.js';
import { parseDateTime, isValidDateString, isValidTimeZone } from '../../../kernel/time.js';

export {
  parseSnapshot,
  responseStatusOf,
  type EventTime,
  type MergeFields,
  type ResponseStatus,
  type SnapshotAttendee,
} from '../../../kernel/event-snapshot.js';

/** Builds the merge view (kernel/event-snapshot.ts) of Google events. */

/** Google omits empty strings; the CRM may send them. Both mean "no value". */
function text(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

/**
 * Normalizes one EventDateTime as the merge compares it; null when it is absent or unreadable. A
 * `dateTime` without an offset is read in its own `timeZone`, else in `fallbackZone`. A date-time
 * that names no zone is shown in `implicitZone` (the calendar's zone, as Google shows it): that is
 * its zone here, so a zone set on the other side is a change unless it is that one.
 */
function eventTimeOf(
  value: GoogleEventDateTime | null | undefined,
  fallbackZone: string | null,
  implicitZone: string | null,
): EventTime | null {
  if (value === undefined || value === null) return null;
  if (typeof value.date === 'string') return isValidDateString(value.date) ? { date: value.date } : null;
  if (typeof value.dateTime !== 'string') return null;
  const zone = typeof value.timeZone === 'string' && isValidTimeZone(value.timeZone) ? value.timeZone : null;
  const instant = parseDateTime(value.dateTime, zone ?? fallbackZone);
  return instant === null ? null : { dateTime: instant.toISOString(), timeZone: zone ?? implicitZone };
}

/** Google's visibility of the event; 'default' when it names none (or one this service does not know). */
export function visibilityOf(event: GoogleEvent): Visibility {
  return VISIBILITIES.find((v) => v === event.visibility) ?? 'default';
}

/** Google's transparency of the event; 'opaque' (busy) when it names none. */
export function transparencyOf(event: GoogleEvent): Transparency {
  return TRANSPARENCIES.find((t) => t === event.transparency) ?? 'opaque';
}

/** Google's guest permissions, its defaults where the event names none. */
export function guestPermissionsOf(event: GoogleEvent) {
  return {
    guestsCanModify: event.guestsCanModify === true,
    guestsCanInviteOthers: event.guestsCanInviteOthers !== false,
    guestsCanSeeOtherGuests: event.guestsCanSeeOtherGuests !== false,
  };
}

/** The Meet link: Google's `hangoutLink`, else the video entry point of the conference. */
export function meetLinkOf(event: GoogleEvent): string | null {
  if (typeof event.hangoutLink === 'string' && event.hangoutLink !== '') return event.hangoutLink;
  const video = event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === 'video');
  return typeof video?.uri === 'string' && video.uri !== '' ? video.uri : null;
}

export function remindersOf(event: GoogleEvent): SnapshotReminders | null {
  const reminders = event.reminders;
  if (reminders === undefined || reminders === null) return null;
  const useDefault = reminders.useDefault === true;
  // With useDefault the calendar's reminders apply and overrides are meaningless.
  const overrides = useDefault
    ? []
    : (reminders.overrides ?? []).flatMap((r): SnapshotReminders['overrides'] => {
        const method = r.method;
        if ((method !== 'email' && method !== 'popup') || typeof r.minutes !== 'number') return [];
        return [{ method, minutes: r.minutes }];
      });
  return { useDefault, overrides };
}

/**
 * The merge view of a Google event. `calendarTimeZone` reads offset-less date-times that carry no
 * zone of their own (Google itself always sends offsets or a zone), and is the zone of times that
 * name none.
 */
export function snapshotOf(
  event: GoogleEvent,
  options: { calendarTimeZone?: string | null } = {},
): MergeFields {
  const calendarZone = options.calendarTimeZone ?? 'UTC';
  const startZone = event.start?.timeZone ?? null;
  const implicitZone = startZone ?? options.calendarTimeZone ?? null;
  const status = event.status === 'tentative' || event.status === 'cancelled' ? event.status : 'confirmed';
  const fields: MergeFields = {
    summary: text(event.summary),
    description: sanitizeDescription(text(event.description)),
    location: text(event.location),
    start: eventTimeOf(event.start, startZone ?? calendarZone, implicitZone),
    end: eventTimeOf(event.end, startZone ?? calendarZone, implicitZone),
    attendees: (event.attendees ?? []).flatMap((a) =>
      typeof a.email === 'string' && a.email !== ''
        ? [
            {
              email: a.email,
              name: text(a.displayName),
              optional: a.optional === true,
              responseStatus: responseStatusOf(a.responseStatus),
              self: a.self === true,
              ...(a.organizer === true ? { organizer: true as const } : {}),
            },
          ]
        : [],
    ),
    reminders: remindersOf(event),
    recurrence:
      event.recurrence !== undefined && event.recurrence !== null && event.recurrence.length > 0
        ? [...event.recurrence]
        : null,
    conference:
      meetLinkOf(event) !== null ||
      (event.conferenceData?.entryPoints?.length ?? 0) > 0 ||
      event.conferenceData?.createRequest != null,
    status,
  };
  setOption(fields, 'visibility', visibilityOf(event));
  setOption(fields, 'transparency', transparencyOf(event));
  const guests = guestPermissionsOf(event);
  setOption(fields, 'guestsCanModify', guests.guestsCanModify);
  setOption(fields, 'guestsCanInviteOthers', guests.guestsCanInviteOthers);
  setOption(fields, 'guestsCanSeeOtherGuests', guests.guestsCanSeeOtherGuests);
  return fields;
}
