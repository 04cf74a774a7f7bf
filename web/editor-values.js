// @ts-check
import { addDaysToDate, wallClockIn } from './time.js';

/** @import { CalendarEvent, ReminderOverride, Transparency, Visibility } from './api-types.js' */

/**
 * The meeting editor's values and the request bodies they make: everything for a new meeting
 * (POST /calendar/events), only what changed for an existing one (PATCH), so a change of one
 * field touches nothing else of the meeting or of its series.
 */

/**
 * What the editor's fields hold. Times are wall-clock in `timeZone` ('YYYY-MM-DDTHH:mm'), or
 * dates for all-day meetings, whose `end` is the last day (the API's end date is the day after).
 * @typedef {object} EditorValues
 * @property {string} title
 * @property {boolean} allDay
 * @property {string} start
 * @property {string} end
 * @property {string} timeZone
 * @property {string} guests Emails, separated by commas or new lines.
 * @property {string} optional Optional guests' emails.
 * @property {boolean} meet
 * @property {string} location
 * @property {string} description
 * @property {Visibility} visibility
 * @property {Transparency} transparency 'transparent' shows the time as free.
 * @property {string} rule The RRULE line ('' for none).
 * @property {'default' | 'custom'} remindersMode
 * @property {ReminderOverride[]} reminders The custom reminders.
 */

/**
 * The emails of a list typed into a field (commas, semicolons, spaces or new lines between them).
 * @param {string} text
 * @returns {string[]}
 */
export function emailsOf(text) {
  return text
    .split(/[,;\s]+/)
    .map((email) => email.trim())
    .filter((email) => email !== '');
}

/**
 * The series' RRULE line among its recurrence lines ('' for none).
 * @param {string[] | null} recurrence
 * @returns {string}
 */
export function ruleOf(recurrence) {
  return (recurrence ?? []).find((line) => /^RRULE:/i.test(line)) ?? '';
}

/**
 * The values of an existing meeting; `recurrence` is its series' lines (an occurrence has none
 * of its own).
 * @param {CalendarEvent} event
 * @param {{ browserZone: string, recurrence: string[] | null }} context
 * @returns {EditorValues}
 */
export function valuesOfEvent(event, { browserZone, recurrence }) {
  const timeZone = event.time_zone || browserZone;
  const guests = event.attendees.filter((attendee) => !attendee.self);
  const reminders = event.reminders;
  return {
    title: event.title ?? '',
    allDay: event.all_day,
    start: event.all_day ? (event.start_date ?? '') : wallClockIn(event.start_time ?? '', timeZone),
    end: event.all_day
      ? addDaysToDate(event.end_date ?? event.start_date ?? '', -1)
      : wallClockIn(event.end_time ?? '', timeZone),
    timeZone,
    guests: guests
      .filter((attendee) => !attendee.optional)
      .map((attendee) => attendee.email)
      .join(', '),
    optional: guests
      .filter((attendee) => attendee.optional)
      .map((attendee) => attendee.email)
      .join(', '),
    meet: Boolean(event.meet_link),
    location: event.location ?? '',
    description: event.description ?? '',
    visibility: event.visibility ?? 'default',
    transparency: event.transparency ?? 'opaque',
    rule: ruleOf(recurrence),
    remindersMode: reminders && !reminders.use_default ? 'custom' : 'default',
    reminders: reminders && !reminders.use_default ? reminders.overrides : [],
  };
}

/**
 * The values of a new meeting at the given times.
 * @param {{ start: string, end: string, allDay: boolean, timeZone: string }} times
 * @returns {EditorValues}
 */
export function newValues({ start, end, allDay, timeZone }) {
  return {
    title: '',
    allDay,
    start,
    end,
    timeZone,
    guests: '',
    optional: '',
    meet: false,
    location: '',
    description: '',
    visibility: 'default',
    transparency: 'opaque',
    rule: '',
    remindersMode: 'default',
    reminders: [],
  };
}

/**
 * The timing fields of a body.
 * @param {EditorValues} values
 */
function timing(values) {
  return values.allDay
    ? { all_day: true, start: values.start, end: addDaysToDate(values.end, 1), time_zone: values.timeZone }
    : { all_day: false, start: values.start, end: values.end, time_zone: values.timeZone };
}

