// @ts-check
import { api } from './api.js';
import { setUpRecordPicker } from './crm-records.js';
import { addMinutesToWallClock, browserTimeZone, nextFullHour, timeZoneChoices } from './time.js';

/** @import { ApiError } from './api.js' */
/** @import { CalendarEvent } from './api-types.js' */

/**
 * The "Schedule a meeting" form: POST /calendar/events with wall-clock times in the chosen time
 * zone (the browser's by default), the reminders, a Meet link and a link to a CRM record. The
 * service answers at once (the event is then on its way to Google); its error answers are shown
 * next to the form.
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const MAX_REMINDERS = 5;

/**
 * A reminder as the form sends it: how (`popup` or `email`) and how many minutes before.
 * @typedef {{ method: string, minutes: number }} Reminder
 */

/**
 * The POST /calendar/events body the form sends.
 * @typedef {object} MeetingBody
 * @property {string} title
 * @property {string} start
 * @property {string} end
 * @property {string} time_zone
 * @property {{ email: string }[]} attendees
 * @property {boolean} conference
 * @property {Reminder[]} [reminders]
 * @property {string} [entity_type]
 * @property {string} [entity_id]
 */

/**
 * The POST /calendar/events body for the form's values (attendees: emails separated by commas).
 * `reminders` is omitted for the user's defaults, else the list of overrides (empty: none);
 * `entity` is { type, id } or null.
 * @param {{
 *   title: string,
 *   start: string,
 *   durationMinutes: number,
 *   attendees: string,
 *   conference: boolean,
 *   timeZone: string,
 *   reminders: Reminder[] | undefined,
 *   entity: { type: string, id: string } | null,
 * }} fields
 * @returns {MeetingBody}
 */
export function meetingBody({
  title,
  start,
  durationMinutes,
  attendees,
  conference,
  timeZone,
  reminders,
  entity,
}) {
  const end = addMinutesToWallClock(start, durationMinutes);
  /** @type {MeetingBody} */
  const body = {
    title: title.trim(),
    start,
    end: end ?? start,
    time_zone: timeZone,
    attendees: attendees
      .split(/[,;\s]+/)
      .map((email) => email.trim())
      .filter((email) => email !== '')
      .map((email) => ({ email })),
    conference,
  };
  if (reminders) body.reminders = reminders;
  if (entity) {
    body.entity_type = entity.type;
    body.entity_id = entity.id;
  }
  return body;
}

/** @param {string} message The error to show; '' hides it. */
function showError(message) {
  const box = $('schedule-error');
  box.textContent = message;
  box.hidden = message === '';
}

function fillTimeZones() {
  const select = /** @type {HTMLSelectElement} */ ($('schedule-time-zone'));
  const own = browserTimeZone();
  select.replaceChildren(
    ...timeZoneChoices().map((zone) => new Option(zone.replace(/_/g, ' '), zone, false, zone === own)),
  );
}

/**
 * One reminder row: how (pop-up or email) and how many minutes before, each with its label.
 * @param {string} [method]
 * @param {number} [minutes]
 * @returns {HTMLLIElement}
 */
function reminderRow(method = 'popup', minutes = 10) {
  const item = document.createElement('li');
  item.className = 'reminder-row';
  const methodSelect = document.createElement('select');
  methodSelect.className = 'reminder-method';
  methodSelect.append(new Option('Pop-up', 'popup'), new Option('Email', 'email'));
  methodSelect.value = method;
  const minutesInput = document.createElement('input');
  minutesInput.className = 'reminder-minutes';
  minutesInput.type = 'number';
  minutesInput.min = '0';
  minutesInput.max = '40320';
  minutesInput.step = '1';
  minutesInput.required = true;
  minutesInput.value = String(minutes);
  const unit = document.createElement('span');
  unit.textContent = 'minutes before';
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'secondary';
  remove.textContent = 'Remove';
  remove.addEventListener('click', () => {
    item.remove();
    renumberReminders();
  });
  item.append(methodSelect, minutesInput, unit, remove);
  return item;
}

/** Gives each row's controls labels that say which reminder they belong to. */
function renumberReminders() {
  const rows = [...$('schedule-reminder-list').children];
  rows.forEach((row, index) => {
    const n = index + 1;
    row.querySelector('.reminder-method')?.setAttribute('aria-label', `Reminder ${n}: how`);
    row.querySelector('.reminder-minutes')?.setAttribute('aria-label', `Reminder ${n}: minutes before`);
    row.querySelector('button')?.setAttribute('aria-label', `Remove reminder ${n}`);
  });
  $('schedule-reminders-none').hidden = rows.length > 0;
  $('schedule-add-reminder').hidden = rows.length >= MAX_REMINDERS;
}

