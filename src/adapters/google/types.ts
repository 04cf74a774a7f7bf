import type { calendar_v3 } from '@googleapis/calendar';

/**
 * The Calendar API's resource types as the rest of the service sees them, so that only this
 * adapter imports the official client library.
 */
export type GoogleEvent = calendar_v3.Schema$Event;
export type GoogleEventDateTime = calendar_v3.Schema$EventDateTime;
export type GoogleEventAttendee = calendar_v3.Schema$EventAttendee;
export type GoogleConferenceData = calendar_v3.Schema$ConferenceData;
export type GoogleCalendarListEntry = calendar_v3.Schema$CalendarListEntry;
/** The Calendar API v3 client of one connection (GoogleClients.calendarFor). */
export type GoogleCalendarClient = calendar_v3.Calendar;
