// @ts-check
import { api } from './api.js';

/** @import { ApiError } from './api.js' */
/** @import { CalendarEvent, CrmRecord, CrmRecordPage, RecordType } from './api-types.js' */

/**
 * CRM records on the page: the picker of the schedule form (record type, search by name, then the
 * record) and the names of the records meetings are linked to.
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The collection path of each record type (GET /crm/{contacts,companies,deals}).
 * @type {Record<string, string>}
 */
const COLLECTIONS = { contact: 'contacts', company: 'companies', deal: 'deals' };

/**
 * Each record type in words.
 * @type {Record<string, string>}
 */
const KINDS = { contact: 'contact', company: 'company', deal: 'deal' };

/**
 * Whether `type` is a CRM record type (contact, company, deal).
 * @param {string} type
 * @returns {type is RecordType}
 */
export function isRecordType(type) {
  return Object.hasOwn(COLLECTIONS, type);
}

/**
 * A record type in words; one this page does not know, as it is.
 * @param {string} type
 * @returns {string}
 */
export function recordKind(type) {
  return KINDS[type] || type;
}

/**
 * A picker's choice: a record, or a record type chosen without a record (`missing`).
 * @typedef {{ type: string, id: string, missing: false }
 *   | { type: string, id: null, missing: true }} RecordChoice
 */

/**
 * @typedef {object} RecordPicker What setUpRecordPicker answers.
 * @property {() => RecordChoice | null} selection The choice; null for no record type.
 * @property {(type: string) => void} choose
 * @property {() => void} reset
 */

/**
 * A linked record's name, read once (see createRecordNames).
 * @typedef {(type: RecordType, id: string) => Promise<string>} RecordNames
 */

/**
 * The CRM record a meeting is linked to, or null when it is not linked.
 * @param {Pick<CalendarEvent, 'entity_type' | 'entity_id'>} event
 * @returns {{ type: RecordType, id: string } | null}
 */
export function linkedRecord(event) {
  return event.entity_type && event.entity_id ? { type: event.entity_type, id: event.entity_id } : null;
}

const SEARCH_DELAY_MS = 250;
const SEARCH_LIMIT = 20;

/**
 * One record in words: its name, and the email or stage that tells same-named ones apart.
 * @param {CrmRecord} record
 * @returns {string}
 */
function describeRecord(record) {
  const extra = record.email || record.domain || record.stage;
  return extra ? `${record.name} (${extra})` : record.name;
}

/**
 * Wires a picker once: the elements `<prefix>-entity-type`, `-entity-pick`, `-entity-search`,
 * `-entity-id` and `-entity-status` (the schedule form's, or the link dialog's).
 * `showError(message)` shows an API failure next to it. Answers `{ selection() }` ({ type, id } or
 * null, with `missing: true` when a type is chosen without a record), `choose(type)` and `reset()`.
 * @param {{ prefix?: string, showError: (message: string) => void }} options
 * @returns {RecordPicker}
 */
export function setUpRecordPicker({ prefix = 'schedule', showError }) {
  const typeSelect = /** @type {HTMLSelectElement} */ ($(`${prefix}-entity-type`));
  const pick = $(`${prefix}-entity-pick`);
  const search = /** @type {HTMLInputElement} */ ($(`${prefix}-entity-search`));
  const recordSelect = /** @type {HTMLSelectElement} */ ($(`${prefix}-entity-id`));
  const status = $(`${prefix}-entity-status`);
  /** @type {number | undefined} */
  let timer;
  let latest = 0;

  async function load() {
    const type = typeSelect.value;
    const collection = COLLECTIONS[type];
    if (!collection) return;
    const request = (latest += 1);
    const query = new URLSearchParams({ limit: String(SEARCH_LIMIT) });
    const q = search.value.trim();
    if (q !== '') query.set('q', q);
    status.textContent = 'Searching…';
    try {
      const { items } = /** @type {CrmRecordPage} */ (await api(`/crm/${collection}?${query.toString()}`));
      if (request !== latest) return;
      recordSelect.replaceChildren(...items.map((record) => new Option(describeRecord(record), record.id)));
      const found = items.length === 1 ? `1 ${type} found` : `${items.length} ${collection} found`;
      const more = items.length === SEARCH_LIMIT ? ' (the first ones by name; type to narrow)' : '';
      status.textContent = items.length === 0 ? `No ${collection} match.` : `${found}${more}.`;
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (request !== latest) return;
      recordSelect.replaceChildren();
      status.textContent = '';
      showError(`The CRM records could not be loaded: ${error.message}`);
    }
  }

  function typeChosen() {
    pick.hidden = typeSelect.value === '';
    recordSelect.replaceChildren();
    search.value = '';
    status.textContent = '';
    void load();
  }

  typeSelect.addEventListener('change', typeChosen);
  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void load(), SEARCH_DELAY_MS);
  });

  return {
    selection() {
      const type = typeSelect.value;
      if (type === '') return null;
      const id = recordSelect.value;
      return id === '' ? { type, id: null, missing: true } : { type, id, missing: false };
    },
    /**
     * Chooses a record type and lists its first records.
     * @param {string} type
     */
    choose(type) {
      window.clearTimeout(timer);
      typeSelect.value = type;
      typeChosen();
    },
    reset() {
      window.clearTimeout(timer);
      latest += 1;
      pick.hidden = true;
      recordSelect.replaceChildren();
      status.textContent = '';
    },
  };
}

/**
 * The names of linked records, read once each (GET /crm/{type}/{id}). Answers a promise of the
 * name, or rejects with the ApiError (a deleted record answers 404).
 * @returns {RecordNames}
 */
export function createRecordNames() {
  /** @type {Map<string, Promise<string>>} */
  const cache = new Map();
  return (type, id) => {
    const key = `${type}:${id}`;
    let name = cache.get(key);
    if (!name) {
      const collection = COLLECTIONS[type];
      name = api(`/crm/${collection}/${encodeURIComponent(id)}`).then(
        (record) => /** @type {CrmRecord} */ (record).name,
      );
      // A failure is not kept: the next refresh asks again.
      name.catch(() => cache.delete(key));
      cache.set(key, name);
    }
    return name;
  };
}
