// @ts-check
import { api } from './api.js';
import { isRecordType, linkedRecord, recordKind, setUpRecordPicker } from './crm-records.js';

/** @import { ApiError } from './api.js' */
/** @import { CalendarEvent } from './api-types.js' */
/** @import { RecordNames } from './crm-records.js' */

/**
 * The dialog that links a meeting to a CRM record, changes the record or unlinks it
 * (PATCH /calendar/events/{id} with only `entity_type`/`entity_id`, which invitees may also do).
 * An occurrence of a series links the whole series, which carries the meeting activity.
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The id to change: the series for an occurrence (`<series id>:<occurrence Google id>`).
 * @param {Pick<CalendarEvent, 'id' | 'recurring_event_id'>} event
 * @returns {string}
 */
function targetId(event) {
  // split() answers at least one part.
  return event.recurring_event_id && event.id.includes(':')
    ? /** @type {string} */ (event.id.split(':')[0])
    : event.id;
}

/**
 * Wires the dialog once. `recordName(type, id)` answers a promise of a record's name,
 * `onChanged(message)` runs after a link or unlink, `onError` receives a 401.
 * @param {{
 *   recordName: RecordNames,
 *   onChanged: (message: string) => void,
 *   onError: (error: ApiError) => void,
 * }} options
 * @returns {{ open: (event: CalendarEvent) => void }}
 */
export function setUpLinkDialog({ recordName, onChanged, onError }) {
  const dialog = /** @type {HTMLDialogElement} */ ($('link-dialog'));
  /** @param {string} message */
  const showError = (message) => {
    $('link-error').textContent = message;
    $('link-error').hidden = message === '';
  };
  const picker = setUpRecordPicker({ prefix: 'link', showError });
  /**
   * The meeting the dialog is open for (set by open(), before the dialog shows).
   * @type {CalendarEvent | null}
   */
  let current = null;

  /**
   * Links `meeting` to `entity` (null: unlinks it); `done` says so, in words, once it is done.
   * @param {CalendarEvent} meeting
   * @param {{ type: string, id: string } | null} entity
   * @param {string} done
   */
  async function save(meeting, entity, done) {
    showError('');
    const buttons = dialog.querySelectorAll('button');
    for (const button of buttons) button.disabled = true;
    try {
      await api(`/calendar/events/${encodeURIComponent(targetId(meeting))}`, {
        method: 'PATCH',
        body: entity
          ? { entity_type: entity.type, entity_id: entity.id }
          : { entity_type: null, entity_id: null },
      });
      dialog.close();
      onChanged(done);
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (error.status === 401) {
        dialog.close();
        onError(error);
        return;
      }
      const reason =
        entity && error.code === 'invalid_reference'
          ? `that ${recordKind(entity.type)} no longer exists in the CRM; search again`
          : error.message;
      showError(`${entity ? 'Linking' : 'Unlinking'} failed: ${reason}`);
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  $('link-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (current === null) return;
    const entity = picker.selection();
    if (!entity || entity.missing) {
      showError('Choose the record to link.');
      $('link-entity-id').focus();
      return;
    }
    const chosen =
      /** @type {HTMLSelectElement} */ ($('link-entity-id')).selectedOptions[0]?.textContent ?? '';
    void save(
      current,
      entity,
      `“${current.title || '(No title)'}” is now linked to ${recordKind(entity.type)} “${chosen}”.`,
    );
  });
  $('link-remove').addEventListener('click', () => {
    if (current === null) return;
    void save(current, null, `“${current.title || '(No title)'}” is no longer linked to a CRM record.`);
  });
  $('link-cancel').addEventListener('click', () => dialog.close());

  return {
    /**
     * Opens the dialog for one meeting of the list.
     * @param {CalendarEvent} event
     */
    open(event) {
      current = event;
      showError('');
      picker.reset();
      const linked = linkedRecord(event);
      $('link-heading').textContent = `Link “${event.title || '(No title)'}” to a CRM record`;
      $('link-series').hidden = !event.recurring_event_id;
      $('link-remove').hidden = !linked;
      /** @param {string | null} name */
      const say = (name) => {
        $('link-current').textContent = linked
          ? `Now linked to ${recordKind(linked.type)}${name ? ` “${name}”` : ''}.`
          : 'Not linked to a CRM record.';
      };
      say(null);
      if (linked) recordName(linked.type, linked.id).then(say, () => undefined);
      picker.choose(linked && isRecordType(linked.type) ? linked.type : 'contact');
      dialog.showModal();
      $('link-entity-search').focus();
    },
  };
}
