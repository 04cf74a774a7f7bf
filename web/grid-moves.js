// @ts-check
import { calendarLabel, hasGuests, isRecurring } from './calendar-events.js';
import { askChange } from './change-dialog.js';
import { patchEvent } from './event-writes.js';
import { describeSyncState } from './meetings.js';
import { describeWhen, wallClockIn } from './time.js';

/** @import { EventApi, EventDropArg } from 'fullcalendar' */
/** @import { ApiError } from './api.js' */
/** @import { GridEventProps } from './calendar-events.js' */
/** @import { ChangeChoice } from './change-dialog.js' */

/**
 * Meetings on the grid: their words for screen readers, and a drag or resize turned into a change
 * of the meeting (PATCH with the new times, the event's own time zone kept).
 */

/**
 * A meeting's words for screen readers: title, when, calendar and where it stands with Google.
 * @param {EventApi} event
 */
export function describeGridEvent(event) {
  const props = /** @type {GridEventProps} */ (event.extendedProps);
  if (props.busy)
    return `Busy, ${describeWhen({ all_day: false, start_date: null, end_date: null, start_time: event.startStr, end_time: event.endStr })}, ${calendarLabel(props.busy.calendar)}`;
  const item = props.item;
  if (!item) return event.title;
  const state = item.sync_state === 'synced' ? '' : `, ${describeSyncState(item)}`;
  const cancelled = item.status === 'cancelled' ? ' (cancelled)' : '';
  return `${event.title}${cancelled}, ${describeWhen(item)}, ${calendarLabel(props.calendar)}${state}`;
}

/**
 * A meeting dragged or resized on the grid: asks when it has guests or a series, then sends the
 * new times; reverts with the reason when the user backs out or the service refuses. `zone` is
 * the grid's (the browser's); `saved(message)` runs once the service accepted the change.
 * @param {Pick<EventDropArg, 'event' | 'revert'>} change
 * @param {{
 *   zone: string,
 *   showError: (message: string) => void,
 *   saved: (message: string) => void,
 *   onError: (error: ApiError) => void,
 * }} options
 */
export async function moveOnGrid({ event, revert }, { zone, showError, saved, onError }) {
  const props = /** @type {GridEventProps} */ (event.extendedProps);
  if (!props.item) return revert();
  const item = props.item;
  const allDay = event.allDay;
  const start = /** @type {Date} */ (event.start);
  const end = event.end ?? new Date(start.getTime() + (allDay ? 86_400_000 : 3_600_000));
  const times = allDay
    ? { all_day: true, start: event.startStr.slice(0, 10), end: wallClockIn(end, zone).slice(0, 10) }
    : { all_day: false, start: start.toISOString(), end: end.toISOString() };
  const when = describeWhen(
    allDay
      ? { all_day: true, start_date: times.start, end_date: times.end, start_time: null, end_time: null }
      : { all_day: false, start_date: null, end_date: null, start_time: times.start, end_time: times.end },
  );
  const recurring = isRecurring(item) && item.id.includes(':');
  /** @type {ChangeChoice} */
  let choice = { scope: undefined, sendUpdates: 'none' };
  if (recurring || hasGuests(item)) {
    const asked = await askChange({
      heading: `Move “${event.title}”?`,
      message: `New time: ${when}.`,
      confirm: 'Move it',
      recurring,
      guests: hasGuests(item),
    });
    if (asked === null) return revert();
    choice = asked;
  }
  showError('');
  try {
    await patchEvent(item, times, choice);
    saved(`“${event.title}” moved to ${when}.`);
  } catch (thrown) {
    const error = /** @type {ApiError} */ (thrown);
    revert();
    if (error.status === 401) onError(error);
    else showError(`“${event.title}” was not moved: ${error.message}`);
  }
}
