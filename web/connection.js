// @ts-check
import { api } from './api.js';
import { askChange } from './change-dialog.js';
import { formatInstant } from './time.js';

/** @import { ApiError } from './api.js' */
/** @import { ConnectionStatus, ConnectUrl, DisconnectSummary } from './api-types.js' */

/**
 * The Google Calendar connection card: the status in words and the buttons that run the real
 * OAuth flow (connect and reconnect go to Google's consent page; disconnect revokes access).
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The one sentence that says where the connection stands.
 * @param {Pick<ConnectionStatus, 'status' | 'connected' | 'google_email' | 'connected_at'>} status
 * @returns {string}
 */
export function describeConnection(status) {
  if (status.status === 'active' && status.connected) {
    const who = status.google_email || 'your Google account';
    return status.connected_at
      ? `Connected as ${who} since ${formatInstant(status.connected_at)}`
      : `Connected as ${who}`;
  }
  if (status.status === 'reauth_required') return 'Google access was revoked: reconnect';
  return 'Not connected';
}

/**
 * Adds a term and its value to the details list, unless there is no value.
 * @param {HTMLElement} list
 * @param {string} term
 * @param {string | null} value
 */
function addDetail(list, term, value) {
  if (value === undefined || value === null || value === '') return;
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

/** @param {ConnectionStatus} status */
function renderDetails(status) {
  const list = $('connection-details');
  list.replaceChildren();
  if (status.status !== 'disconnected') {
    addDetail(list, 'Last sync', status.last_sync_at ? formatInstant(status.last_sync_at) : 'not yet');
    addDetail(list, 'Last error', status.last_error);
    const calendars = Array.isArray(status.calendars) ? status.calendars : [];
    const names = calendars.map((calendar) => calendar.summary || calendar.id).filter(Boolean);
    if (names.length > 0) addDetail(list, 'Calendars', names.join(', '));
    if (Array.isArray(status.scopes) && status.scopes.length > 0) {
      addDetail(
        list,
        'Access granted',
        status.scopes.map((scope) => scope.replace(/^.*\/auth\//, '')).join(', '),
      );
    }
  }
  list.hidden = list.childElementCount === 0;
}

/** @param {ConnectionStatus | null} status Null when the status is not known. */
function showButtons(status) {
  const state = status ? status.status : 'unknown';
  $('connect-button').hidden = state !== 'disconnected';
  $('reconnect-button').hidden = state !== 'reauth_required';
  $('disconnect-button').hidden = state !== 'active' && state !== 'reauth_required';
  $('purge-label').hidden = $('disconnect-button').hidden;
}

/**
 * Loads and shows the status, and answers it (null when it could not be loaded); `onError`
 * receives ApiErrors (401 means the token is not accepted).
 * @param {{ onError: (error: ApiError) => void }} options
 * @returns {Promise<ConnectionStatus | null>}
 */
export async function refreshConnection({ onError }) {
  const section = $('calendar-section');
  section.setAttribute('aria-busy', 'true');
  try {
    const status = /** @type {ConnectionStatus} */ (await api('/integrations/calendar/status'));
    $('connection-text').textContent = describeConnection(status);
    $('connection-text').dataset.state = status.status;
    renderDetails(status);
    showButtons(status);
    $('reconnect-prompt').hidden = status.status !== 'reauth_required';
    return status;
  } catch (thrown) {
    const error = /** @type {ApiError} */ (thrown);
    $('connection-text').textContent = 'The connection status is not available right now.';
    $('connection-text').dataset.state = 'unknown';
    $('connection-details').hidden = true;
    showButtons(null);
    onError(error);
    return null;
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}

/**
 * Asks the service for a Google consent URL and goes there; the callback brings the user back.
 * The signed-in user's email, when known, is passed as Google's login_hint (account preselected).
 * @param {HTMLButtonElement} button
 * @param {{ onError: (error: ApiError) => void, loginHint: () => string | null }} options
 */
async function startConsent(button, { onError, loginHint }) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = 'Opening Google…';
  try {
    const hint = loginHint();
    const query = hint ? `?login_hint=${encodeURIComponent(hint)}` : '';
    const { auth_url: authUrl } = /** @type {ConnectUrl} */ (
      await api(`/integrations/calendar/connect${query}`)
    );
    window.location.assign(authUrl);
  } catch (thrown) {
    const error = /** @type {ApiError} */ (thrown);
    button.disabled = false;
    button.textContent = label;
    onError(error);
  }
}

/**
 * @param {HTMLButtonElement} button
 * @param {{ onError: (error: ApiError) => void, onDone: (message: string) => void }} options
 */
async function disconnect(button, { onError, onDone }) {
  const purge = /** @type {HTMLInputElement} */ ($('purge-checkbox')).checked;
  const confirmed = await askChange({
    heading: 'Disconnect Google Calendar?',
    message: purge
      ? 'Sync stops, Google access is revoked, and the synced events are deleted from the CRM (their meetings on CRM records are marked cancelled). Nothing is deleted in Google Calendar.'
      : 'Sync stops and Google access is revoked. The synced events stay in the CRM as they are now; nothing is deleted in Google Calendar.',
    confirm: purge ? 'Disconnect and delete events' : 'Disconnect',
    back: 'Stay connected',
    recurring: false,
    guests: false,
    danger: true,
  });
  if (confirmed === null) return;
  button.disabled = true;
  try {
    const summary = /** @type {DisconnectSummary | null} */ (
      await api(`/integrations/calendar${purge ? '?purge=true' : ''}`, { method: 'DELETE' })
    );
    const done = purge
      ? 'Google Calendar disconnected and the synced events deleted.'
      : 'Google Calendar disconnected.';
    // The local tokens are gone either way; say when Google did not confirm the revocation.
    const revoke = summary && summary.revoke_error;
    onDone(revoke ? `${done} Google did not confirm that access was revoked (${revoke}).` : done);
  } catch (thrown) {
    onError(/** @type {ApiError} */ (thrown));
  } finally {
    button.disabled = false;
  }
}

/**
 * Wires the buttons once. `loginHint()` gives the email to preselect on Google's consent page
 * (or null); `onDone(message)` runs after a successful disconnect.
 * @param {{
 *   onError: (error: ApiError) => void,
 *   onDone: (message: string) => void,
 *   loginHint: () => string | null,
 * }} options
 */
export function setUpConnectionButtons({ onError, onDone, loginHint }) {
  /** @param {MouseEvent} event */
  const consent = (event) =>
    void startConsent(/** @type {HTMLButtonElement} */ (event.currentTarget), { onError, loginHint });
  $('connect-button').addEventListener('click', consent);
  $('reconnect-button').addEventListener('click', consent);
  $('disconnect-button').addEventListener(
    'click',
    (event) => void disconnect(/** @type {HTMLButtonElement} */ (event.currentTarget), { onError, onDone }),
  );
}
