// @ts-check
import { api, clearToken, getToken, readTokenClaims, setToken, useTokenKey } from './api.js';
import { createCalendarView } from './calendar-view.js';
import { createCalendarsCard } from './calendars.js';
import { refreshConnection, setUpConnectionButtons } from './connection.js';
import { createMeetingsList } from './meetings.js';
import { createRecordsCard } from './records.js';
import { startReminders } from './reminders.js';
import { setUpScheduleForm } from './schedule.js';

/** @import { ApiError } from './api.js' */
/** @import { Me, WebConfig } from './api-types.js' */

/**
 * The page at `/`: who is signed in, the Google Calendar connection (with a prompt to reconnect
 * when Google revoked access), the calendars that sync, the calendar grid (see calendar-view.js),
 * upcoming meetings and a form to schedule one, the CRM's reminders, and links to the API
 * reference and (in the embedded default) the bundled emulator.
 */

/**
 * The settings from GET /web/config, or the fallback used when they cannot be read.
 * @typedef {Pick<WebConfig, 'auth_mode' | 'sign_in_url' | 'emulator_url'> & Partial<WebConfig>} PageConfig
 */

/**
 * A card as start() drives it: shown or hidden with `setActive`, reloaded with `refresh`.
 * @typedef {{ setActive: (active: boolean) => void, refresh: () => void }} Card
 */

/**
 * The page's element with this id (index.html has each one this module asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Why an OAuth callback failed, in words (the callback redirects to `/?calendar=error&reason=`).
 * @type {Record<string, string>}
 */
const CALLBACK_REASONS = {
  access_denied: 'access was declined on the Google consent page',
  invalid_state: 'the sign-in attempt expired or was already used; please try again',
  state_expired: 'the sign-in attempt expired; please try again',
  state_reused: 'the sign-in attempt was already used; please try again',
  missing_scope: 'Google did not grant access to calendar events; allow it on the consent page',
  missing_refresh_token: 'Google did not grant offline access; please reconnect',
  token_exchange_failed: 'Google refused the authorization code; please try again',
};

/**
 * Shows a message at the top of the page (an error is announced at once).
 * @param {'success' | 'error'} kind
 * @param {string} message
 */
function flash(kind, message) {
  const box = $('flash');
  box.className = `notice notice-${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.textContent = message;
  box.hidden = false;
}

/** Shows the outcome of the OAuth callback once, then removes it from the address bar. */
function showCallbackOutcome() {
  const params = new URLSearchParams(window.location.search);
  const outcome = params.get('calendar');
  if (outcome === null) return;
  if (outcome === 'connected') {
    flash('success', 'Google Calendar connected. The first sync has started.');
  } else {
    const reason = params.get('reason') || 'unknown';
    const words = CALLBACK_REASONS[reason] || params.get('message') || reason.replace(/_/g, ' ');
    flash('error', `Connecting Google Calendar failed: ${words}.`);
  }
  for (const key of ['calendar', 'reason', 'message']) params.delete(key);
  const query = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${query ? `?${query}` : ''}`);
}

/** @param {PageConfig} config */
function showEmulator(config) {
  if (!config.emulator_url) return;
  const text = config.embedded_emulator
    ? 'Using the bundled Google Calendar emulator (built in, since no Google credentials are set)'
    : `Using the Google Calendar emulator at ${config.emulator_url}`;
  $('emulator-notice-text').textContent = text;
  /** @type {HTMLAnchorElement} */ ($('emulator-notice-link')).href = config.emulator_url;
  /** @type {HTMLAnchorElement} */ ($('emulator-link')).href = config.emulator_url;
  $('emulator-notice').hidden = false;
  $('emulator-link-item').hidden = false;
}

/**
 * @param {PageConfig} config
 * @param {string} why What the account card says, e.g. that no one is signed in.
 */
function showSignedOut(config, why) {
  $('account-text').textContent = why;
  $('sign-out-button').hidden = true;
  if (config.sign_in_url) {
    /** @type {HTMLAnchorElement} */ ($('sign-in-link')).href = config.sign_in_url;
    $('sign-in-link').hidden = false;
  } else {
    $('token-form').hidden = false;
  }
  $('connection-text').textContent = 'Sign in to see your Google Calendar connection.';
  $('calendar-section').setAttribute('aria-busy', 'false');
}

/**
 * Shows who is signed in: the service's answer, or the token's own claims if it cannot say.
 * Returns the user's email (null when unknown).
 * @param {string} token
 * @param {(message: string) => void} onProblem
 * @returns {Promise<string | null>}
 */
