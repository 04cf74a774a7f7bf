import { api } from './api.js';
import { isRecordType, recordKind, setUpRecordPicker } from './crm-records.js';

/**
 * The dialog that links a meeting to a CRM record, changes the record or unlinks it
 * (PATCH /calendar/events/{id} with only `entity_type`/`entity_id`, which invitees may also do).
 * An occurrence of a series links the whole series, which carries the meeting activity.
 */

const $ = (id) => document.getElementById(id);

/** The id to change: the series for an occurrence (`<series id>:<occurrence Google id>`). */
function targetId(event) {
  return event.recurring_event_id && event.id.includes(':') ? event.id.split(':')[0] : event.id;
}

/**
 * Wires the dialog once. `recordName(type, id)` answers a promise of a record's name,
 * `onChanged(message)` runs after a link or unlink, `onError` receives a 401.
 */
export function setUpLinkDialog({ recordName, onChanged, onError }) {
  const dialog = $('link-dialog');
  const showError = (message) => {
    $('link-error').textContent = message;
    $('link-error').hidden = message === '';
  };
  const picker = setUpRecordPicker({ prefix: 'link', showError });
  let current = null;

  async function save(entity, done) {
    showError('');
    const buttons = dialog.querySelectorAll('button');
    for (const button of buttons) button.disabled = true;
    try {
      await api(`/calendar/events/${encodeURIComponent(targetId(current))}`, {
        method: 'PATCH',
        body: entity
          ? { entity_type: entity.type, entity_id: entity.id }
          : { entity_type: null, entity_id: null },
      });
      dialog.close();
      onChanged(done);
    } catch (error) {
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
    const entity = picker.selection();
    if (!entity || entity.missing) {
      showError('Choose the record to link.');
      $('link-entity-id').focus();
      return;
    }
    const chosen = $('link-entity-id').selectedOptions[0]?.textContent ?? '';
    void save(
      entity,
      `“${current.title || '(No title)'}” is now linked to ${recordKind(entity.type)} “${chosen}”.`,
    );
  });
  $('link-remove').addEventListener('click', () => {
    void save(null, `“${current.title || '(No title)'}” is no longer linked to a CRM record.`);
  });
  $('link-cancel').addEventListener('click', () => dialog.close());

  return {
    /** Opens the dialog for one meeting of the list. */
    open(event) {
      current = event;
      showError('');
      picker.reset();
      const linked = Boolean(event.entity_type && event.entity_id);
      $('link-heading').textContent = `Link “${event.title || '(No title)'}” to a CRM record`;
      $('link-series').hidden = !event.recurring_event_id;
      $('link-remove').hidden = !linked;
      const say = (name) => {
        $('link-current').textContent = linked
          ? `Now linked to ${recordKind(event.entity_type)}${name ? ` “${name}”` : ''}.`
          : 'Not linked to a CRM record.';
      };
      say(null);
      if (linked) recordName(event.entity_type, event.entity_id).then(say, () => undefined);
      picker.choose(linked && isRecordType(event.entity_type) ? event.entity_type : 'contact');
      dialog.showModal();
      $('link-entity-search').focus();
    },
  };
}
