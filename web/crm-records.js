import { api } from './api.js';

/**
 * CRM records on the page: the picker of the schedule form (record type, search by name, then the
 * record) and the names of the records meetings are linked to.
 */

const $ = (id) => document.getElementById(id);

/** The collection path of each record type (GET /crm/{contacts,companies,deals}). */
const COLLECTIONS = { contact: 'contacts', company: 'companies', deal: 'deals' };

const SEARCH_DELAY_MS = 250;
const SEARCH_LIMIT = 20;

/** One record in words: its name, and the email or stage that tells same-named ones apart. */
function describeRecord(record) {
  const extra = record.email || record.domain || record.stage;
  return extra ? `${record.name} (${extra})` : record.name;
}

/**
 * Wires the picker once. `showError(message)` shows an API failure next to the form. Answers
 * `{ selection() }` ({ type, id } or null, with `missing: true` when a type is chosen without a
 * record) and `reset()`.
 */
export function setUpRecordPicker({ showError }) {
  const typeSelect = $('schedule-entity-type');
  const search = $('schedule-entity-search');
  const recordSelect = $('schedule-entity-id');
  const status = $('schedule-entity-status');
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
      const { items } = await api(`/crm/${collection}?${query.toString()}`);
      if (request !== latest) return;
      recordSelect.replaceChildren(...items.map((record) => new Option(describeRecord(record), record.id)));
      const found = items.length === 1 ? `1 ${type} found` : `${items.length} ${collection} found`;
      const more = items.length === SEARCH_LIMIT ? ' (the first ones by name; type to narrow)' : '';
      status.textContent = items.length === 0 ? `No ${collection} match.` : `${found}${more}.`;
    } catch (error) {
      if (request !== latest) return;
      recordSelect.replaceChildren();
      status.textContent = '';
      showError(`The CRM records could not be loaded: ${error.message}`);
    }
  }

  typeSelect.addEventListener('change', () => {
    $('schedule-entity-pick').hidden = typeSelect.value === '';
    recordSelect.replaceChildren();
    search.value = '';
    status.textContent = '';
    void load();
  });
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
    reset() {
      window.clearTimeout(timer);
      latest += 1;
      $('schedule-entity-pick').hidden = true;
      recordSelect.replaceChildren();
      status.textContent = '';
    },
  };
}

/**
 * The names of linked records, read once each (GET /crm/{type}/{id}). Answers a promise of the
 * name, or rejects with the ApiError (a deleted record answers 404).
 */
export function createRecordNames() {
  const cache = new Map();
  return (type, id) => {
    const key = `${type}:${id}`;
    let name = cache.get(key);
    if (!name) {
      const collection = COLLECTIONS[type];
      name = api(`/crm/${collection}/${encodeURIComponent(id)}`).then((record) => record.name);
      // A failure is not kept: the next refresh asks again.
      name.catch(() => cache.delete(key));
      cache.set(key, name);
    }
    return name;
  };
}
