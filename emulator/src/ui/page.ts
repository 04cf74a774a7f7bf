import { escapeHtml, page } from '../html.js';
import { calendarsOf } from '../state/directory.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { StoredEvent, UserRecord } from '../state/types.js';
import { formatDateTime } from '../time.js';
import { DateTime } from 'luxon';
import { eventTypeOf } from '../calendar/event-types.js';
import { TYPED_EVENT_FIELDS } from './typed-event-form.js';

const MAX_ROWS = 200;
const ADMIN_LINKS = ['users', 'mailbox', 'webhooks', 'channels', 'requests', 'faults', 'clock', 'settings'];

function when(event: StoredEvent, zone: string): string {
  const d = event.data;
  if (d.start.date)
    return `${d.start.date} (all day${d.end.date && d.end.date !== d.start.date ? ` to ${d.end.date}` : ''})`;
  const tz = d.start.timeZone ?? zone;
  return `${formatDateTime(event.startMs, tz).replace('T', ' ')} → ${formatDateTime(event.endMs, tz).slice(11)} <span class="muted">${escapeHtml(tz)}</span>`;
}

function localInput(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}

const SEND_UPDATES = `<label>Notify guests<select name="sendUpdates"><option value="all">all</option><option value="externalOnly">externalOnly</option><option value="none">none</option></select></label>`;

function eventForm(calendar: CalendarRecord, event?: StoredEvent): string {
  const zone = calendar.meta.timeZone;
  const d = event?.data;
  const start = event ? localInput(event.startMs, zone) : '';
  const end = event ? localInput(event.endMs, zone) : '';
  const attendees = (d?.attendees ?? []).map((a) => a.email).join(', ');
  const action = event ? '/__ui/events/update' : '/__ui/events/create';
  return `<form method="post" action="${action}" class="grid">
  ${hidden({ calendarId: calendar.meta.id, ...(event ? { eventId: event.id } : {}) })}
  <label>Title<input name="summary" value="${escapeHtml(d?.summary ?? '')}"></label>
  <label>Start (${escapeHtml(zone)})<input type="datetime-local" name="start" value="${start}" required></label>
  <label>End<input type="datetime-local" name="end" value="${end}" required></label>
  <label>Location<input name="location" value="${escapeHtml(d?.location ?? '')}"></label>
  <label>Guests (comma separated)<input name="attendees" value="${escapeHtml(attendees)}"></label>
  <label>Description<input name="description" value="${escapeHtml(d?.description ?? '')}"></label>
  <label>Google Meet<select name="meet"><option value="">${d?.hangoutLink ? 'keep' : 'no'}</option><option value="add">add a Meet link</option></select></label>
  ${event ? '' : TYPED_EVENT_FIELDS}
  ${SEND_UPDATES}
  <button type="submit">${event ? 'Save' : 'Create event'}</button>
</form>`;
}

