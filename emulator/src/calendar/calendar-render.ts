import { quotedEtag } from '../ids.js';
import type { CalendarListRecord } from '../state/calendar-lists.js';
import type { CalendarRecord } from '../state/emulator-state.js';
import type { AclRole } from '../state/types.js';

const CONFERENCE_PROPERTIES = { allowedConferenceSolutionTypes: ['hangoutsMeet'] };

/** The fields both calendar resources start with, in Google's order. */
function calendarHead(kind: string, calendar: CalendarRecord, etagSeq: number): Record<string, unknown> {
  const m = calendar.meta;
  const out: Record<string, unknown> = {
    kind,
    etag: quotedEtag(String(etagSeq)),
    id: m.id,
    summary: m.summary,
  };
  if (m.description !== undefined) out.description = m.description;
  if (m.location !== undefined) out.location = m.location;
  return out;
}

/**
 * A `CalendarListEntry` as `role` sees it: the owner's entry carries the calendar's default
 * reminders and, for the primary calendar, its notification settings; a grantee's entry of a
 * calendar shared with them has neither (those are per user, and theirs start empty). The user's
 * own settings (`summaryOverride`, `hidden`, `selected`) come from their list entry.
 */
export function renderCalendarListEntry(
  calendar: CalendarRecord,
  role: AclRole,
  ownEntry: boolean,
  entry: CalendarListRecord,
): Record<string, unknown> {
  const m = calendar.meta;
  const out = calendarHead('calendar#calendarListEntry', calendar, Math.max(m.seq, entry.seq));
  Object.assign(out, {
    timeZone: m.timeZone,
    ...(entry.summaryOverride !== undefined ? { summaryOverride: entry.summaryOverride } : {}),
    colorId: m.colorId,
    backgroundColor: entry.backgroundColor ?? m.backgroundColor,
    foregroundColor: entry.foregroundColor ?? m.foregroundColor,
    ...(entry.hidden ? { hidden: true } : {}),
    selected: entry.selected,
    accessRole: role,
    defaultReminders: ownEntry ? m.defaultReminders.map((r) => ({ ...r })) : [],
  });
  if (m.primary && ownEntry) {
    out.notificationSettings = {
      notifications: [
        { type: 'eventCreation', method: 'email' },
        { type: 'eventChange', method: 'email' },
        { type: 'eventCancellation', method: 'email' },
        { type: 'eventResponse', method: 'email' },
      ],
    };
    out.primary = true;
  }
  out.conferenceProperties = CONFERENCE_PROPERTIES;
  return out;
}

/** An entry removed from the list, as the list's sync and `showDeleted` report it. */
export function renderRemovedEntry(entry: CalendarListRecord): Record<string, unknown> {
  return {
    kind: 'calendar#calendarListEntry',
    etag: quotedEtag(String(entry.seq)),
    id: entry.calendarId,
    deleted: true,
  };
}

/** A `Calendar` resource (calendars.get / calendars.insert). */
export function renderCalendar(calendar: CalendarRecord): Record<string, unknown> {
  const out = calendarHead('calendar#calendar', calendar, calendar.meta.seq);
  out.timeZone = calendar.meta.timeZone;
  out.conferenceProperties = CONFERENCE_PROPERTIES;
  return out;
}
