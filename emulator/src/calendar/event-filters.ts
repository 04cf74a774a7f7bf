import { googleErrors } from '../errors.js';
import type { CalendarRecord } from '../state/emulator-state.js';
import type { EventType, StoredEvent } from '../state/types.js';
import { EVENT_TYPES, eventTypeOf, typeSearchText } from './event-types.js';
import { occurrences, seriesOf } from './recurrence.js';

/** The filtering part of an events.list / events.instances request. */
export interface EventFilter {
  showDeleted: boolean;
  singleEvents: boolean;
  timeMin?: number | undefined;
  timeMax?: number | undefined;
  updatedMin?: number | undefined;
  iCalUID?: string | undefined;
  terms: string[];
  privateProps: Array<[string, string]>;
  sharedProps: Array<[string, string]>;
  /** `eventTypes`, sorted; undefined for every type. */
  eventTypes?: EventType[] | undefined;
}

/** The `eventTypes` parameter as a sorted list, or undefined when it asks for every type. */
export function eventTypesParam(values: string[]): EventType[] | undefined {
  const types = [...new Set(values)].sort() as EventType[];
  return types.length === 0 || types.length === EVENT_TYPES.length ? undefined : types;
}

/** `eventTypes` also filters incremental listings: a change of another type is not listed. */
export function matchesType(event: StoredEvent, filter: EventFilter): boolean {
  return filter.eventTypes === undefined || filter.eventTypes.includes(eventTypeOf(event.data));
}

export function parsePropertyFilters(values: string[], parameter: string): Array<[string, string]> {
  return values.map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0) {
      throw googleErrors.invalidParameter(
        parameter,
        `Invalid value '${value.slice(0, 64)}' for ${parameter}: expected propertyName=value.`,
      );
    }
    return [value.slice(0, eq), value.slice(eq + 1)];
  });
}

/** The guests a calendar's owner sees on its copy (only themselves when guests are hidden). */
function visibleAttendees(event: StoredEvent): NonNullable<StoredEvent['data']['attendees']> {
  const all = event.data.attendees ?? [];
  if (event.data.guestsCanSeeOtherGuests !== false || event.organizerCalendarId === event.calendarId)
    return all;
  const calendarOwner = event.calendarId;
  return all.filter((a) => a.email === calendarOwner);
}

/** Free-text search (`q`) over the fields Google searches: every term must appear somewhere. */
function matchesText(event: StoredEvent, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const d = event.data;
  const haystack = [
    d.summary,
    d.description,
    d.location,
    d.organizer.email,
    d.organizer.displayName,
    d.creator.email,
    ...visibleAttendees(event).flatMap((a) => [a.email, a.displayName]),
    ...typeSearchText(d),
  ]
    .filter((v): v is string => typeof v === 'string')
    .join('\n')
    .toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

/** Filters that look only at the event's data (not at status or time). */
export function matchesData(event: StoredEvent, filter: EventFilter): boolean {
  const d = event.data;
  if (!matchesType(event, filter)) return false;
  if (filter.iCalUID !== undefined && d.iCalUID !== filter.iCalUID) return false;
  if (filter.updatedMin !== undefined && event.updatedMs < filter.updatedMin) return false;
  for (const [key, value] of filter.privateProps) {
    if (d.extendedProperties?.private?.[key] !== value) return false;
  }
  for (const [key, value] of filter.sharedProps) {
    if (d.extendedProperties?.shared?.[key] !== value) return false;
  }
  return matchesText(event, filter.terms);
}

/** timeMin is an exclusive bound on the end, timeMax an exclusive bound on the start. */
export function overlaps(startMs: number, endMs: number, filter: EventFilter): boolean {
  if (filter.timeMax !== undefined && startMs >= filter.timeMax) return false;
  if (
    filter.timeMin !== undefined &&
    endMs <= filter.timeMin &&
    !(endMs === startMs && startMs >= filter.timeMin)
  ) {
    return false;
  }
  return true;
}

/**
 * Whether a stored event belongs in a full (non-incremental) listing, for singleEvents=false.
 * Cancelled occurrences of a live series stay listed even without showDeleted (Google documents
 * this); entries deleted since `updatedMin` are always listed.
 */
export function includeInFullList(
  calendar: CalendarRecord,
  event: StoredEvent,
  filter: EventFilter,
): boolean {
  if (!matchesData(event, filter)) return false;
  if (event.data.status === 'cancelled' && !filter.showDeleted && filter.updatedMin === undefined) {
    const masterId = event.data.recurringEventId;
    if (masterId === undefined || filter.singleEvents) return false;
    const master = calendar.store.get(masterId);
    if (!master || master.data.status === 'cancelled') return false;
  }
  if (filter.timeMin === undefined && filter.timeMax === undefined) return true;
  if (event.data.recurrence) {
    const series = seriesOf(event, calendar.meta.timeZone);
    return occurrences(series, filter.timeMin, filter.timeMax, 1).length > 0;
  }
  return overlaps(event.startMs, event.endMs, filter);
}
