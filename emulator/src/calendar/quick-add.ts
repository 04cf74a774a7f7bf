import { DateTime } from 'luxon';

/**
 * The text of events.quickAdd read the way Google reads "Lunch with Ana at Café Sol tomorrow
 * 12pm-1:30pm", for English text only:
 * - a date: `today`, `tomorrow`, a weekday (`friday`, `next fri`: the next one after today),
 *   `2031-05-04`, `May 4`, `4 May`, `May 4th 2031` (a month and day without a year: the next one);
 * - a time: `12pm`, `9:30am`, `14:00`, `noon`, `midnight`, optionally after `at`; or a range
 *   `2pm-4pm`, `10-11am`, `from 9am to 11:30am`;
 * - a length: `for 30 minutes`, `for 2 hours` (default one hour);
 * - a place: what follows the last ` at ` once the date and time are taken out;
 * - the rest is the summary.
 * A date without a time makes an all-day event; neither makes a one-hour event at the next full
 * hour. Times are wall times in the calendar's zone.
 */
export interface QuickAddEvent {
  summary?: string;
  location?: string;
  start: { date: string } | { dateTime: string; timeZone: string };
  end: { date: string } | { dateTime: string; timeZone: string };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY =
  '(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)';
const CLOCK = '(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)?';

interface Clock {
  hour: number;
  minute: number;
}

/** Takes the first match of `re` out of the text, when `accept` (if given) takes it. */
function take(
  text: { value: string },
  re: RegExp,
  accept: (m: RegExpExecArray) => boolean = () => true,
): RegExpExecArray | null {
  const m = re.exec(text.value);
  if (!m || !accept(m)) return null;
  text.value = `${text.value.slice(0, m.index)} ${text.value.slice(m.index + m[0].length)}`;
  return m;
}

function clock(hourText: string, minuteText: string | undefined, meridiem: string | undefined): Clock | null {
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  return { hour, minute };
}

function readTimes(text: { value: string }): { start: Clock; end?: Clock } | null {
  // "10-11am": the start borrows the end's am/pm. Bare numbers ("1-2") are not times.
  const ends = (m: RegExpExecArray): { start: Clock | null; end: Clock | null } => {
    const [, h1, m1, ap1, h2, m2, ap2] = m;
    return { start: clock(h1!, m1, ap1 ?? ap2), end: clock(h2!, m2, ap2 ?? ap1) };
  };
  const range = take(
    text,
    new RegExp(`(?:^|\\s)(?:from\\s+)?${CLOCK}\\s*(?:-|–|to|until)\\s*${CLOCK}(?=\\s|$)`, 'i'),
    (m) => (m[2] ?? m[3] ?? m[5] ?? m[6]) !== undefined && ends(m).start !== null && ends(m).end !== null,
  );
  if (range) {
    const { start, end } = ends(range);
    return { start: start!, end: end! };
  }
  const named = take(text, /(?:^|\s)(?:at\s+)?(noon|midnight)(?=\s|$)/i);
  if (named) return { start: { hour: named[1]!.toLowerCase() === 'noon' ? 12 : 0, minute: 0 } };
  const single = take(
    text,
    /(?:^|\s)(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)(?=\s|$)/i,
    (m) => clock(m[1]!, m[2], m[3]) !== null,
  );
  if (single) return { start: clock(single[1]!, single[2], single[3])! };
  const h24 = take(text, /(?:^|\s)(?:at\s+)?([01]?\d|2[0-3]):([0-5]\d)(?=\s|$)/);
  if (h24) return { start: { hour: Number(h24[1]), minute: Number(h24[2]) } };
  return null;
}

function readDate(text: { value: string }, today: DateTime): DateTime | null {
  const iso = take(text, /(?:^|\s)(?:on\s+)?(\d{4}-\d{2}-\d{2})(?=\s|$)/i);
  if (iso) {
    const d = DateTime.fromISO(iso[1]!, { zone: today.zone });
    return d.isValid ? d : null;
  }
  const relative = take(text, /(?:^|\s)(today|tonight|tomorrow)(?=\s|$)/i);
  if (relative) return relative[1]!.toLowerCase() === 'tomorrow' ? today.plus({ days: 1 }) : today;
  const weekday = take(text, new RegExp(`(?:^|\\s)(?:on\\s+)?(?:next\\s+)?${WEEKDAY}(?=\\s|$)`, 'i'));
  if (weekday) {
    const target = WEEKDAYS.indexOf(weekday[1]!.slice(0, 3).toLowerCase() as (typeof WEEKDAYS)[number]) + 1;
    const ahead = (target - today.weekday + 7) % 7 || 7;
    return today.plus({ days: ahead });
  }
  const ordinal = '(\\d{1,2})(?:st|nd|rd|th)?';
  const monthFirst = take(
    text,
    new RegExp(`(?:^|\\s)(?:on\\s+)?${MONTH}\\.?\\s+${ordinal}(?:,?\\s+(\\d{4}))?(?=\\s|$)`, 'i'),
  );
  const dayFirst = monthFirst
    ? null
    : take(text, new RegExp(`(?:^|\\s)(?:on\\s+)?${ordinal}\\s+${MONTH}(?:,?\\s+(\\d{4}))?(?=\\s|$)`, 'i'));
  const parts = monthFirst
    ? { month: monthFirst[1]!, day: monthFirst[2]!, year: monthFirst[3] }
    : dayFirst
      ? { month: dayFirst[2]!, day: dayFirst[1]!, year: dayFirst[3] }
      : null;
  if (!parts) return null;
  const month = MONTHS.indexOf(parts.month.slice(0, 3).toLowerCase() as (typeof MONTHS)[number]) + 1;
  const year = parts.year === undefined ? today.year : Number(parts.year);
  let date = DateTime.fromObject({ year, month, day: Number(parts.day) }, { zone: today.zone });
  if (!date.isValid) return null;
  if (parts.year === undefined && date < today) date = date.plus({ years: 1 });
  return date;
}

function readLength(text: { value: string }): number | null {
  const m = take(text, /(?:^|\s)for\s+(\d{1,4})\s*(minutes?|mins?|hours?|hrs?|h)(?=\s|$)/i);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2]!.toLowerCase().startsWith('h') ? n * 60 : n;
}

