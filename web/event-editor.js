// @ts-check
import { api } from './api.js';
import { recordKind, setUpRecordPicker } from './crm-records.js';
import { checkedValue, notifyGroup, scopeGroup } from './change-dialog.js';
import { calendarLabel } from './calendar-events.js';
import { changesBody, createBody, newValues, valuesOfEvent } from './editor-values.js';
import { isOccurrence, patchEvent, seriesId } from './event-writes.js';
import { setUpRepeatEditor } from './recurrence-editor.js';
import { setUpReminderRows } from './reminder-rows.js';
import { browserTimeZone, timeZoneChoices } from './time.js';

/** @import { ApiError } from './api.js' */
/** @import { Calendar, CalendarEvent, RecordType, Transparency, Visibility } from './api-types.js' */
/** @import { EditorValues } from './editor-values.js' */
/** @import { Scope, SendUpdates } from './change-dialog.js' */

/**
 * The meeting editor: a dialog for a new meeting (from "New meeting" or an empty slot of the
 * grid) or for changing one. Its form is cloned from `#editor-template` when it opens and removed
 * when it closes. Errors the service answers are shown in the dialog, which stays open with what
 * was typed.
 */

/**
 * A new meeting as the editor opens it: its times, and (from a record's page) the record it is
 * linked to and the guests it invites.
 * @typedef {object} NewMeeting
 * @property {string} start
 * @property {string} end
 * @property {boolean} allDay
 * @property {{ type: RecordType, id: string, name: string }} [entity]
 * @property {string} [guests]
 */

/**
 * How the editor opens: a new meeting, or an existing meeting.
 * @typedef {{ create: NewMeeting, event?: undefined } | { event: CalendarEvent, create?: undefined }} EditorRequest
 */

/**
 * The editor's element with this id.
 * @param {ParentNode} root
 * @param {string} id
 */
const byId = (root, id) => /** @type {HTMLInputElement} */ (root.querySelector(`#${id}`));

/** Calendars a new meeting may go on: synced ones the user may write to. */
const WRITABLE = new Set(['owner', 'writer']);

/**
 * Wires the editor once. `calendars()` answers the calendar list; `onSaved(message)` runs after
 * the service accepted a meeting; `onError` receives a 401.
 * @param {{
 *   calendars: () => Calendar[],
 *   onSaved: (message: string) => void,
 *   onError: (error: ApiError) => void,
 * }} options
 * @returns {{ open: (request: EditorRequest) => Promise<void> }}
 */
