import { api } from './api.js';
import { addMinutesToWallClock, browserTimeZone, nextFullHour } from './time.js';

/**
 * The "Schedule a meeting" form: POST /calendar/events with wall-clock times in the browser's
 * time zone. The service answers at once (the event is then on its way to Google); its 400
 * answers are shown next to the form.
 */

const $ = (id) => document.getElementById(id);

/** The POST /calendar/events body for the form's values (attendees: emails separated by commas). */
export function meetingBody({ title, start, durationMinutes, attendees, conference, timeZone }) {
  const end = addMinutesToWallClock(start, durationMinutes);
  return {
    title: title.trim(),
    start,
    end: end ?? start,
    time_zone: timeZone,
    attendees: attendees
      .split(/[,;\s]+/)
      .map((email) => email.trim())
      .filter((email) => email !== '')
      .map((email) => ({ email })),
    conference,
  };
}

function showError(message) {
  const box = $('schedule-error');
  box.textContent = message;
  box.hidden = message === '';
}

/** Wires the form once; `onCreated(event)` runs after the service accepted a meeting. */
export function setUpScheduleForm({ onCreated, onError }) {
  const form = $('schedule-form');
  const startInput = $('schedule-start');
  startInput.value = nextFullHour();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  async function submit() {
    showError('');
    const start = startInput.value;
    if (start === '') {
      showError('Choose when the meeting starts.');
      startInput.focus();
      return;
    }
    const body = meetingBody({
      title: $('schedule-title').value,
      start,
      durationMinutes: Number($('schedule-duration').value),
      attendees: $('schedule-attendees').value,
      conference: $('schedule-meet').checked,
      timeZone: browserTimeZone(),
    });
    const button = $('schedule-submit');
    button.disabled = true;
    try {
      const created = await api('/calendar/events', { method: 'POST', body });
      form.reset();
      startInput.value = nextFullHour();
      $('schedule-status').textContent = `“${created.title || body.title}” scheduled.`;
      onCreated(created);
    } catch (error) {
      if (error.status === 401) {
        onError(error);
        return;
      }
      $('schedule-status').textContent = '';
      showError(error.status === 400 ? error.message : `The meeting was not scheduled: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  }
}
