// @ts-check
import { api } from './api.js';

/** @import { CalendarEvent } from './api-types.js' */
/** @import { Scope, SendUpdates } from './change-dialog.js' */

/**
 * The page's writes to a meeting: PATCH, DELETE and RSVP on /calendar/events/{id}, each with
 * `send_updates` (who Google emails) and, for an occurrence of a series, `scope`. The service
 * answers at once; the change then travels to Google (`sync_state: pending`).
 */

/**
 * The API id of the series an occurrence belongs to (`<series id>:<occurrence Google id>`), or
 * the event's own id.
 * @param {Pick<CalendarEvent, 'id' | 'recurring_event_id'>} event
 * @returns {string}
 */
export function seriesId(event) {
  return event.recurring_event_id && event.id.includes(':')
    ? /** @type {string} */ (event.id.split(':')[0])
    : event.id;
}

/**
 * Whether the id names one occurrence of a series (only those take `scope`).
 * @param {Pick<CalendarEvent, 'id' | 'recurring_event_id'>} event
 */
export function isOccurrence(event) {
  return seriesId(event) !== event.id;
}

/** @param {string} id */
const path = (id) => `/calendar/events/${encodeURIComponent(id)}`;

/**
 * Changes a meeting: only the fields in `changes`.
 * @param {CalendarEvent} event
 * @param {Record<string, unknown>} changes
 * @param {{ scope?: Scope | undefined, sendUpdates: SendUpdates }} choice
 * @returns {Promise<CalendarEvent>}
 */
export async function patchEvent(event, changes, { scope, sendUpdates }) {
  /** @type {Record<string, unknown>} */
  const body = { ...changes, send_updates: sendUpdates };
  if (scope && isOccurrence(event)) body.scope = scope;
  return /** @type {CalendarEvent} */ (await api(path(event.id), { method: 'PATCH', body }));
}

/**
 * Cancels a meeting (for an occurrence: this one, the following ones, or the whole series).
 * @param {CalendarEvent} event
 * @param {{ scope?: Scope | undefined, sendUpdates: SendUpdates }} choice
 */
export async function cancelEvent(event, { scope, sendUpdates }) {
  const query = new URLSearchParams({ send_updates: sendUpdates });
  if (scope && isOccurrence(event)) query.set('scope', scope);
  await api(`${path(event.id)}?${query.toString()}`, { method: 'DELETE' });
}

/**
 * Answers an invitation, for this occurrence or (`series`) the whole series.
 * @param {CalendarEvent} event
 * @param {'accepted' | 'tentative' | 'declined'} response
 * @param {{ series: boolean, sendUpdates: SendUpdates }} options
 * @returns {Promise<CalendarEvent>}
 */
export async function answerInvitation(event, response, { series, sendUpdates }) {
  const id = series ? seriesId(event) : event.id;
  return /** @type {CalendarEvent} */ (
    await api(`${path(id)}/rsvp`, { method: 'POST', body: { response, send_updates: sendUpdates } })
  );
}

/**
 * Sends a meeting Google refused again, as it now is in the CRM: a change that leaves every field
 * as it is still makes the service push the event's current state. An occurrence is sent with
 * its series.
 * @param {CalendarEvent} event
 * @param {boolean} organizer Whether the user organizes it (an invitee may change only the link).
 * @returns {Promise<CalendarEvent>}
 */
export async function resendEvent(event, organizer) {
  const body = organizer
    ? { location: event.location, send_updates: 'none' }
    : { entity_type: event.entity_type, entity_id: event.entity_id };
  return /** @type {CalendarEvent} */ (await api(path(seriesId(event)), { method: 'PATCH', body }));
}