export function setUpEventEditor({ calendars, onSaved, onError }) {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('editor-dialog'));
  const template = /** @type {HTMLTemplateElement} */ (document.getElementById('editor-template'));
  dialog.addEventListener('close', () => dialog.replaceChildren());

  /**
   * Puts values into the form.
   * @param {HTMLFormElement} form
   * @param {EditorValues} values
   */
  function fill(form, values) {
    byId(form, 'editor-title').value = values.title;
    byId(form, 'editor-all-day').checked = values.allDay;
    setAllDay(form, values.allDay);
    byId(form, 'editor-start').value = values.start;
    byId(form, 'editor-end').value = values.end;
    const zone = /** @type {HTMLSelectElement} */ (/** @type {unknown} */ (byId(form, 'editor-time-zone')));
    zone.replaceChildren(
      ...[...new Set([values.timeZone, ...timeZoneChoices()])]
        .sort()
        .map((name) => new Option(name.replace(/_/g, ' '), name, false, name === values.timeZone)),
    );
    byId(form, 'editor-guests').value = values.guests;
    byId(form, 'editor-optional').value = values.optional;
    byId(form, 'editor-meet').checked = values.meet;
    byId(form, 'editor-location').value = values.location;
    byId(form, 'editor-description').value = values.description;
    byId(form, 'editor-visibility').value = values.visibility;
    byId(form, 'editor-transparency').value = values.transparency;
    byId(form, 'editor-rrule').value = values.rule;
    const mode = /** @type {HTMLInputElement} */ (
      form.querySelector(`input[name="editor_reminders_mode"][value="${values.remindersMode}"]`)
    );
    mode.checked = true;
    byId(form, 'editor-reminders-custom').hidden = values.remindersMode !== 'custom';
  }

  /**
   * Switches the time fields between dates and wall-clock times, keeping the day.
   * @param {HTMLFormElement} form
   * @param {boolean} allDay
   */
  function setAllDay(form, allDay) {
    for (const id of ['editor-start', 'editor-end']) {
      const input = byId(form, id);
      const day = input.value.slice(0, 10);
      const time = input.value.slice(11, 16) || (id === 'editor-start' ? '09:00' : '10:00');
      input.type = allDay ? 'date' : 'datetime-local';
      if (day) input.value = allDay ? day : `${day}T${time}`;
    }
    byId(form, 'editor-start-label').textContent = allDay ? 'First day' : 'Start';
    byId(form, 'editor-end-label').textContent = allDay ? 'Last day' : 'End';
  }

  /**
   * The form's values, as EditorValues.
   * @param {HTMLFormElement} form
   * @param {() => string} rule
   * @returns {EditorValues}
   */
  function read(form, rule) {
    return {
      title: byId(form, 'editor-title').value,
      allDay: byId(form, 'editor-all-day').checked,
      start: byId(form, 'editor-start').value,
      end: byId(form, 'editor-end').value,
      timeZone: byId(form, 'editor-time-zone').value || browserTimeZone(),
      guests: byId(form, 'editor-guests').value,
      optional: byId(form, 'editor-optional').value,
      meet: byId(form, 'editor-meet').checked,
      location: byId(form, 'editor-location').value,
      description: byId(form, 'editor-description').value,
      visibility: /** @type {Visibility} */ (byId(form, 'editor-visibility').value),
      transparency: /** @type {Transparency} */ (byId(form, 'editor-transparency').value),
      rule: rule(),
      remindersMode: checkedValue(form, 'editor_reminders_mode') === 'custom' ? 'custom' : 'default',
      reminders: [],
    };
  }

  /**
   * The series' recurrence lines of an occurrence (read from its series), or the event's own.
   * @param {CalendarEvent} event
   * @returns {Promise<string[] | null>}
   */
  async function recurrenceOf(event) {
    if (!isOccurrence(event)) return event.recurrence;
    const series = /** @type {CalendarEvent} */ (
      await api(`/calendar/events/${encodeURIComponent(seriesId(event))}`)
    );
    return series.recurrence;
  }

  /** @param {EditorRequest} request */
  async function open(request) {
    const { event } = request;
    const recurrence = event ? await recurrenceOf(event).catch(() => event.recurrence) : null;
    const form = /** @type {HTMLFormElement} */ (
      /** @type {DocumentFragment} */ (template.content.cloneNode(true)).firstElementChild
    );
    dialog.replaceChildren(form);
    const before = event
      ? valuesOfEvent(event, { browserZone: browserTimeZone(), recurrence })
      : {
          ...newValues({ .../** @type {NewMeeting} */ (request.create), timeZone: browserTimeZone() }),
          guests: request.create?.guests ?? '',
        };
    fill(form, before);
    const showError = (/** @type {string} */ message) => {
      byId(form, 'editor-error').textContent = message;
      byId(form, 'editor-error').hidden = message === '';
    };
    const reminders = setUpReminderRows(form, 'editor');
    reminders.set(before.reminders);
    for (const radio of form.querySelectorAll('input[name="editor_reminders_mode"]')) {
      radio.addEventListener('change', () => {
        const custom = checkedValue(form, 'editor_reminders_mode') === 'custom';
        byId(form, 'editor-reminders-custom').hidden = !custom;
        if (custom && reminders.read().reminders?.length === 0)
          reminders.set([{ method: 'popup', minutes: 10 }]);
      });
    }
    byId(form, 'editor-all-day').addEventListener('change', (change) =>
      setAllDay(form, /** @type {HTMLInputElement} */ (change.currentTarget).checked),
    );
    const repeat = setUpRepeatEditor(form, {
      rule: before.rule,
      context: () => ({
        startDate: byId(form, 'editor-start').value.slice(0, 10),
        allDay: byId(form, 'editor-all-day').checked,
      }),
    });
    const picker = setUpRecordPicker({ prefix: 'editor', showError });
    const typeSelect = /** @type {HTMLSelectElement} */ (
      /** @type {unknown} */ (byId(form, 'editor-entity-type'))
    );
    const calendarSelect = /** @type {HTMLSelectElement} */ (
      /** @type {unknown} */ (byId(form, 'editor-calendar'))
    );

    if (event) {
      byId(form, 'editor-heading').textContent = `Change “${event.title || '(No title)'}”`;
      byId(form, 'editor-reminders-default-text').textContent = "the calendar's default reminders";
      byId(form, 'editor-calendar-field').hidden = true;
      const calendar = calendars().find((c) => c.id === event.calendar_id);
      byId(form, 'editor-calendar-text').textContent = `Calendar: ${calendarLabel(calendar)}`;
      byId(form, 'editor-calendar-text').hidden = false;
      // The current link stays unless another choice is made.
      typeSelect.prepend(
        new Option(event.entity_type ? 'Keep the current link' : 'Keep: no link', 'keep', true, true),
      );
      typeSelect.value = 'keep';
      typeSelect.addEventListener('change', () => {
        if (typeSelect.value === 'keep') byId(form, 'editor-entity-pick').hidden = true;
      });
      if (isOccurrence(event)) byId(form, 'editor-scope-slot').append(scopeGroup('this'));
    } else {
      const writable = calendars().filter(
        (c) => c.selected && (c.access_role === null || WRITABLE.has(c.access_role)),
      );
      calendarSelect.replaceChildren(
        ...writable.map((c) => new Option(calendarLabel(c), c.id, c.primary, c.primary)),
      );
      byId(form, 'editor-calendar-field').hidden = writable.length === 0;
      const preset = request.create?.entity;
      if (preset) {
        // From a record's page: linked to that record unless another choice is made.
        const words = `${recordKind(preset.type)} “${preset.name}”`;
        typeSelect.prepend(new Option(`This ${words}`, 'keep', true, true));
        typeSelect.value = 'keep';
        typeSelect.addEventListener('change', () => {
          if (typeSelect.value === 'keep') byId(form, 'editor-entity-pick').hidden = true;
        });
        byId(form, 'editor-heading').textContent = `New meeting with ${words}`;
      }
    }
    byId(form, 'editor-notify-slot').append(notifyGroup('all'));

    byId(form, 'editor-close').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (submitted) => {
      submitted.preventDefault();
      void save();
    });

    async function save() {
      showError('');
      const after = read(form, repeat.value);
      if (after.title.trim() === '') {
        showError('Give the meeting a title.');
        byId(form, 'editor-title').focus();
        return;
      }
      if (after.start === '' || after.end === '') {
        showError('Choose when the meeting starts and ends.');
        byId(form, after.start === '' ? 'editor-start' : 'editor-end').focus();
        return;
      }
      if (after.allDay ? after.end < after.start : after.end <= after.start) {
        showError(
          after.allDay ? 'The last day cannot be before the first.' : 'The meeting must end after it starts.',
        );
        byId(form, 'editor-end').focus();
        return;
      }
      if (after.remindersMode === 'custom') {
        const chosen = reminders.read();
        if (chosen.error) {
          showError(chosen.error);
          chosen.focus.focus();
          return;
        }
        after.reminders = chosen.reminders ?? [];
      }
      /** @type {Record<string, unknown>} */
      let body;
      if (event) {
        body = changesBody(before, after, { attendees: event.attendees, recurrence });
      } else {
        body = createBody(after);
        if (calendarSelect.value) body.calendar_id = calendarSelect.value;
      }
      const linkType = typeSelect.value;
      const preset = request.create?.entity;
      if (linkType === 'keep' && preset)
        Object.assign(body, { entity_type: preset.type, entity_id: preset.id });
      if (linkType !== 'keep') {
        const entity = picker.selection();
        if (entity?.missing) {
          showError('Choose the CRM record to link, or choose “No link”.');
          byId(form, 'editor-entity-id').focus();
          return;
        }
        if (entity) Object.assign(body, { entity_type: entity.type, entity_id: entity.id });
        else if (event && event.entity_type) Object.assign(body, { entity_type: null, entity_id: null });
      }
      if (event && Object.keys(body).length === 0) {
        showError('Nothing was changed.');
        return;
      }
      const sendUpdates = /** @type {SendUpdates} */ (checkedValue(form, 'send_updates') ?? 'all');
      const scope = /** @type {Scope | undefined} */ (checkedValue(form, 'scope'));
      const submit = /** @type {HTMLButtonElement} */ (/** @type {unknown} */ (byId(form, 'editor-submit')));
      submit.disabled = true;
      try {
        if (event) {
          await patchEvent(event, body, { scope, sendUpdates });
        } else {
          await api('/calendar/events', { method: 'POST', body: { ...body, send_updates: sendUpdates } });
        }
        dialog.close();
        const title = after.title.trim();
        onSaved(event ? `“${title}” was changed.` : `“${title}” scheduled.`);
      } catch (thrown) {
        const error = /** @type {ApiError} */ (thrown);
        if (error.status === 401) {
          dialog.close();
          onError(error);
          return;
        }
        showError(
          error.status === 400
            ? error.message
            : `The meeting was not ${event ? 'changed' : 'scheduled'}: ${error.message}`,
        );
      } finally {
        submit.disabled = false;
      }
    }

    dialog.showModal();
    byId(form, 'editor-title').focus();
  }

  return { open };
}
