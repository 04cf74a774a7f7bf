// @ts-check
import { api } from './api.js';
import { createRecordNames, linkedRecord, recordKind } from './crm-records.js';
import { setUpLinkDialog } from './link-dialog.js';
import { createRefreshLoop } from './refresh-loop.js';
import { browserTimeZone, describeWhen, localDate } from './time.js';

/** @import { ApiError } from './api.js' */
/** @import { CalendarEvent, CalendarEventPage, EventAttendee } from './api-types.js' */
/** @import { RecordNames } from './crm-records.js' */
/** @import { RefreshLoop } from './refresh-loop.js' */

/**
 * The "Upcoming meetings" card: the next 14 days from GET /calendar/events, refreshed every
 * 10 s while Google Calendar is connected (every 2 s while a change is still on its way to Google).
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const REFRESH_MS = 10_000;
const PENDING_REFRESH_MS = 2_000;
const DAYS_AHEAD = 14;

/** @type {Record<string, string>} */
const RESPONSES = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'maybe',
  needsAction: 'no answer yet',
};

/**
 * Where the CRM copy stands with Google, in words.
 * @param {Pick<CalendarEvent, 'sync_state' | 'sync_error'>} event
 * @returns {string}
 */
export function describeSyncState(event) {
  if (event.sync_state === 'synced') return 'Synced';
  if (event.sync_state === 'pending') {
    // Set while the change waits for something, e.g. the user to reconnect Google.
    return event.sync_error ? `Not sent yet: ${event.sync_error}` : 'Sending to Google…';
  }
  if (event.sync_state === 'failed') return `Failed: ${event.sync_error || 'unknown error'}`;
  return event.sync_state || '';
}

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
 * A link that opens in a new tab.
 * @param {string} href
 * @param {string} text
 */
function link(href, text) {
  const anchor = element('a', '', text);
  anchor.href = href;
  anchor.target = '_blank';
  anchor.rel = 'noopener noreferrer';
  return anchor;
}

/** @param {EventAttendee[]} attendees */
function renderAttendees(attendees) {
  const list = element('ul', 'attendees');
  list.setAttribute('aria-label', 'Attendees');
  for (const attendee of attendees) {
    const who = attendee.name ? `${attendee.name} <${attendee.email}>` : attendee.email;
    const item = element('li', '', `${who}: `);
    const response = element('span', 'response', RESPONSES[attendee.status] || attendee.status);
    response.dataset.status = attendee.status;
    item.append(response);
    list.append(item);
  }
  return list;
}

/** @type {Record<string, string>} */
const LINK_SOURCES = { crm: 'linked in the CRM', attendee: 'a contact among the attendees' };

/**
 * The CRM record a meeting is linked to, and why, in words (the name is filled in once read), or
 * that it is not linked; with a button that opens the link dialog, except on cancelled meetings.
 * @param {CalendarEvent} event
 * @param {RecordNames} recordName
 * @param {(event: CalendarEvent) => void} onLink
 */
function renderRecordLink(event, recordName, onLink) {
  const paragraph = element('p', 'meeting-record');
  paragraph.dataset.entitySource = event.entity_source || '';
  const text = element('span');
  paragraph.append(text);
  const linked = linkedRecord(event);
  if (linked) {
    const kind = recordKind(linked.type);
    const why = event.entity_source && LINK_SOURCES[event.entity_source];
    /** @param {string | null} name */
    const say = (name) => {
      const record = name ? `${kind} “${name}”` : `a ${kind}`;
      text.textContent = `CRM record: ${record}${why ? ` (${why})` : ''}`;
    };
    say(null);
    recordName(linked.type, linked.id).then(say, (/** @type {ApiError} */ error) => {
      text.textContent = `CRM record: a ${kind} that could not be read (${error.message})`;
    });
  } else {
    text.textContent =
      event.entity_source === 'none' ? 'CRM record: none (unlinked in the CRM)' : 'CRM record: none';
  }
  if (event.status !== 'cancelled') {
    const button = element('button', 'secondary', linked ? 'Change…' : 'Link…');
    button.type = 'button';
    button.setAttribute(
      'aria-label',
      `${linked ? 'Change the CRM record of' : 'Link to a CRM record:'} ${event.title || '(No title)'}`,
    );
    button.addEventListener('click', () => onLink(event));
    paragraph.append(button);
  }
  return paragraph;
}

