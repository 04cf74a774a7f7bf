// @ts-check
import { api } from './api.js';
import { recordKind } from './crm-records.js';
import { describeSyncState } from './meetings.js';
import { describeWhen, formatInstant } from './time.js';

/** @import { ApiError } from './api.js' */
/** @import { CalendarEvent, CalendarEventPage, CrmRecord, CrmRecordPage, RecordType } from './api-types.js' */

/**
 * The "CRM records" card: contacts, companies and deals with a search (GET /crm/{collection}),
 * and a page for one record (its address is `#record/<type>/<id>`): its details, its upcoming
 * and past meetings (GET /calendar/events linked to it), its activity timeline
 * (GET /crm/{collection}/{id}/activities: meetings scheduled, moved, cancelled) and "schedule a
 * meeting", which opens the editor linked to the record with the contact (or the deal's contact)
 * invited.
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {Record<string, RecordType>} */
const TYPES = { contacts: 'contact', companies: 'company', deals: 'deal' };
/** @type {Record<RecordType, string>} */
const COLLECTIONS = { contact: 'contacts', company: 'companies', deal: 'deals' };
const SEARCH_DELAY_MS = 250;
const LIST_LIMIT = '50';

/**
 * An activity of the timeline, as GET /crm/{collection}/{id}/activities answers it.
 * @typedef {object} Activity
 * @property {string} id
 * @property {string} title
 * @property {'scheduled' | 'cancelled' | 'done'} status
 * @property {boolean} all_day
 * @property {string | null} meeting_start_time
 * @property {string | null} meeting_end_time
 * @property {string | null} meeting_start_date
 * @property {string | null} meeting_end_date
 * @property {string} updated_at
 */

/**
 * A record with the fields the details show (each type has only some).
 * @typedef {CrmRecord & { phone?: string | null, amount?: string | null, currency?: string | null,
 *   contact_id?: string | null }} RecordDetails
 */

/**
 * A new element with a class (none for '') and its text (none when undefined).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Wires the card once. `onSchedule` opens the editor for a new meeting linked to the record,
 * inviting `guests`; `onError` receives a 401.
 * @param {{
 *   onSchedule: (preset: { entity: { type: RecordType, id: string, name: string }, guests: string }) => void,
 *   onError: (error: ApiError) => void,
 * }} options
 * @returns {{ setActive: (active: boolean) => void, refresh: () => void }}
 */
