// @ts-check
import { ANSWERS } from './calendar-events.js';
import { answerInvitation } from './event-writes.js';

/** @import { CalendarEvent } from './api-types.js' */

/**
 * The answer to an invitation in the meeting's details: Yes / Maybe / No (the current one
 * pressed), for this meeting or the whole series, telling the organizer or not
 * (POST /calendar/events/{id}/rsvp).
 */

/** @type {[('accepted' | 'tentative' | 'declined'), string][]} */
const RSVP_CHOICES = [
  ['accepted', 'Yes'],
  ['tentative', 'Maybe'],
  ['declined', 'No'],
];

/**
 * The group of answer buttons; `run(write)` runs the answer from the dialog (disabling it, then
 * closing it or showing why it failed); `write` answers the message that says it was done.
 * @param {CalendarEvent} event
 * @param {string} current The user's answer now.
 * @param {(write: () => Promise<string>) => void} run
 * @returns {HTMLFieldSetElement}
 */
export function rsvpGroup(event, current, run) {
  const group = document.createElement('fieldset');
  group.className = 'field-group rsvp';
  const legend = document.createElement('legend');
  legend.textContent = `Your answer: ${ANSWERS[current] || current}`;
  const row = document.createElement('div');
  row.className = 'actions';
  for (const [response, words] of RSVP_CHOICES) {
    const choice = document.createElement('button');
    choice.type = 'button';
    choice.textContent = words;
    if (response !== current) choice.className = 'secondary';
    choice.setAttribute('aria-pressed', String(response === current));
    choice.addEventListener('click', () =>
      run(async () => {
        const series = /** @type {HTMLInputElement | null} */ (
          group.querySelector('input[name="rsvp_series"]')
        );
        const notify = /** @type {HTMLInputElement} */ (group.querySelector('input[name="rsvp_notify"]'));
        await answerInvitation(event, response, {
          series: series?.checked ?? false,
          sendUpdates: notify.checked ? 'all' : 'none',
        });
        return `You answered “${words}” to “${event.title || '(No title)'}”.`;
      }),
    );
    row.append(choice);
  }
  group.append(legend, row);
  /**
   * @param {string} name
   * @param {string} words
   * @param {boolean} checked
   */
  const option = (name, words, checked) => {
    const label = document.createElement('label');
    label.className = 'inline-option';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.name = name;
    box.checked = checked;
    label.append(box, ` ${words}`);
    group.append(label);
  };
  if (event.recurring_event_id && event.id.includes(':')) {
    option('rsvp_series', 'answer for every meeting of the series', false);
  }
  option('rsvp_notify', 'tell the organizer', true);
  return group;
}