/**
 * @param {CalendarEvent} event
 * @param {RecordNames} recordName
 * @param {Set<string>} newFailures The meetings whose sync failed since the last refresh.
 * @param {(event: CalendarEvent) => void} onLink
 */
function renderEvent(event, recordName, newFailures, onLink) {
  const item = element('li', 'meeting');
  item.dataset.eventId = event.id;
  const head = element('div', 'meeting-head');
  const title = element('h3', 'meeting-title', event.title || '(No title)');
  if (event.status === 'cancelled') title.append(element('span', 'tag', ' (cancelled)'));
  const sync = element('span', 'sync-state', describeSyncState(event));
  sync.dataset.state = event.sync_state;
  // Announced once, when the failure first shows (the list is redrawn on every refresh).
  if (event.sync_state === 'failed' && newFailures.has(event.id)) sync.setAttribute('role', 'alert');
  head.append(title, sync);
  item.append(head, element('p', 'meeting-when', describeWhen(event)));
  if (event.location) item.append(element('p', 'meeting-location', event.location));
  item.append(renderRecordLink(event, recordName, onLink));
  if (event.attendees.length > 0) item.append(renderAttendees(event.attendees));
  const links = element('p', 'meeting-links');
  if (event.meet_link) links.append(link(event.meet_link, 'Join with Google Meet'));
  if (event.html_link) links.append(link(event.html_link, 'Open in Google Calendar'));
  if (links.childElementCount > 0) item.append(links);
  return item;
}

/**
 * All pages of the next 14 days (the list is short; pages are followed to be complete).
 * @returns {Promise<CalendarEvent[]>}
 */
async function loadUpcoming() {
  const query = new URLSearchParams({
    start_date: localDate(0),
    end_date: localDate(DAYS_AHEAD),
    time_zone: browserTimeZone(),
    limit: '100',
  });
  /** @type {CalendarEvent[]} */
  const items = [];
  for (let page = 0; page < 10; page += 1) {
    const result = /** @type {CalendarEventPage} */ (await api(`/calendar/events?${query.toString()}`));
    items.push(...result.items);
    if (!result.next_cursor) break;
    query.set('cursor', result.next_cursor);
  }
  return items;
}

/**
 * The list's controller: `setActive(true)` starts the refresh loop (when Google Calendar is
 * connected), `refresh()` reloads now (after an action), `openLink(event)` opens the link dialog
 * for a meeting (the calendar grid uses it too). `onError` receives ApiErrors; `onLinked()` runs
 * after a link changed.
 * @param {{ onError: (error: ApiError) => void, onLinked?: () => void }} options
 * @returns {RefreshLoop<object> & { openLink: (event: CalendarEvent) => void }}
 */
export function createMeetingsList({ onError, onLinked = () => undefined }) {
  const section = $('meetings-section');
  const recordName = createRecordNames();
  /** @type {Set<string>} The meetings whose sync had failed at the last refresh. */
  let failed = new Set();
  const linkDialog = setUpLinkDialog({
    recordName,
    onError,
    onChanged: (message) => {
      $('meetings-status').textContent = message;
      void loop.refresh();
      onLinked();
    },
  });

  /** Loads the upcoming meetings; true while a change is still on its way to Google. */
  async function load() {
    section.setAttribute('aria-busy', 'true');
    try {
      const events = await loadUpcoming();
      const nowFailed = new Set(events.filter((e) => e.sync_state === 'failed').map((e) => e.id));
      const newFailures = new Set([...nowFailed].filter((id) => !failed.has(id)));
      failed = nowFailed;
      $('meetings-list').replaceChildren(
        ...events.map((event) => renderEvent(event, recordName, newFailures, linkDialog.open)),
      );
      $('meetings-empty').hidden = events.length > 0;
      $('meetings-error').hidden = true;
      return events.some((event) => event.sync_state === 'pending');
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      $('meetings-error').textContent = `The meetings could not be loaded: ${error.message}`;
      $('meetings-error').hidden = false;
      if (error.status === 401) onError(error);
      return false;
    } finally {
      section.setAttribute('aria-busy', 'false');
    }
  }

  const loop = createRefreshLoop({
    section,
    load,
    intervalMs: REFRESH_MS,
    busyIntervalMs: PENDING_REFRESH_MS,
  });
  return { ...loop, openLink: linkDialog.open };
}