async function showSignedIn(token, onProblem) {
  $('sign-out-button').hidden = false;
  try {
    const me = /** @type {Me} */ (await api('/auth/me'));
    const who = me.name ? `${me.name} (${me.user_id})` : me.user_id;
    $('account-text').textContent = `Signed in as ${who}, tenant ${me.tenant_id}`;
    return me.email;
  } catch (thrown) {
    const error = /** @type {ApiError} */ (thrown);
    if (error.status === 401) throw error;
    onProblem(
      `The service could not say who is signed in (${error.message}); showing the sign-in token's own details.`,
    );
    /** @type {Record<string, unknown>} */
    const claims = readTokenClaims(token) || {};
    const user = typeof claims.sub === 'string' ? claims.sub : 'an unknown user';
    const tenant = typeof claims.tenant === 'string' ? claims.tenant : 'default';
    $('account-text').textContent = `Signed in as ${user}, tenant ${tenant}`;
    return typeof claims.email === 'string' ? claims.email : null;
  }
}

async function start() {
  showCallbackOutcome();
  /** @type {PageConfig} */
  let config = { auth_mode: 'jwt', sign_in_url: null, emulator_url: null };
  try {
    config = /** @type {WebConfig} */ (await api('/web/config', { auth: false }));
    useTokenKey(config.token_storage_key);
  } catch (thrown) {
    flash('error', /** @type {ApiError} */ (thrown).message);
  }
  showEmulator(config);

  $('sign-out-button').addEventListener('click', () => {
    clearToken();
    window.location.reload();
  });
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = /** @type {HTMLInputElement} */ ($('token-input')).value.trim();
    if (token === '') return;
    setToken(token);
    window.location.reload();
  });

  const token = getToken();
  if (!token) {
    showSignedOut(config, 'You are not signed in.');
    return;
  }

  /** @type {() => void} */
  let stopReminders = () => undefined;
  /** @type {Card} */
  let meetings = { setActive: () => undefined, refresh: () => undefined };
  /** @type {Card} */
  let calendars = { setActive: () => undefined, refresh: () => undefined };
  /** @type {Card} */
  let grid = { setActive: () => undefined, refresh: () => undefined };
  /** @type {Card} */
  let records = { setActive: () => undefined, refresh: () => undefined };
  /** @param {ApiError} error */
  const onError = (error) => {
    if (error.status === 401) {
      stopReminders();
      meetings.setActive(false);
      calendars.setActive(false);
      grid.setActive(false);
      records.setActive(false);
      $('schedule-section').hidden = true;
      $('reconnect-prompt').hidden = true;
      clearToken();
      showSignedOut(config, `Your sign-in is no longer accepted (${error.message}). Please sign in again.`);
      return;
    }
    flash('error', error.message);
  };
  /** @type {string | null} */
  let email;
  try {
    email = await showSignedIn(token, (message) => flash('error', message));
  } catch (thrown) {
    onError(/** @type {ApiError} */ (thrown));
    return;
  }
  const list = createMeetingsList({ onError, onLinked: () => void grid.refresh() });
  meetings = list;
  const view = createCalendarView({
    onError,
    onChanged: () => {
      void list.refresh();
      records.refresh();
    },
    onLink: list.openLink,
  });
  grid = view;
  records = createRecordsCard({ onError, onSchedule: (preset) => view.newMeeting(preset) });
  records.setActive(true);
  calendars = createCalendarsCard({
    onError,
    onSynced: () => {
      void meetings.refresh();
      void grid.refresh();
    },
  });
  // The calendars and meetings show while there is a connection (while it needs reconnecting the
  // stored meetings still show, changes waiting); new meetings need an active one.
  const refreshAll = async () => {
    const status = await refreshConnection({ onError });
    const state = status === null ? 'unknown' : status.status;
    const hasConnection = state === 'active' || state === 'reauth_required';
    view.setAccount(status?.google_email ?? null, state === 'active');
    calendars.setActive(hasConnection);
    grid.setActive(hasConnection);
    meetings.setActive(hasConnection);
    $('schedule-section').hidden = state !== 'active';
  };
  setUpConnectionButtons({
    onError,
    loginHint: () => email,
    onDone: (message) => {
      flash('success', message);
      void refreshAll();
    },
  });
  setUpScheduleForm({
    onError,
    onCreated: () => {
      void meetings.refresh();
      void grid.refresh();
    },
    onConnectionChanged: () => void refreshAll(),
  });
  stopReminders = startReminders({ onError });
  await refreshAll();
}

void start();
