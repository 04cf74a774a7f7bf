// @ts-check
import { askChange } from './change-dialog.js';
import {
  ANSWERS,
  calendarLabel,
  hasGuests,
  isOrganizer,
  isRecurring,
  selfAttendee,
} from './calendar-events.js';
import { linkedRecord, recordKind } from './crm-records.js';
import { cancelEvent, resendEvent } from './event-writes.js';
import { rsvpGroup } from './rsvp-group.js';
import { describeSyncState } from './meetings.js';
import { browserTimeZone, describeTimeZone, describeWhen } from './time.js';

/** @import { ApiError } from './api.js' */

/** @import { Calendar, CalendarEvent } from './api-types.js' */
/** @import { RecordNames } from './crm-records.js' */

/** A meeting's visibility in words. */
const VISIBILITY = {
  default: "the calendar's default",
  public: 'public',
  private: 'private: only the guests see the details',
  confidential: 'confidential',
};

/**
 * A meeting's details in a dialog: when (with the zone), where, the guests and their answers,
 * the Meet link, the description (as text), "open in Google", the linked CRM record, the sync
 * state in words, and what the user may do: change or cancel a meeting they organize, answer an
 * invitation, send again or delete a meeting Google refused, change the CRM link. The content is
 * built when the dialog opens and removed when it closes.
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
 * The description as the service gives it: plain text, or HTML it has cleaned to what Google's
 * editor makes (README, "Descriptions"), shown as such. Its links open in a new tab, and the
 * page's Content-Security-Policy would run no script from it either way.
 * @param {string} description
 */
function descriptionNode(description) {
  const node = element('div', 'event-description');
  if (!description.includes('<')) {
    node.textContent = description;
    return node;
  }
  node.classList.add('html');
  node.innerHTML = description;
  for (const anchor of node.querySelectorAll('a')) {
    anchor.target = '_blank';
    anchor.rel = 'noopener noreferrer';
  }
  return node;
}

/**
 * @param {string} text
 * @param {string} [className]
 */