const wall = (d: DateTime): string => d.toFormat("yyyy-MM-dd'T'HH:mm:ss");

export function parseQuickAdd(input: string, nowMs: number, zone: string): QuickAddEvent {
  const text = { value: ` ${input.trim()} ` };
  const today = DateTime.fromMillis(nowMs, { zone }).startOf('day');
  const times = readTimes(text);
  const date = readDate(text, today);
  const minutes = readLength(text);
  const rest = text.value.replace(/\s+/g, ' ').trim();
  const at = rest.toLowerCase().lastIndexOf(' at ');
  const summary = (at > 0 ? rest.slice(0, at) : rest).trim();
  const location = at > 0 ? rest.slice(at + 4).trim() : '';
  const out: Pick<QuickAddEvent, 'summary' | 'location'> = {};
  if (summary !== '') out.summary = summary;
  if (location !== '') out.location = location;

  if (!times && date) {
    return {
      ...out,
      start: { date: date.toISODate()! },
      end: { date: date.plus({ days: 1 }).toISODate()! },
    };
  }
  let start: DateTime;
  let end: DateTime;
  if (times) {
    start = (date ?? today).set({ hour: times.start.hour, minute: times.start.minute });
    if (times.end) {
      end = start.set({ hour: times.end.hour, minute: times.end.minute });
      if (end <= start) end = end.plus({ days: 1 });
    } else {
      end = start.plus({ minutes: minutes ?? 60 });
    }
  } else {
    start = DateTime.fromMillis(nowMs, { zone }).startOf('hour').plus({ hours: 1 });
    end = start.plus({ minutes: minutes ?? 60 });
  }
  return {
    ...out,
    start: { dateTime: wall(start), timeZone: zone },
    end: { dateTime: wall(end), timeZone: zone },
  };
}