function eventRow(calendar: CalendarRecord, event: StoredEvent): string {
  const d = event.data;
  const owner = calendar.meta.ownerEmail;
  const organizer = event.organizerCalendarId === calendar.meta.id;
  const mine = d.attendees?.find((a) => a.email === owner);
  const guests = (d.attendees ?? [])
    .map((a) => `${escapeHtml(a.email)} <span class="pill">${escapeHtml(a.responseStatus)}</span>`)
    .join('<br>');
  const actions: string[] = [];
  const ids = { calendarId: calendar.meta.id, eventId: event.id };
  if (organizer) {
    actions.push(`<details><summary>Edit</summary>${eventForm(calendar, event)}</details>`);
  } else if (mine) {
    actions.push(`<form method="post" action="/__ui/events/rsvp" class="inline">${hidden(ids)}
      <select name="response">${['accepted', 'tentative', 'declined']
        .map((r) => `<option value="${r}"${mine.responseStatus === r ? ' selected' : ''}>${r}</option>`)
        .join('')}</select> <button type="submit" class="secondary">RSVP</button></form>`);
  }
  actions.push(`<form method="post" action="/__ui/events/delete" class="inline">${hidden({ ...ids, sendUpdates: 'all' })}
    <button type="submit" class="danger">Delete</button></form>`);
  return `<tr>
  <td>${when(event, calendar.meta.timeZone)}${d.recurrence ? `<div class="muted">${escapeHtml(d.recurrence.join(' '))}</div>` : ''}${d.recurringEventId ? '<div class="muted">occurrence of a series</div>' : ''}</td>
  <td><strong>${escapeHtml(d.summary ?? '(No title)')}</strong>${d.location ? `<div class="muted">${escapeHtml(d.location)}</div>` : ''}
    ${d.hangoutLink ? `<div><a href="${escapeHtml(d.hangoutLink)}">${escapeHtml(d.hangoutLink)}</a></div>` : ''}
    <div class="muted">${eventTypeOf(d) === 'default' ? '' : `<span class="pill">${escapeHtml(eventTypeOf(d))}</span> `}organizer ${escapeHtml(d.organizer.email)} · id ${escapeHtml(event.id)}</div></td>
  <td>${guests || '<span class="muted">none</span>'}</td>
  <td>${actions.join(' ')}</td>
</tr>`;
}

function calendarCard(calendar: CalendarRecord): string {
  const events = [...calendar.store.values()]
    .filter((e) => e.data.status !== 'cancelled')
    .sort((a, b) => a.startMs - b.startMs);
  const rows = events
    .slice(0, MAX_ROWS)
    .map((e) => eventRow(calendar, e))
    .join('');
  return `<h3>${escapeHtml(calendar.meta.summary)} ${calendar.meta.primary ? '<span class="pill">primary</span>' : ''}
  <span class="muted">${escapeHtml(calendar.meta.id)} · ${escapeHtml(calendar.meta.timeZone)} · ${events.length} events</span></h3>
  ${events.length > MAX_ROWS ? `<p class="muted">Showing the first ${MAX_ROWS} by start time.</p>` : ''}
  <table><thead><tr><th>When</th><th>Event</th><th>Guests</th><th></th></tr></thead><tbody>${rows || '<tr><td colspan="4" class="muted">No events</td></tr>'}</tbody></table>
  <details><summary>New event on this calendar</summary>${eventForm(calendar)}</details>`;
}

function userCard(state: EmulatorState, user: UserRecord): string {
  return `<section class="card"><h2>${escapeHtml(user.name)} <span class="muted">${escapeHtml(user.email)} · ${escapeHtml(user.timeZone)}</span></h2>
  ${calendarsOf(state, user.email).map(calendarCard).join('')}</section>`;
}

/** The dashboard at `/`: every emulated user's calendars and events, with forms to act "in Google". */
export function dashboard(state: EmulatorState, notice?: string): string {
  const users = [...state.users.values()].sort((a, b) => a.email.localeCompare(b.email));
  const links = ADMIN_LINKS.map((l) => `<a href="/__admin/${l}">${l}</a>`).join('');
  return page(
    'Google Calendar emulator',
    `<header><h1>Google Calendar emulator</h1><nav>${links}</nav>
  <span class="muted">clock ${escapeHtml(new Date(state.now()).toISOString())}</span></header>
<main>
  ${notice ? `<div class="card" style="border-color:#c5221f"><strong>${escapeHtml(notice)}</strong></div>` : ''}
  <section class="card"><h2>Add a Google account</h2>
    <form method="post" action="/__ui/users" class="grid">
      <label>Email<input type="email" name="email" required></label>
      <label>Time zone<input name="timeZone" value="UTC"></label>
      <button type="submit">Create</button>
    </form></section>
  ${users.map((u) => userCard(state, u)).join('') || '<p class="muted">No users yet.</p>'}
</main>`,
  );
}