function button(text, className) {
  const node = element('button', className, text);
  node.type = 'button';
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

/**
 * Wires the dialog once. `onEdit(event)` opens the editor, `onLink(event)` the link dialog,
 * `onChanged(message)` runs after a change, `onError` receives a 401.
 * @param {{
 *   recordName: RecordNames,
 *   calendars: () => Calendar[],
 *   accountEmail: () => string | null,
 *   onEdit: (event: CalendarEvent) => void,
 *   onLink: (event: CalendarEvent) => void,
 *   onChanged: (message: string) => void,
 *   onError: (error: ApiError) => void,
 * }} options
 * @returns {{ open: (event: CalendarEvent) => void }}
 */
export function setUpEventDetails({
  recordName,
  calendars,
  accountEmail,
  onEdit,
  onLink,
  onChanged,
  onError,
}) {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('event-dialog'));
  dialog.addEventListener('close', () => dialog.replaceChildren());

  /**
   * Runs a write from the dialog: closes it when done, or shows why it failed in it.
   * @param {HTMLElement} errorBox
   * @param {() => Promise<string>} write Answers the message that says it was done.
   */
  async function run(errorBox, write) {
    errorBox.hidden = true;
    const buttons = dialog.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    try {
      const message = await write();
      dialog.close();
      onChanged(message);
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (error.status === 401) {
        dialog.close();
        onError(error);
        return;
      }
      errorBox.textContent = error.message;
      errorBox.hidden = false;
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  /** @param {CalendarEvent} event */
  function open(event) {
    const calendar = calendars().find((c) => c.id === event.calendar_id);
    const organizer = isOrganizer(event, accountEmail(), calendar);
    const self = selfAttendee(event);
    const title = event.title || '(No title)';
    const cancelled = event.status === 'cancelled';

    const heading = element('h2', '', title);
    heading.id = 'event-heading';
    if (cancelled) heading.append(element('span', 'tag', ' (cancelled)'));
    const details = element('dl', 'details event-details');
    /**
     * @param {string} term
     * @param {string | Node} value
     */
    const add = (term, value) => {
      const dd = element('dd');
      dd.append(value);
      details.append(element('dt', '', term), dd);
    };
    const zone = browserTimeZone();
    add(
      'When',
      event.all_day
        ? describeWhen(event)
        : `${describeWhen(event)} (${describeTimeZone(zone)})` +
            (event.time_zone && event.time_zone !== zone
              ? `; the meeting's zone: ${describeTimeZone(event.time_zone)}`
              : ''),
    );
    if (isRecurring(event))
      add(
        'Repeats',
        event.recurring_event_id ? 'One meeting of a series' : (event.recurrence ?? []).join('; '),
      );
    add('Calendar', calendarLabel(calendar));
    if (event.organizer_email)
      add('Organizer', organizer ? `${event.organizer_email} (you)` : event.organizer_email);
    if (event.location) add('Location', event.location);
    if (event.visibility && event.visibility !== 'default') add('Visibility', VISIBILITY[event.visibility]);
    add('Shows as', event.transparency === 'transparent' ? 'free' : 'busy');
    if (event.attendees.length > 0) {
      const list = element('ul', 'attendees');
      list.setAttribute('aria-label', 'Guests and their answers');
      for (const attendee of event.attendees) {
        const who = attendee.name ? `${attendee.name} <${attendee.email}>` : attendee.email;
        const extra = [
          attendee.organizer ? 'organizer' : '',
          attendee.optional ? 'optional' : '',
          attendee.self ? 'you' : '',
        ]
          .filter(Boolean)
          .join(', ');
        const item = element('li', '', `${who}${extra ? ` (${extra})` : ''}: `);
        const answer = element('span', 'response', ANSWERS[attendee.status] || attendee.status);
        answer.dataset.status = attendee.status;
        item.append(answer);
        list.append(item);
      }
      add('Guests', list);
    }
    if (event.meet_link) add('Video call', link(event.meet_link, 'Join with Google Meet'));
    if (event.description) add('Description', descriptionNode(event.description));
    const record = linkedRecord(event);
    const recordText = element('span', '', record ? `a ${recordKind(record.type)}` : 'none');
    if (record) {
      recordName(record.type, record.id).then(
        (name) => (recordText.textContent = `${recordKind(record.type)} “${name}”`),
        (/** @type {ApiError} */ error) =>
          (recordText.textContent = `a ${recordKind(record.type)} that could not be read (${error.message})`),
      );
    }
    add('CRM record', recordText);
    const sync = element('span', 'sync-state', describeSyncState(event));
    sync.dataset.state = event.sync_state;
    add('Sync', sync);
    if (event.html_link) add('In Google', link(event.html_link, 'Open in Google Calendar'));

    const errorBox = element('p', 'notice notice-error');
    errorBox.setAttribute('role', 'alert');
    errorBox.hidden = true;
    /** @type {HTMLElement[]} */
    const parts = [heading, details];

    if (self && !organizer && !cancelled) {
      parts.push(rsvpGroup(event, self.status, (write) => void run(errorBox, write)));
    }
    if (event.sync_state === 'failed') {
      const failed = element('div', 'actions');
      failed.setAttribute('role', 'group');
      failed.setAttribute('aria-label', 'Google refused this meeting');
      const retry = button('Send to Google again');
      retry.addEventListener(
        'click',
        () =>
          void run(errorBox, async () => {
            await resendEvent(event, organizer);
            return `“${title}” is being sent to Google again.`;
          }),
      );
      failed.append(retry);
      parts.push(failed);
    }

    const actions = element('div', 'actions');
    if (organizer && !cancelled) {
      const edit = button('Change…');
      edit.addEventListener('click', () => {
        dialog.close();
        onEdit(event);
      });
      actions.append(edit);
    }
    if (!cancelled) {
      const relink = button(record ? 'Change the CRM record…' : 'Link to a CRM record…', 'secondary');
      relink.addEventListener('click', () => {
        dialog.close();
        onLink(event);
      });
      actions.append(relink);
    }
    if (organizer && (!cancelled || event.sync_state === 'failed')) {
      const remove = button(event.sync_state === 'failed' ? 'Delete…' : 'Cancel the meeting…', 'danger');
      remove.addEventListener('click', () => void confirmCancel(event, errorBox));
      actions.append(remove);
    }
    const close = button('Close', 'secondary');
    close.addEventListener('click', () => dialog.close());
    actions.append(close);
    parts.push(errorBox, actions);
    dialog.replaceChildren(...parts);
    dialog.showModal();
    close.focus();
  }

  /**
   * Asks, then cancels the meeting (or the chosen meetings of its series).
   * @param {CalendarEvent} event
   * @param {HTMLElement} errorBox
   */
  async function confirmCancel(event, errorBox) {
    const title = event.title || '(No title)';
    const recurring = Boolean(event.recurring_event_id && event.id.includes(':'));
    dialog.close();
    const choice = await askChange({
      heading: `Cancel “${title}”?`,
      message: hasGuests(event)
        ? 'The meeting is removed from Google Calendar and from the guests’ calendars.'
        : 'The meeting is removed from Google Calendar.',
      confirm: 'Cancel the meeting',
      back: 'Keep it',
      recurring,
      guests: hasGuests(event),
      danger: true,
    });
    if (choice === null) {
      open(event);
      return;
    }
    try {
      await cancelEvent(event, choice);
      onChanged(`“${title}” was cancelled.`);
    } catch (thrown) {
      const error = /** @type {ApiError} */ (thrown);
      if (error.status === 401) {
        onError(error);
        return;
      }
      open(event);
      errorBox.textContent = `The meeting was not cancelled: ${error.message}`;
      errorBox.hidden = false;
    }
  }

  return { open };
}
