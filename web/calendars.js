// @ts-check
import { api } from './api.js';
import { createRefreshLoop } from './refresh-loop.js';
import { formatInstant } from './time.js';

/** @import { ApiError } from './api.js' */
/** @import { Calendar, CalendarList, CalendarSelection, SyncResult } from './api-types.js' */
/** @import { RefreshLoop } from './refresh-loop.js' */

/**
 * The "Calendars" card: the user's Google calendars (GET /calendar/calendars), a checkbox per
 * calendar that chooses whether it syncs (PATCH /calendar/calendars/{id}), each calendar's sync
 * status in words, and "Sync now" (POST /calendar/sync). Refreshed every 10 s while shown, every
 * 2 s while a calendar is syncing. Rows are updated in place so that only changed words are
 * announced and focus stays where it is.
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const REFRESH_MS = 10_000;
const SYNCING_REFRESH_MS = 2_000;

/** Google's access role of a calendar shared as free/busy only: it has no events to read. */
const FREE_BUSY_ONLY = 'freeBusyReader';

/**
 * Where a calendar's sync stands, in words.
 * @param {Pick<Calendar, 'access_role' | 'selected' | 'sync_status' | 'last_error' | 'last_sync_at'>}
 *   calendar
 * @returns {string}
 */
export function describeCalendarSync(calendar) {
  if (calendar.access_role === FREE_BUSY_ONLY) {
    return 'Shared with you as free/busy only: its events cannot be read, so it cannot sync.';
  }
  if (!calendar.selected) return 'Not synced.';
  if (calendar.sync_status === 'syncing') return 'Syncing…';
  if (calendar.sync_status === 'error') return `Sync failed: ${calendar.last_error || 'unknown error'}`;
  return calendar.last_sync_at
    ? `Synced ${formatInstant(calendar.last_sync_at)}.`
    : 'Waiting for the first sync.';
}

/**
 * @param {Pick<Calendar, 'summary' | 'google_calendar_id' | 'primary'>} calendar
 * @returns {string}
 */
function calendarName(calendar) {
  const name = calendar.summary || calendar.google_calendar_id;
  return calendar.primary ? `${name} (primary)` : name;
}

/**
 * A calendar's row: its checkbox, name and sync state (filled in by updateRow).
 * @param {Calendar} calendar
 * @param {(id: string, checkbox: HTMLInputElement) => void} onToggle
 * @returns {HTMLLIElement}
 */
function createRow(calendar, onToggle) {
  const item = document.createElement('li');
  item.className = 'calendar';
  item.dataset.calendarId = calendar.id;
  const label = document.createElement('label');
  const checkbox = document.createElement('input');
  checkbox.type = 'checkbox';
  checkbox.id = `calendar-${calendar.id}`;
  checkbox.addEventListener('change', () => onToggle(calendar.id, checkbox));
  const name = document.createElement('span');
  name.className = 'calendar-name';
  label.append(checkbox, name);
  const state = document.createElement('p');
  state.className = 'calendar-state';
  state.id = `calendar-state-${calendar.id}`;
  checkbox.setAttribute('aria-describedby', state.id);
  item.append(label, state);
  return item;
}

/**
 * Brings a row made by createRow up to date, changing only the words that changed.
 * @param {HTMLElement} item
 * @param {Calendar} calendar
 */
function updateRow(item, calendar) {
  // The parts createRow made.
  const checkbox = /** @type {HTMLInputElement} */ (item.querySelector('input'));
  const nameText = /** @type {HTMLElement} */ (item.querySelector('.calendar-name'));
  const stateText = /** @type {HTMLElement} */ (item.querySelector('.calendar-state'));
  const name = calendarName(calendar);
  const state = describeCalendarSync(calendar);
  if (nameText.textContent !== name) {
    nameText.textContent = name;
  }
  if (stateText.textContent !== state) {
    stateText.textContent = state;
  }
  stateText.dataset.state =
    calendar.access_role === FREE_BUSY_ONLY
      ? 'free_busy_only'
      : calendar.selected
        ? calendar.sync_status
        : 'off';
  const busy = checkbox.dataset.busy === 'true';
  if (!busy) checkbox.checked = calendar.selected;
  // Free/busy-only calendars cannot be selected; one already selected can still be turned off.
  checkbox.disabled = busy || (calendar.access_role === FREE_BUSY_ONLY && !calendar.selected);
}

/**
 * The card's controller: `setActive(true)` shows it and starts the refresh loop, `refresh()`
 * reloads now. `onError` receives ApiErrors (401 signs out); other failures show in the card.
 * `onSynced()` runs after a change that may have changed the meetings (a sync, a selection).
 * @param {{ onError: (error: ApiError) => void, onSynced: () => void }} options
 * @returns {RefreshLoop<{ fromGoogle: boolean }>}
 */