/**
 * The attendees of a body; names and the user's own entry are kept from `current`.
 * @param {EditorValues} values
 * @param {CalendarEvent['attendees']} current
 */
function attendeesOf(values, current) {
  const known = new Map(current.map((attendee) => [attendee.email.toLowerCase(), attendee]));
  /** @type {Map<string, { email: string, name?: string, optional?: boolean }>} */
  const list = new Map();
  for (const attendee of current.filter((a) => a.self))
    list.set(attendee.email.toLowerCase(), { email: attendee.email });
  /**
   * @param {string} email
   * @param {boolean} optional
   */
  const add = (email, optional) => {
    const key = email.toLowerCase();
    if (list.has(key)) return;
    const name = known.get(key)?.name;
    list.set(key, { email, ...(name ? { name } : {}), ...(optional ? { optional: true } : {}) });
  };
  for (const email of emailsOf(values.guests)) add(email, false);
  for (const email of emailsOf(values.optional)) add(email, true);
  return [...list.values()];
}

/**
 * The guest list in a comparable form.
 * @param {EditorValues} values
 */
const guestKey = (values) =>
  JSON.stringify([
    emailsOf(values.guests).map((e) => e.toLowerCase()),
    emailsOf(values.optional).map((e) => e.toLowerCase()),
  ]);

/**
 * @param {EditorValues} values
 * @param {boolean} creating
 */
function remindersOf(values, creating) {
  if (values.remindersMode === 'custom') return values.reminders;
  // A new meeting without reminders gets the user's defaults; an existing one, the calendar's.
  return creating ? undefined : { use_default: true };
}

/**
 * The POST /calendar/events body of a new meeting.
 * @param {EditorValues} values
 * @returns {Record<string, unknown>}
 */
export function createBody(values) {
  /** @type {Record<string, unknown>} */
  const body = {
    title: values.title.trim(),
    ...timing(values),
    attendees: attendeesOf(values, []),
    conference: values.meet,
  };
  if (values.location.trim() !== '') body.location = values.location;
  if (values.description.trim() !== '') body.description = values.description;
  if (values.visibility !== 'default') body.visibility = values.visibility;
  if (values.transparency !== 'opaque') body.transparency = values.transparency;
  if (values.rule !== '') body.recurrence = [values.rule];
  const reminders = remindersOf(values, true);
  if (reminders !== undefined) body.reminders = reminders;
  return body;
}

/**
 * The PATCH body of a change: only the fields whose values differ from `before`. The other
 * recurrence lines of the series (EXDATE, RDATE) are kept when the rule changes.
 * @param {EditorValues} before
 * @param {EditorValues} after
 * @param {{ attendees: CalendarEvent['attendees'], recurrence: string[] | null }} current
 * @returns {Record<string, unknown>}
 */
export function changesBody(before, after, current) {
  /** @type {Record<string, unknown>} */
  const body = {};
  if (after.title.trim() !== before.title.trim()) body.title = after.title.trim();
  if (
    after.allDay !== before.allDay ||
    after.start !== before.start ||
    after.end !== before.end ||
    after.timeZone !== before.timeZone
  ) {
    Object.assign(body, timing(after));
  }
  if (guestKey(after) !== guestKey(before)) body.attendees = attendeesOf(after, current.attendees);
  if (after.meet !== before.meet) body.conference = after.meet;
  if (after.location.trim() !== before.location.trim()) body.location = after.location.trim() || null;
  if (after.description.trim() !== before.description.trim()) {
    body.description = after.description.trim() || null;
  }
  if (after.visibility !== before.visibility) body.visibility = after.visibility;
  if (after.transparency !== before.transparency) body.transparency = after.transparency;
  if (after.rule !== before.rule) {
    const others = (current.recurrence ?? []).filter((line) => !/^RRULE:/i.test(line));
    body.recurrence = after.rule === '' ? null : [after.rule, ...others];
  }
  const reminders = (/** @type {EditorValues} */ v) => JSON.stringify(remindersOf(v, false));
  if (reminders(after) !== reminders(before)) body.reminders = remindersOf(after, false);
  return body;
}