/** @returns {string} */
function remindersMode() {
  const checked = /** @type {HTMLInputElement | null} */ (
    document.querySelector('input[name="reminders_mode"]:checked')
  );
  return checked?.value ?? 'default';
}

/**
 * The reminders to send: undefined for the user's defaults, else the overrides (or an error in words).
 * @returns {{ reminders: Reminder[] | undefined, error?: undefined }
 *   | { reminders?: undefined, error: string, focus: HTMLInputElement }}
 */
function readReminders() {
  if (remindersMode() !== 'custom') return { reminders: undefined };
  /** @type {Reminder[]} */
  const reminders = [];
  // Each row is a reminderRow(), with its select and input.
  for (const row of $('schedule-reminder-list').children) {
    const input = /** @type {HTMLInputElement} */ (row.querySelector('.reminder-minutes'));
    const minutes = Number(input.value);
    if (input.value === '' || !Number.isInteger(minutes) || minutes < 0) {
      return { error: 'Each reminder needs a whole number of minutes (0 or more).', focus: input };
    }
    const method = /** @type {HTMLSelectElement} */ (row.querySelector('.reminder-method')).value;
    reminders.push({ method, minutes });
  }
  return { reminders };
}

function setUpReminders() {
  const custom = $('schedule-reminders-custom');
  const list = $('schedule-reminder-list');
  for (const radio of document.querySelectorAll('input[name="reminders_mode"]')) {
    radio.addEventListener('change', () => {
      custom.hidden = remindersMode() !== 'custom';
      if (!custom.hidden && list.childElementCount === 0) {
        list.append(reminderRow());
        renumberReminders();
      }
    });
  }
  $('schedule-add-reminder').addEventListener('click', () => {
    list.append(reminderRow());
    renumberReminders();
    /** @type {HTMLInputElement | null | undefined} */ (
      list.lastElementChild?.querySelector('.reminder-minutes')
    )?.focus();
  });
  return () => {
    list.replaceChildren();
    custom.hidden = true;
    renumberReminders();
  };
}

/** Refusals that mean the connection changed since the page last looked. */
const CONNECTION_REFUSALS = new Set(['calendar_not_connected', 'calendar_reauth_required']);

/**
 * Wires the form once; `onCreated(event)` runs after the service accepted a meeting,
 * `onConnectionChanged()` after a refusal because Google Calendar is not (or no longer) connected.
 * @param {{
 *   onCreated: (event: CalendarEvent) => void,
 *   onError: (error: ApiError) => void,
 *   onConnectionChanged: () => void,
 * }} options
 */
export function setUpScheduleForm({ onCreated, onError, onConnectionChanged }) {
  const form = /** @type {HTMLFormElement} */ ($('schedule-form'));
  const startInput = /** @type {HTMLInputElement} */ ($('schedule-start'));
  startInput.value = nextFullHour();
  fillTimeZones();
  const resetReminders = setUpReminders();
  const picker = setUpRecordPicker({ showError });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  async function submit() {
    showError('');
    const start = startInput.value;
    if (start === '') {
      showError('Choose when the meeting starts.');
      startInput.focus();
      return;
    }
    const chosen = readReminders();
    if (chosen.error) {
      showError(chosen.error);
      chosen.focus.focus();
      return;
    }
    const entity = picker.selection();
    if (entity?.missing) {
      showError('Choose the CRM record to link, or choose “No link”.');
      $('schedule-entity-id').focus();
      return;
    }
    const body = meetingBody({
      title: /** @type {HTMLInputElement} */ ($('schedule-title')).value,
      start,
      durationMinutes: Number(/** @type {HTMLSelectElement} */ ($('schedule-duration')).value),
      attendees: /** @type {HTMLInputElement} */ ($('schedule-attendees')).value,
      conference: /** @type {HTMLInputElement} */ ($('schedule-meet')).checked,
      timeZone: /** @type {HTMLSelectElement} */ ($('schedule-time-zone')).value || browserTimeZone(),
      reminders: chosen.reminders,
      entity,
    });
    const button = /** @type {HTMLButtonElement} */ ($('schedule-submit'));
    button.disabled = true;
    try {
      const created = /** @type {CalendarEvent} */ (await api('/calendar/events', { method: 'POST', body }));
      form.reset();
      resetReminders();
      picker.reset();
      fillTimeZones();
      startInput.value = nextFullHour();
      $('schedule-status').textContent = `“${created.title || body.title}” scheduled.`;
      onCreated(created);
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (error.status === 401) {
        onError(error);
        return;
      }
      $('schedule-status').textContent = '';
      showError(error.status === 400 ? error.message : `The meeting was not scheduled: ${error.message}`);
      if (CONNECTION_REFUSALS.has(error.code)) onConnectionChanged();
    } finally {
      button.disabled = false;
    }
  }
}