export function createCalendarsCard({ onError, onSynced }) {
  const list = $('calendars-list');

  /** Whether the error shown is a failed load (cleared by the next good one; action errors stay). */
  let loadErrorShown = false;

  /**
   * @param {string} message The error to show; '' hides it.
   * @param {boolean} [fromLoad]
   */
  function showError(message, fromLoad = false) {
    loadErrorShown = fromLoad && message !== '';
    $('calendars-error').textContent = message;
    $('calendars-error').hidden = message === '';
  }

  /** @param {Calendar[]} calendars */
  function render(calendars) {
    /** @type {Set<string | undefined>} */
    const seen = new Set();
    for (const calendar of calendars) {
      seen.add(calendar.id);
      let item = /** @type {HTMLElement | null} */ (
        list.querySelector(`[data-calendar-id="${CSS.escape(calendar.id)}"]`)
      );
      if (!item) {
        item = createRow(calendar, (id, checkbox) => void toggle(id, checkbox));
        list.append(item);
      }
      updateRow(item, calendar);
    }
    // The list holds only rows made by createRow.
    for (const item of /** @type {HTMLElement[]} */ ([...list.children])) {
      if (!seen.has(item.dataset.calendarId)) item.remove();
    }
    $('calendars-empty').hidden = calendars.length > 0;
  }

  /**
   * Shows what failed and why (a 401 goes to onError).
   * @param {string} what
   * @param {ApiError} error
   * @param {boolean} [fromLoad]
   */
  function failed(what, error, fromLoad = false) {
    if (error.status === 401) {
      onError(error);
      return;
    }
    showError(`${what}: ${error.message}`, fromLoad);
  }

  /**
   * Loads the calendars (`fromGoogle`: after reading Google's list again); true while one syncs.
   * @param {{ fromGoogle?: boolean }} request
   * @returns {Promise<boolean>}
   */
  async function load({ fromGoogle = false }) {
    try {
      const { items } = /** @type {CalendarList} */ (
        await api(`/calendar/calendars${fromGoogle ? '?refresh=true' : ''}`)
      );
      render(items);
      if (loadErrorShown) showError('');
      return items.some((calendar) => calendar.selected && calendar.sync_status === 'syncing');
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (fromGoogle) failed('The calendar list could not be read from Google', error);
      else failed('The calendars could not be loaded', error, true);
      return false;
    }
  }

  const loop = createRefreshLoop({
    section: $('calendars-section'),
    load,
    intervalMs: REFRESH_MS,
    busyIntervalMs: SYNCING_REFRESH_MS,
    merge: (a, b) => ({ fromGoogle: Boolean(a.fromGoogle || b.fromGoogle) }),
  });
  const refresh = loop.refresh;

  /**
   * Selects or deselects a calendar, as its checkbox now says.
   * @param {string} id
   * @param {HTMLInputElement} checkbox
   */
  async function toggle(id, checkbox) {
    const selected = checkbox.checked;
    checkbox.dataset.busy = 'true';
    checkbox.disabled = true;
    showError('');
    try {
      const result = /** @type {CalendarSelection} */ (
        await api(`/calendar/calendars/${encodeURIComponent(id)}`, {
          method: 'PATCH',
          body: { selected },
        })
      );
      const name = calendarName(result);
      $('calendars-status').textContent = selected
        ? `${name} now syncs.`
        : `${name} no longer syncs; ${result.events_deleted} of its events were removed from the CRM.`;
      delete checkbox.dataset.busy;
      const item = checkbox.closest('li');
      if (item) updateRow(item, result);
      onSynced();
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      delete checkbox.dataset.busy;
      checkbox.checked = !selected;
      checkbox.disabled = false;
      failed(`${selected ? 'Selecting' : 'Deselecting'} the calendar failed`, error);
      void refresh();
    }
  }

  /** @param {HTMLButtonElement} button */
  async function syncNow(button) {
    button.disabled = true;
    showError('');
    $('calendars-status').textContent = 'Syncing…';
    try {
      const result = /** @type {SyncResult} */ (await api('/calendar/sync', { method: 'POST', body: {} }));
      const problems = result.calendars.filter((c) => c.status === 'failed');
      $('calendars-status').textContent =
        `Synced: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted.`;
      if (problems.length > 0) {
        showError(
          `Some calendars could not be synced: ${problems.map((c) => c.error || 'unknown error').join('; ')}`,
        );
      }
      onSynced();
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      $('calendars-status').textContent = '';
      failed('Syncing failed', error);
    } finally {
      button.disabled = false;
      void refresh();
    }
  }

  $('sync-now-button').addEventListener(
    'click',
    (event) => void syncNow(/** @type {HTMLButtonElement} */ (event.currentTarget)),
  );
  $('calendars-refresh-button').addEventListener('click', () => {
    showError('');
    void refresh({ fromGoogle: true });
  });

  return loop;
}