export function createRecordsCard({ onSchedule, onError }) {
  const kind = /** @type {HTMLSelectElement} */ ($('records-kind'));
  const search = /** @type {HTMLInputElement} */ ($('records-search'));
  /** @type {number | undefined} */
  let timer;
  let latest = 0;
  /** @type {{ type: RecordType, id: string } | null} */
  let open = null;

  /**
   * Shows a failure (a 401 goes to onError).
   * @param {HTMLElement} box
   * @param {string} what
   * @param {ApiError} error
   */
  function failed(box, what, error) {
    if (error.status === 401) {
      onError(error);
      return;
    }
    box.textContent = `${what}: ${error.message}`;
    box.hidden = false;
  }

  async function list() {
    const request = (latest += 1);
    const collection = kind.value;
    const query = new URLSearchParams({ limit: LIST_LIMIT });
    if (search.value.trim() !== '') query.set('q', search.value.trim());
    try {
      const { items } = /** @type {CrmRecordPage} */ (await api(`/crm/${collection}?${query.toString()}`));
      if (request !== latest) return;
      const type = TYPES[collection] ?? 'contact';
      $('records-list').replaceChildren(
        ...items.map((record) => {
          const item = element('li');
          const link = element('a', '', record.name);
          link.href = `#record/${type}/${record.id}`;
          const extra = record.email || record.domain || record.stage;
          item.append(link);
          if (extra) item.append(element('span', 'hint', ` ${extra}`));
          return item;
        }),
      );
      $('records-status').textContent =
        items.length === 0 ? `No ${collection} match.` : `${items.length} ${collection} shown.`;
    } catch (thrown) {
      if (request === latest)
        failed($('records-status'), 'The records could not be loaded', /** @type {ApiError} */ (thrown));
    }
  }

  /**
   * A meeting of the record, in a line.
   * @param {CalendarEvent} event
   */
  function meetingItem(event) {
    const item = element('li', '', `${event.title || '(No title)'}: ${describeWhen(event)}`);
    if (event.status === 'cancelled') item.append(' (cancelled)');
    if (event.sync_state !== 'synced') item.append(` · ${describeSyncState(event)}`);
    return item;
  }

  /**
   * An activity of the timeline, in a line: what, when the meeting is, its state, when it changed.
   * @param {Activity} activity
   */
  function activityItem(activity) {
    const when = describeWhen({
      all_day: activity.all_day,
      start_date: activity.meeting_start_date,
      end_date: activity.meeting_end_date,
      start_time: activity.meeting_start_time,
      end_time: activity.meeting_end_time,
    });
    const item = element('li', 'activity');
    item.dataset.status = activity.status;
    item.append(
      element('strong', '', activity.title),
      element('span', '', ` ${when ? `· ${when} ` : ''}· ${activity.status}`),
      element('span', 'hint', ` · updated ${formatInstant(activity.updated_at)}`),
    );
    return item;
  }

  /**
   * Shows one record's page.
   * @param {RecordType} type
   * @param {string} id
   */
  async function show(type, id) {
    open = { type, id };
    $('records-browse').hidden = true;
    $('record-view').hidden = false;
    $('record-error').hidden = true;
    const collection = COLLECTIONS[type];
    try {
      const record = /** @type {RecordDetails} */ (await api(`/crm/${collection}/${encodeURIComponent(id)}`));
      $('record-heading').textContent =
        `${recordKind(type)[0]?.toUpperCase()}${recordKind(type).slice(1)}: ${record.name}`;
      const details = $('record-details');
      details.replaceChildren();
      for (const [term, value] of /** @type {[string, string | null | undefined][]} */ ([
        ['Email', record.email],
        ['Phone', record.phone],
        ['Domain', record.domain],
        ['Stage', record.stage],
        ['Amount', record.amount ? `${record.amount} ${record.currency ?? ''}`.trim() : null],
      ])) {
        if (value) details.append(element('dt', '', term), element('dd', '', value));
      }
      if (document.activeElement?.closest('#records-section')) $('record-heading').focus();
      const scheduleButton = /** @type {HTMLButtonElement} */ ($('record-schedule'));
      scheduleButton.onclick = () => void schedule(type, record);
      const [events, activities] = await Promise.all([
        api(
          `/calendar/events?${new URLSearchParams({ entity_type: type, entity_id: id, limit: '100' }).toString()}`,
        ),
        api(`/crm/${collection}/${encodeURIComponent(id)}/activities?limit=50`),
      ]);
      if (open?.id !== id) return;
      const now = Date.now();
      const items = /** @type {CalendarEventPage} */ (events).items;
      const ends = (/** @type {CalendarEvent} */ e) =>
        Date.parse(e.all_day ? `${e.end_date}T00:00:00` : (e.end_time ?? ''));
      const upcoming = items.filter((e) => ends(e) >= now);
      const past = items.filter((e) => ends(e) < now).reverse();
      $('record-upcoming').replaceChildren(
        ...(upcoming.length ? upcoming.map(meetingItem) : [element('li', 'hint', 'None.')]),
      );
      $('record-past').replaceChildren(
        ...(past.length ? past.map(meetingItem) : [element('li', 'hint', 'None.')]),
      );
      const timeline = /** @type {{ items: Activity[] }} */ (activities).items;
      $('record-timeline').replaceChildren(
        ...(timeline.length ? timeline.map(activityItem) : [element('li', 'hint', 'No activity yet.')]),
      );
    } catch (thrown) {
      failed($('record-error'), 'The record could not be loaded', /** @type {ApiError} */ (thrown));
    }
  }

  /**
   * Opens the editor for a meeting linked to the record, inviting its contact.
   * @param {RecordType} type
   * @param {RecordDetails} record
   */
  async function schedule(type, record) {
    let guests = type === 'contact' ? (record.email ?? '') : '';
    if (type === 'deal' && record.contact_id) {
      const contact = /** @type {RecordDetails} */ (
        await api(`/crm/contacts/${encodeURIComponent(record.contact_id)}`).catch(() => ({ email: null }))
      );
      guests = contact.email ?? '';
    }
    onSchedule({ entity: { type, id: record.id, name: record.name }, guests });
  }

  function route() {
    const match = /^#record\/(contact|company|deal)\/([0-9a-f-]{36})$/i.exec(window.location.hash);
    if (match) {
      void show(/** @type {RecordType} */ (match[1]), /** @type {string} */ (match[2]));
    } else {
      open = null;
      $('record-view').hidden = true;
      $('records-browse').hidden = false;
    }
  }

  kind.addEventListener('change', () => void list());
  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void list(), SEARCH_DELAY_MS);
  });
  $('record-back').addEventListener('click', () => {
    window.location.hash = '';
    route();
    $('records-heading').focus();
  });
  window.addEventListener('hashchange', route);

  return {
    setActive(active) {
      $('records-section').hidden = !active;
      if (!active) return;
      void list();
      route();
    },
    refresh() {
      if (open) void show(open.type, open.id);
    },
  };
}
