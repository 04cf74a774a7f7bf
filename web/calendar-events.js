// @ts-check
import { api } from './api.js';

/** @import { EventInput } from 'fullcalendar' */
/** @import { Availability, Calendar, CalendarEvent, CalendarEventPage, EventAttendee } from './api-types.js' */

/**
 * What the calendar grid shows, as FullCalendar event inputs: the synced events of the visible
 * range (GET /calendar/events, every page), each in its calendar's colour, and the busy times of
 * calendars shared as free/busy only (POST /calendar/availability), whose events cannot be read.
 * All-day events are given as dates, which FullCalendar places on that date in any zone.
 */

/** Google's access role of a calendar shared as free/busy only. */
export const FREE_BUSY_ONLY = 'freeBusyReader';

/** Colours for calendars that carry none; each passes 4.5:1 against white text. */
const PALETTE = ['#1a56c4', '#0b7a4b', '#a3420f', '#7b2fa8', '#b3261e', '#0e6f80', '#6b5a00', '#9c1f6b'];
const BUSY_COLOR = '#5a6475';
const PAGE_LIMIT = '250';
const MAX_PAGES = 20;
const BUSY_SLOT_MINUTES = 30;

/**
 * The extended properties the grid keeps on each event.
 * @typedef {{ item: CalendarEvent, calendar: Calendar | undefined, busy?: undefined }
 *   | { busy: { calendar: Calendar }, item?: undefined, calendar?: undefined }} GridEventProps
 */

/**
 * A calendar's colour: Google's when the service answers one, else one of the palette.
 * @param {Calendar} calendar
 * @param {number} index Its place in the calendar list.
 * @returns {string}
 */
export function calendarColor(calendar, index) {
  const own = calendar.background_color;
  if (typeof own === 'string' && /^#[0-9a-f]{6}$/i.test(own)) return own;
  return PALETTE[index % PALETTE.length] ?? '#1a56c4';
}

/**
 * Black or white, whichever reads better on `background` (#rrggbb), by WCAG relative luminance.
 * @param {string} background
 * @returns {string}
 */
export function textColorOn(background) {
  const channels = [1, 3, 5].map((at) => {
    const value = parseInt(background.slice(at, at + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  const [r = 0, g = 0, b = 0] = channels;
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
}

/**
 * Each attendee answer in words.
 * @type {Record<string, string>}
 */
export const ANSWERS = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'maybe',
  needsAction: 'no answer yet',
};

/**
 * The user's own entry among an event's attendees, if listed.
 * @param {CalendarEvent} event
 * @returns {EventAttendee | undefined}
 */
export function selfAttendee(event) {
  return event.attendees.find((attendee) => attendee.self);
}

/**
 * Whether the user organizes the event (and so may change it): the organizer is the connected
 * Google account (`accountEmail`) or the calendar the event is on (events of a secondary
 * calendar are organized by that calendar).
 * @param {CalendarEvent} event
 * @param {string | null} accountEmail
 * @param {Calendar | undefined} calendar
 * @returns {boolean}
 */
export function isOrganizer(event, accountEmail, calendar) {
  const self = selfAttendee(event);
  if (self) return self.organizer;
  const organizer = event.organizer_email?.toLowerCase();
  if (!organizer) return true;
  return (
    organizer === accountEmail?.toLowerCase() || organizer === calendar?.google_calendar_id.toLowerCase()
  );
}

/**
 * Whether the event is one of a recurring series (a series or one of its occurrences).
 * @param {CalendarEvent} event
 */
export function isRecurring(event) {
  return Boolean(event.recurring_event_id || (event.recurrence && event.recurrence.length > 0));
}

/**
 * Whether anyone but the user is invited (a change then asks whether to notify them).
 * @param {CalendarEvent} event
 */
export function hasGuests(event) {
  return event.attendees.some((attendee) => !attendee.self);
}

/**
 * @param {Calendar | undefined} calendar
 * @returns {string}
 */
export function calendarLabel(calendar) {
  if (!calendar) return 'a calendar no longer listed';
  const name = calendar.summary || calendar.google_calendar_id;
  return calendar.primary ? `${name} (primary)` : name;
}

/**
 * All synced events between two instants (ISO 8601 with an offset), every page followed.
 * @param {string} start
 * @param {string} end
 * @returns {Promise<CalendarEvent[]>}
 */
export async function loadEvents(start, end) {
  const query = new URLSearchParams({ start_date: start, end_date: end, limit: PAGE_LIMIT });
  /** @type {CalendarEvent[]} */
  const items = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = /** @type {CalendarEventPage} */ (await api(`/calendar/events?${query.toString()}`));
    items.push(...result.items);
    if (!result.next_cursor) break;
    query.set('cursor', result.next_cursor);
  }
  return items;
}

/**
 * The busy times of free/busy-only calendars between two instants, by Google calendar id.
 * @param {Calendar[]} calendars Free/busy-only calendars.
 * @param {string} start
 * @param {string} end
 * @returns {Promise<Map<string, { start: string, end: string }[]>>}
 */
export async function loadBusy(calendars, start, end) {
  /** @type {Map<string, { start: string, end: string }[]>} */
  const busy = new Map();
  if (calendars.length === 0) return busy;
  const result = /** @type {Availability} */ (
    await api('/calendar/availability', {
      method: 'POST',
      body: {
        attendees: calendars.map((calendar) => calendar.google_calendar_id),
        start,
        end,
        duration_minutes: BUSY_SLOT_MINUTES,
      },
    })
  );
  for (const entry of result.calendars) busy.set(entry.id, entry.busy);
  return busy;
}

/**
 * One synced event as the grid shows it.
 * @param {CalendarEvent} event
 * @param {{ calendar: Calendar | undefined, color: string, editable: boolean }} options
 * @returns {EventInput}
 */
export function eventInput(event, { calendar, color, editable }) {
  const cancelled = event.status === 'cancelled';
  const start = event.all_day ? event.start_date : event.start_time;
  const end = event.all_day ? event.end_date : event.end_time;
  return {
    id: event.id,
    title: event.title || '(No title)',
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    allDay: event.all_day,
    backgroundColor: color,
    borderColor: color,
    textColor: textColorOn(color),
    editable: editable && !cancelled,
    classNames: [
      'crm-event',
      `sync-${event.sync_state}`,
      ...(cancelled ? ['is-cancelled'] : []),
      ...(event.status === 'tentative' ? ['is-tentative'] : []),
    ],
    extendedProps: /** @type {GridEventProps} */ ({ item: event, calendar }),
  };
}

/**
 * A busy block of a free/busy-only calendar.
 * @param {Calendar} calendar
 * @param {{ start: string, end: string }} interval
 * @param {number} index
 * @returns {EventInput}
 */
export function busyInput(calendar, interval, index) {
  return {
    id: `busy:${calendar.id}:${index}`,
    title: `Busy (${calendarLabel(calendar)})`,
    start: interval.start,
    end: interval.end,
    allDay: false,
    editable: false,
    interactive: false,
    backgroundColor: BUSY_COLOR,
    borderColor: BUSY_COLOR,
    textColor: '#ffffff',
    classNames: ['busy-block'],
    extendedProps: /** @type {GridEventProps} */ ({ busy: { calendar } }),
  };
}
