import type { GoogleCalendarListEntry } from '../../adapters/google/types.js';
import type { CalendarListEntry } from './calendars.repository.js';

/**
 * A Google `CalendarListEntry` as the `calendars` table stores it; undefined for an entry without
 * an id or marked deleted. The user's own name for the calendar (`summaryOverride`) wins.
 */
export function calendarListEntryOf(entry: GoogleCalendarListEntry): CalendarListEntry | undefined {
  if (typeof entry.id !== 'string' || entry.id === '' || entry.deleted === true) return undefined;
  return {
    googleCalendarId: entry.id,
    summary: entry.summaryOverride ?? entry.summary ?? null,
    timeZone: entry.timeZone ?? null,
    primary: entry.primary === true,
    accessRole: entry.accessRole ?? null,
    defaultReminders: (entry.defaultReminders ?? []).flatMap((r) =>
      (r.method === 'email' || r.method === 'popup') && typeof r.minutes === 'number'
        ? [{ method: r.method, minutes: r.minutes }]
        : [],
    ),
    backgroundColor: hexColor(entry.backgroundColor),
    foregroundColor: hexColor(entry.foregroundColor),
  };
}

/** A `#rrggbb` colour as Google gives them; anything else (it is untrusted input) is no colour. */
function hexColor(value: string | null | undefined): string | null {
  return typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value) ? value.toLowerCase() : null;
}
