// @ts-check
import { api } from './api.js';
import { formatInstant } from './time.js';

/** @import { ApiError } from './api.js' */
/** @import { NotificationItem, NotificationPage, StreamTicket } from './api-types.js' */

/**
 * The CRM's own reminders: recent ones from GET /notifications, then live ones from the
 * Server-Sent Events stream. EventSource cannot send the bearer header, so each connection uses
 * a single-use ticket from POST /notifications/stream-ticket; after an error the page waits
 * (1 s, doubling up to 60 s) and reconnects with a fresh ticket.
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const MAX_SHOWN = 20;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

/**
 * When the meeting starts, from the notification's payload (all-day starts are plain dates).
 * @param {NotificationItem} notification
 * @returns {string}
 */
function describeStart(notification) {
  const start = notification.payload && notification.payload.start;
  if (typeof start !== 'string') return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(start)) {
    const [y, m, d] = /** @type {[number, number, number]} */ (start.split('-').map(Number));
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, {
      dateStyle: 'medium',
      timeZone: 'UTC',
    });
  }
  return formatInstant(start);
}

/**
 * @param {NotificationItem} notification
 * @param {boolean} live Whether it came from the stream just now (highlighted).
 * @returns {HTMLLIElement}
 */
function renderNotification(notification, live) {
  const item = document.createElement('li');
  item.className = live ? 'reminder reminder-new' : 'reminder';
  item.dataset.notificationId = notification.id;
  const title = document.createElement('strong');
  title.textContent = notification.title;
  const when = document.createElement('span');
  when.className = 'reminder-when';
  const start = describeStart(notification);
  const sent = formatInstant(notification.fired_at || notification.fire_at);
  when.textContent = start ? `Starts ${start} · reminded ${sent}` : `Reminded ${sent}`;
  item.append(title, when);
  const meet = notification.payload && notification.payload.meet_link;
  if (typeof meet === 'string' && meet !== '') {
    const link = document.createElement('a');
    link.href = meet;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = 'Join with Google Meet';
    item.append(link);
  }
  return item;
}

/**
 * @param {NotificationItem} notification
 * @param {boolean} live
 */
function show(notification, live) {
  const list = $('reminders-list');
  if (list.querySelector(`[data-notification-id="${CSS.escape(notification.id)}"]`)) return;
  list.prepend(renderNotification(notification, live));
  while (list.childElementCount > MAX_SHOWN) list.lastElementChild?.remove();
  $('reminders-empty').hidden = true;
}

/**
 * Starts listening; returns a function that stops. `onError` receives ApiErrors such as 401.
 * @param {{ onError: (error: ApiError) => void }} options
 * @returns {() => void}
 */
export function startReminders({ onError }) {
  /** @type {EventSource | undefined} */
  let source;
  /** @type {number | undefined} */
  let timer;
  let delay = FIRST_RETRY_MS;
  let stopped = false;

  /** @param {string} text */
  const setState = (text) => {
    $('reminders-state').textContent = text;
  };

  /**
   * Waits, then connects again; `why` says what went wrong, in words.
   * @param {string} why
   */
  function retryLater(why) {
    if (stopped) return;
    setState(`${why} Reconnecting in ${Math.round(delay / 1000)} s…`);
    timer = window.setTimeout(() => void connect(), delay);
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }

  async function connect() {
    if (stopped) return;
    /** @type {string} */
    let ticket;
    try {
      ({ ticket } = /** @type {StreamTicket} */ (
        await api('/notifications/stream-ticket', { method: 'POST' })
      ));
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (error.status === 401) {
        stopped = true;
        onError(error);
        return;
      }
      retryLater(`Live reminders are not available: ${error.message}.`);
      return;
    }
    if (stopped) return;
    source = new EventSource(`/notifications/stream?token=${encodeURIComponent(ticket)}`);
    source.addEventListener('open', () => {
      delay = FIRST_RETRY_MS;
      setState('Listening for reminders.');
    });
    source.addEventListener('reminder', (event) => {
      try {
        show(/** @type {NotificationItem} */ (JSON.parse(event.data)), true);
      } catch {
        // A frame that is not a notification is not shown.
      }
    });
    // The ticket is single use, so EventSource's own retry would be refused: reconnect by hand.
    source.addEventListener('error', () => {
      source?.close();
      source = undefined;
      retryLater('The connection for live reminders was lost.');
    });
  }

  async function loadRecent() {
    try {
      const { items } = /** @type {NotificationPage} */ (await api('/notifications?limit=10'));
      for (const item of [...items].reverse()) show(item, false);
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (error.status === 401) {
        onError(error);
        return;
      }
      $('reminders-error').textContent = `Recent reminders could not be loaded: ${error.message}`;
      $('reminders-error').hidden = false;
    }
  }

  $('reminders-section').hidden = false;
  void loadRecent();
  void connect();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    source?.close();
    $('reminders-section').hidden = true;
  };
}
