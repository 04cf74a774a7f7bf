// @ts-check
import { api } from './api.js';
import {
  FREE_BUSY_ONLY,
  busyInput,
  calendarColor,
  calendarLabel,
  eventInput,
  isOrganizer,
  loadBusy,
  loadEvents,
} from './calendar-events.js';
import { createRecordNames } from './crm-records.js';
import { setUpEventDetails } from './event-details.js';
import { setUpEventEditor } from './event-editor.js';
import { describeGridEvent, moveOnGrid } from './grid-moves.js';
import { createRefreshLoop } from './refresh-loop.js';
import {
  addMinutesToWallClock,
  browserTimeZone,
  describeTimeZone,
  nextFullHour,
  wallClockIn,
} from './time.js';

/** @import { EventDropArg, EventInput, EventSourceFuncArg } from 'fullcalendar' */
/** @import { ApiError } from './api.js' */
/** @import { Calendar, CalendarEvent, CalendarList } from './api-types.js' */
/** @import { GridEventProps } from './calendar-events.js' */
/** @import { NewMeeting } from './event-editor.js' */
/** @import { RefreshLoop } from './refresh-loop.js' */

/**
 * The "Calendar" card: the synced meetings on a FullCalendar grid (month, week, day and agenda),
 * in the browser's time zone, each calendar in its colour, free/busy-only calendars as busy
 * blocks. A meeting opens its details; an empty slot (clicked or dragged across) opens the editor
 * for a new meeting at that time; a meeting the user organizes can be dragged to another time or
 * resized, which changes it in the CRM and then in Google (reverted, with the reason, when the
 * service refuses). Reloaded every 10 s while shown, every 2 s while a change is on its way.
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const REFRESH_MS = 10_000;
const PENDING_REFRESH_MS = 2_000;
/** Below this width the grid opens on one day (a week of columns does not fit a phone). */
const NARROW_PX = 700;

/**
 * The card's controller: `setActive` and `refresh` as the other cards; `setAccount(email, writable)`
 * tells the connected Google account and whether changes can be sent (an active connection).
 * @param {{ onError: (error: ApiError) => void, onChanged: () => void, onLink: (event: CalendarEvent) => void }} options
 * `newMeeting(preset)` opens the editor for a new meeting (from a record's page: linked to it).
 * @returns {RefreshLoop<object> & {
 *   setAccount: (email: string | null, writable: boolean) => void,
 *   newMeeting: (preset?: Pick<NewMeeting, 'entity' | 'guests'>) => void,
 * }}
 */
