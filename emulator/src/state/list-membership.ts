import type { CalendarListRecord, CalendarListSettings } from './calendar-lists.js';
import type { EmulatorState } from './emulator-state.js';

/**
 * Changes to users' calendar lists. Each change takes the next change number (the list's
 * incremental sync returns entries changed since a token) and notifies the user's calendarList
 * channels. Google adds a calendar to its owner's list when it is made and to a grantee's when it
 * is shared with them, and removes it when the rule or the calendar goes or the user unsubscribes.
 */

/** Puts the calendar on the user's list; an entry removed earlier comes back with default settings. */
export function addToCalendarList(state: EmulatorState, email: string, calendarId: string): void {
  const current = state.calendarLists.get(email, calendarId);
  if (current && !current.deleted) return;
  state.calendarLists.set(email, {
    calendarId,
    seq: state.nextSeq(),
    deleted: false,
    hidden: false,
    selected: true,
  });
  state.markListChanged(email);
}

/** Takes the calendar off the user's list, leaving a removed entry for sync. */
export function removeFromCalendarList(state: EmulatorState, email: string, calendarId: string): void {
  const current = state.calendarLists.get(email, calendarId);
  if (!current || current.deleted) return;
  state.calendarLists.set(email, {
    calendarId,
    seq: state.nextSeq(),
    deleted: true,
    hidden: false,
    selected: false,
  });
  state.markListChanged(email);
}

/** Applies the user's own settings to a live entry; a change that changes nothing keeps its number. */
export function updateCalendarListEntry(
  state: EmulatorState,
  email: string,
  current: CalendarListRecord,
  settings: CalendarListSettings,
): CalendarListRecord {
  const { summaryOverride, ...flags } = settings;
  const next: CalendarListRecord = { ...current, ...flags };
  if (summaryOverride === null) delete next.summaryOverride;
  else if (summaryOverride !== undefined) next.summaryOverride = summaryOverride;
  if (JSON.stringify(next) === JSON.stringify(current)) return current;
  next.seq = state.nextSeq();
  state.calendarLists.set(email, next);
  state.markListChanged(email);
  return next;
}

/**
 * Builds the lists from ownership and sharing rules, for state saved before calendar lists were
 * kept: every owner and every grantee has the calendar on their list.
 */
export function rebuildCalendarLists(state: EmulatorState): void {
  for (const { meta } of state.calendars.values()) {
    const entry = { calendarId: meta.id, deleted: false, hidden: false, selected: true };
    state.calendarLists.set(meta.ownerEmail, { ...entry, seq: meta.seq });
    for (const grant of meta.acl ?? []) state.calendarLists.set(grant.email, { ...entry, seq: grant.seq });
  }
}
