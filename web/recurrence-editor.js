// @ts-check
/**
 * The editor's repeat rule: a simple editor for the common rules (daily, weekly on chosen days,
 * monthly, yearly; every N; ending never, on a date or after N meetings) that writes an RFC 5545
 * RRULE into the raw rule field, which can also be edited by hand for any other rule (the
 * service validates it). A rule the simple editor cannot show is shown as "custom rule".
 */

/** @typedef {'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY'} Frequency */

/**
 * A rule the simple editor can show.
 * @typedef {object} SimpleRule
 * @property {Frequency} freq
 * @property {number} interval
 * @property {string[]} byDay Weekly rules: two-letter weekday codes.
 * @property {'never' | 'until' | 'count'} end
 * @property {string} until YYYY-MM-DD (end 'until').
 * @property {number} count (end 'count').
 */

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const SIMPLE_PARTS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'UNTIL', 'COUNT']);

/**
 * Reads a rule (`RRULE:` prefix optional) into the simple editor's terms; null when it says more
 * than the simple editor can show.
 * @param {string} rule
 * @returns {SimpleRule | null}
 */
export function parseSimpleRule(rule) {
  const body = rule.trim().replace(/^RRULE:/i, '');
  if (body === '') return null;
  /** @type {Map<string, string>} */
  const parts = new Map();
  for (const part of body.split(';')) {
    const [key = '', value = ''] = part.split('=');
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get('FREQ') ?? '';
  if (!FREQUENCIES.includes(freq) || [...parts.keys()].some((key) => !SIMPLE_PARTS.has(key))) return null;
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const byDay = parts.has('BYDAY') ? (parts.get('BYDAY') ?? '').split(',') : [];
  if (!Number.isInteger(interval) || interval < 1) return null;
  if (byDay.length > 0 && (freq !== 'WEEKLY' || byDay.some((day) => !WEEKDAYS.includes(day)))) return null;
  const until = parts.get('UNTIL');
  const count = parts.get('COUNT');
  const untilDate = until ? /^(\d{4})(\d{2})(\d{2})/.exec(until) : null;
  if (until !== undefined && untilDate === null) return null;
  return {
    freq: /** @type {Frequency} */ (freq),
    interval,
    byDay,
    end: until !== undefined ? 'until' : count !== undefined ? 'count' : 'never',
    until: untilDate ? `${untilDate[1]}-${untilDate[2]}-${untilDate[3]}` : '',
    count: count === undefined ? 10 : Number(count),
  };
}

/**
 * The RRULE line of a simple rule. UNTIL is the end of that date: a date for all-day events,
 * else 23:59:59 UTC (the service refuses a floating UNTIL).
 * @param {SimpleRule} rule
 * @param {boolean} allDay
 * @returns {string}
 */
export function formatSimpleRule(rule, allDay) {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval > 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.freq === 'WEEKLY' && rule.byDay.length > 0) {
    parts.push(`BYDAY=${WEEKDAYS.filter((day) => rule.byDay.includes(day)).join(',')}`);
  }
  if (rule.end === 'until' && /^\d{4}-\d{2}-\d{2}$/.test(rule.until)) {
    const date = rule.until.replace(/-/g, '');
    parts.push(`UNTIL=${allDay ? date : `${date}T235959Z`}`);
  } else if (rule.end === 'count' && Number.isInteger(rule.count) && rule.count > 0) {
    parts.push(`COUNT=${rule.count}`);
  }
  return `RRULE:${parts.join(';')}`;
}

/**
 * The weekday code of a YYYY-MM-DD date (MO..SU).
 * @param {string} date
 * @returns {string}
 */
export function weekdayOf(date) {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return WEEKDAYS[(day + 6) % 7] ?? 'MO';
}

/**
 * The form's element with this id (the editor template has each one this module asks for).
 * @param {ParentNode} root
 * @param {string} id
 */
const field = (root, id) => /** @type {HTMLInputElement} */ (root.querySelector(`#${id}`));

/**
 * Wires the repeat fields of the editor form: `rule` is the series' RRULE line ('' for none).
 * `context()` tells the start date (for a new weekly rule's day) and whether the event is all
 * day. Answers `value()`: the RRULE line, or '' for none.
 * @param {ParentNode} root
 * @param {{ rule: string, context: () => { startDate: string, allDay: boolean } }} options
 * @returns {{ value: () => string }}
 */
export function setUpRepeatEditor(root, { rule, context }) {
  const repeat = /** @type {HTMLSelectElement} */ (/** @type {unknown} */ (field(root, 'editor-repeat')));
  const simple = field(root, 'editor-repeat-simple');
  const interval = field(root, 'editor-repeat-interval');
  const unit = field(root, 'editor-repeat-unit');
  const days = field(root, 'editor-repeat-days');
  const end = /** @type {HTMLSelectElement} */ (/** @type {unknown} */ (field(root, 'editor-repeat-end')));
  const until = field(root, 'editor-repeat-until');
  const count = field(root, 'editor-repeat-count');
  const raw = field(root, 'editor-rrule');
  const dayBoxes = /** @type {HTMLInputElement[]} */ ([...days.querySelectorAll('input[type="checkbox"]')]);
  /** @type {Record<string, string>} */
  const UNITS = { DAILY: 'day(s)', WEEKLY: 'week(s)', MONTHLY: 'month(s)', YEARLY: 'year(s)' };

  function showSimple() {
    const freq = repeat.value;
    simple.hidden = !UNITS[freq];
    unit.textContent = UNITS[freq] ?? '';
    days.hidden = freq !== 'WEEKLY';
    until.hidden = end.value !== 'until';
    count.hidden = end.value !== 'count';
  }

  /** Writes the simple editor's rule into the raw field. */
  function writeRaw() {
    showSimple();
    const freq = repeat.value;
    if (freq === '') {
      raw.value = '';
      return;
    }
    if (!UNITS[freq]) return;
    raw.value = formatSimpleRule(
      {
        freq: /** @type {Frequency} */ (freq),
        interval: Math.max(1, Number(interval.value) || 1),
        byDay: dayBoxes.filter((box) => box.checked).map((box) => box.value),
        end: /** @type {SimpleRule['end']} */ (end.value),
        until: until.value,
        count: Number(count.value),
      },
      context().allDay,
    );
  }

  /** Shows a rule in the simple editor (custom when it cannot). */
  function readRaw() {
    const parsed = parseSimpleRule(raw.value);
    if (raw.value.trim() === '') repeat.value = '';
    else if (!parsed) repeat.value = 'custom';
    else {
      repeat.value = parsed.freq;
      interval.value = String(parsed.interval);
      for (const box of dayBoxes) box.checked = parsed.byDay.includes(box.value);
      end.value = parsed.end;
      until.value = parsed.until;
      count.value = String(parsed.count);
    }
    showSimple();
  }

  repeat.addEventListener('change', () => {
    if (repeat.value === 'WEEKLY' && !dayBoxes.some((box) => box.checked)) {
      const today = weekdayOf(context().startDate);
      for (const box of dayBoxes) box.checked = box.value === today;
    }
    if (repeat.value === 'custom') {
      showSimple();
      raw.focus();
      return;
    }
    writeRaw();
  });
  for (const input of [interval, end, until, count, ...dayBoxes]) {
    input.addEventListener('change', writeRaw);
  }
  raw.addEventListener('change', readRaw);
  raw.value = rule.replace(/^RRULE:/i, '') === '' ? '' : rule;
  readRaw();

  return {
    value: () => {
      const line = raw.value.trim();
      if (line === '') return '';
      return /^RRULE:/i.test(line) ? line : `RRULE:${line}`;
    },
  };
}