export function createCalendarView({ onError, onChanged, onLink }) {
  const section = $('calendar-view-section');
  const zone = browserTimeZone();
  /** @type {Calendar[]} */
  let calendars = [];
  /** @type {string | null} */
  let account = null;
  let writable = false;
  let pending = false;
  /**
   * The range the grid shows (as FullCalendar asks for it), what it was last given for it, and
   * what the refresh loop loaded for it to take at its next fetch.
   * @type {{ start: string, end: string } | null}
   */
  let range = null;
  let shown = { key: '', json: '' };
  /** @type {{ key: string, inputs: EventInput[] } | null} */
  let fresh = null;
  /** While a meeting is dragged or resized (and its change is asked about and sent), the grid is not reloaded. */
  let interacting = false;
  let dropping = false;

  $('calendar-zone').textContent = `Times are shown in your time zone: ${describeTimeZone(zone)}.`;

  /** @param {string} message */
  function showError(message) {
    $('calendar-error').textContent = message;
    $('calendar-error').hidden = message === '';
  }

  /** @param {ApiError} error */
  function failed(error) {
    if (error.status === 401) onError(error);
    else showError(`The calendar could not be loaded: ${error.message}`);
  }

  /** @param {string} message */
  function saved(message) {
    $('calendar-status').textContent = message;
    onChanged();
    void loop.refresh();
  }

  const editor = setUpEventEditor({ calendars: () => calendars, onSaved: saved, onError });
  const details = setUpEventDetails({
    recordName: createRecordNames(),
    calendars: () => calendars,
    accountEmail: () => account,
    onEdit: (event) => void editor.open({ event }),
    onLink,
    onChanged: saved,
    onError,
  });

  function renderLegend() {
    const legend = $('calendar-legend');
    legend.replaceChildren(
      ...calendars
        .map((calendar, index) => ({ calendar, index }))
        .filter(({ calendar }) => calendar.selected || calendar.access_role === FREE_BUSY_ONLY)
        .map(({ calendar, index }) => {
          const item = document.createElement('li');
          item.dataset.calendarId = calendar.id;
          const swatch = document.createElement('span');
          swatch.className = 'swatch';
          const busyOnly = calendar.access_role === FREE_BUSY_ONLY;
          swatch.style.backgroundColor = busyOnly ? '#5a6475' : calendarColor(calendar, index);
          swatch.setAttribute('aria-hidden', 'true');
          item.append(swatch, `${calendarLabel(calendar)}${busyOnly ? ': busy times only' : ''}`);
          return item;
        }),
    );
  }

  /**
   * The grid's events between two instants (the calendar list is read again first).
   * @param {string} start
   * @param {string} end
   * @returns {Promise<EventInput[]>}
   */
  async function load(start, end) {
    calendars = /** @type {CalendarList} */ (await api('/calendar/calendars')).items;
    renderLegend();
    const freeBusy = calendars.filter((calendar) => calendar.access_role === FREE_BUSY_ONLY);
    const [events, busy] = await Promise.all([
      loadEvents(start, end),
      loadBusy(freeBusy, start, end).catch((/** @type {ApiError} */ error) => {
        /** @type {Map<string, { start: string, end: string }[]>} */
        const none = new Map();
        if (error.status === 401) throw error;
        $('calendar-status').textContent =
          `Busy times of free/busy-only calendars are not shown: ${error.message}`;
        return none;
      }),
    ]);
    pending = events.some((event) => event.sync_state === 'pending');
    const inputs = events.map((event) => {
      const index = calendars.findIndex((c) => c.id === event.calendar_id);
      const calendar = calendars[index];
      return eventInput(event, {
        calendar,
        color: calendar ? calendarColor(calendar, index) : '#5a6475',
        editable: writable && isOrganizer(event, account, calendar),
      });
    });
    for (const calendar of freeBusy) {
      (busy.get(calendar.google_calendar_id) ?? []).forEach((interval, index) =>
        inputs.push(busyInput(calendar, interval, index)),
      );
    }
    return inputs;
  }

  /**
   * A drop or resize: sent (or reverted), then the grid reloads as usual.
   * @param {Pick<EventDropArg, 'event' | 'revert'>} change
   */
  async function changed(change) {
    dropping = true;
    try {
      await moveOnGrid(change, { zone, showError, saved, onError });
    } finally {
      dropping = false;
      interacting = false;
    }
  }

  const narrow = window.matchMedia(`(max-width: ${NARROW_PX}px)`).matches;
  const calendar = new FullCalendar.Calendar($('calendar-grid'), {
    timeZone: 'local',
    initialView: narrow ? 'timeGridDay' : 'timeGridWeek',
    headerToolbar: {
      left: 'prev,next today',
      center: 'title',
      right: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek',
    },
    buttonText: { today: 'Today', month: 'Month', week: 'Week', day: 'Day', list: 'Agenda' },
    buttonHints: { prev: 'Previous $0', next: 'Next $0', today: 'Go to today' },
    viewHint: '$0 view',
    // A day's hours scroll inside the grid (from 08:00), under the day headers.
    contentHeight: 640,
    views: narrow ? { timeGridWeek: { dayHeaderFormat: { weekday: 'narrow', day: 'numeric' } } } : {},
    nowIndicator: true,
    navLinks: true,
    dayMaxEvents: true,
    scrollTime: '08:00:00',
    selectable: false,
    selectMirror: true,
    editable: true,
    eventStartEditable: true,
    eventDurationEditable: true,
    events: (/** @type {EventSourceFuncArg} */ info) => {
      range = { start: info.startStr, end: info.endStr };
      const key = `${range.start}|${range.end}`;
      if (fresh?.key === key) {
        const { inputs } = fresh;
        fresh = null;
        return Promise.resolve(inputs);
      }
      return load(range.start, range.end).then(
        (inputs) => {
          shown = { key, json: JSON.stringify(inputs) };
          showError('');
          return inputs;
        },
        (/** @type {ApiError} */ error) => {
          failed(error);
          return [];
        },
      );
    },
    loading: (isLoading) => section.setAttribute('aria-busy', String(isLoading)),
    eventDidMount: ({ event, el, isMirror }) => {
      if (isMirror) return;
      const props = /** @type {GridEventProps} */ (event.extendedProps);
      el.setAttribute('aria-label', describeGridEvent(event));
      if (props.item) {
        // FullCalendar makes it focusable and opens it on Enter or Space: a button to assistive tech.
        el.setAttribute('role', 'button');
        el.dataset.eventId = props.item.id;
        el.dataset.calendarId = props.item.calendar_id;
        el.dataset.syncState = props.item.sync_state;
      } else if (props.busy) {
        el.dataset.calendarId = props.busy.calendar.id;
      }
    },
    eventClick: ({ event, jsEvent }) => {
      jsEvent.preventDefault();
      const props = /** @type {GridEventProps} */ (event.extendedProps);
      if (props.item) details.open(props.item);
    },
    eventDragStart: () => (interacting = true),
    eventResizeStart: () => (interacting = true),
    eventDrop: (drop) => void changed(drop),
    eventResize: (resize) => void changed(resize),
    // A drag that ends where it began is no change (no eventDrop follows, in the same task).
    eventDragStop: () => window.setTimeout(() => (interacting = dropping), 0),
    eventResizeStop: () => window.setTimeout(() => (interacting = dropping), 0),
    select: (selection) => {
      calendar.unselect();
      void editor.open({
        create: selection.allDay
          ? {
              allDay: true,
              start: selection.startStr.slice(0, 10),
              end: wallClockIn(new Date(selection.end.getTime() - 1), zone).slice(0, 10),
            }
          : {
              allDay: false,
              start: wallClockIn(selection.start, zone),
              end: wallClockIn(selection.end, zone),
            },
      });
    },
    datesSet: ({ view }) => {
      /** @type {HTMLInputElement} */ ($('calendar-go-date')).value = wallClockIn(
        view.currentStart,
        zone,
      ).slice(0, 10);
    },
  });

  $('calendar-go-date').addEventListener('change', (change) => {
    const value = /** @type {HTMLInputElement} */ (change.currentTarget).value;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) calendar.gotoDate(value);
  });
  /**
   * Opens the editor for a new meeting at the next full hour (linked to a record, when given).
   * @param {Pick<NewMeeting, 'entity' | 'guests'>} [preset]
   */
  function newMeeting(preset = {}) {
    const start = nextFullHour();
    void editor.open({
      create: { allDay: false, start, end: addMinutesToWallClock(start, 30) ?? start, ...preset },
    });
  }
  $('calendar-new').addEventListener('click', () => newMeeting());

  let rendered = false;
  const loop = createRefreshLoop({
    section,
    load: async () => {
      if (!rendered) {
        // FullCalendar measures its container: it renders once the card is shown.
        rendered = true;
        calendar.render();
        return pending;
      }
      if (interacting || range === null) return pending;
      const key = `${range.start}|${range.end}`;
      try {
        const inputs = await load(range.start, range.end);
        const json = JSON.stringify(inputs);
        showError('');
        // Unchanged meetings stay as they are on the grid (focus and a drag under way included).
        if (json !== shown.json || key !== shown.key) {
          shown = { key, json };
          fresh = { key, inputs };
          calendar.refetchEvents();
        }
      } catch (thrown) {
        failed(/** @type {ApiError} */ (thrown));
      }
      return pending;
    },
    intervalMs: REFRESH_MS,
    busyIntervalMs: PENDING_REFRESH_MS,
  });

  return {
    ...loop,
    newMeeting,
    setAccount(email, canWrite) {
      account = email;
      writable = canWrite;
      calendar.setOption('selectable', canWrite);
      $('calendar-new').hidden = !canWrite;
    },
  };
}
