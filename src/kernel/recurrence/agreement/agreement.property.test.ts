import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallTimeInstants } from '../../time.js';
import type { CaseStart } from './cases.js';
import {
  DURATION_MS,
  GOOGLE_REFUSAL,
  emulatorOutcome,
  serviceApiRecurrence,
  serviceApiRefusal,
  serviceOutcome,
  type Run,
} from './implementations.fixtures.js';

/**
 * The service and the emulator on generated series: valid rules from a grammar of what Google
 * takes must expand to the same occurrence starts on both sides, and the same rules broken in the
 * ways Google refuses must be refused by both. fast-check prints the seed and the smallest failing
 * series when a property fails (rerun with `fc.assert(..., { seed, path })` to replay it).
 */

const RUNS = { valid: 300, invalid: 200, floatingUntil: 100 };

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'Asia/Kolkata',
];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const DAY_MS = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** The wall time or date `days` after the start's, as a Date whose UTC fields are that wall time. */
const shifted = (wall: Date, days: number, minutes = 0) =>
  new Date(wall.getTime() + days * DAY_MS + minutes * 60_000);
const compactDate = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const compactTime = (d: Date) => `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;

/** Days the clocks change (2026), where a daily rule's wall time can fall in a gap or happen twice. */
const TRANSITIONS = [
  { zone: 'America/New_York', date: [2026, 3, 8] },
  { zone: 'America/New_York', date: [2026, 11, 1] },
  { zone: 'Europe/Berlin', date: [2026, 3, 29] },
  { zone: 'Europe/Berlin', date: [2026, 10, 25] },
  { zone: 'Australia/Sydney', date: [2026, 4, 5] },
  { zone: 'Australia/Sydney', date: [2026, 10, 4] },
  { zone: 'Australia/Lord_Howe', date: [2026, 4, 5] },
  { zone: 'Australia/Lord_Howe', date: [2026, 10, 4] },
] as const;

const anyDayArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  year: fc.integer({ min: 2019, max: 2031 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
});
/** A start up to three days before a DST change, between midnight and 03:45. */
const nearTransitionArb = fc
  .record({
    transition: fc.constantFrom(...TRANSITIONS),
    daysBefore: fc.integer({ min: 0, max: 3 }),
    hour: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ transition: { zone, date }, daysBefore, hour }) => ({
    zone,
    year: date[0],
    month: date[1],
    day: date[2] - daysBefore,
    hour,
  }));

const startArb = fc
  .record({
    allDay: fc.boolean(),
    when: fc.oneof({ arbitrary: anyDayArb, weight: 3 }, { arbitrary: nearTransitionArb, weight: 1 }),
    minute: fc.constantFrom(0, 15, 30, 45),
  })
  .map(({ allDay, when: { zone, year, month, day, hour }, minute }) => {
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const wall = new Date(
      Date.UTC(year, month - 1, Math.min(day, lastDay), allDay ? 0 : hour, allDay ? 0 : minute),
    );
    const iso = wall.toISOString();
    const start: CaseStart = allDay
      ? { kind: 'allDay', date: iso.slice(0, 10), timeZone: zone }
      : { kind: 'timed', dateTime: iso.slice(0, 19), timeZone: zone };
    return { start, wall };
  })
  // The CRM refuses a start or end the clocks skip (400 nonexistent_local_time), so no series it
  // makes starts in a DST gap; its later occurrences still fall in gaps and overlaps.
  .filter(
    ({ start, wall }) =>
      start.kind === 'allDay' ||
      [wall, new Date(wall.getTime() + DURATION_MS)].every(
        (time) => wallTimeInstants(time, start.timeZone).length > 0,
      ),
  );

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const ruleArb = fc.record({
  freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
  interval: optional(fc.integer({ min: 1, max: 4 })),
  byDay: optional(fc.subarray(WEEKDAYS, { minLength: 1 })),
  ordinal: optional(fc.constantFrom(1, 2, 3, 4, -1, -2)),
  // Always one day every month has, so that no rule is left without dates: rrule would then walk
  // to the year 9999 looking for one, on both sides.
  byMonthDay: optional(
    fc
      .tuple(fc.constantFrom(1, 2, 15, 28, -1, -2), fc.subarray([29, 30, 31, -3], { maxLength: 2 }))
      .map(([safe, more]) => [safe, ...more]),
  ),
  byMonth: optional(fc.subarray(MONTHS, { minLength: 1, maxLength: 4 })),
  bySetPos: optional(fc.constantFrom(1, 2, -1)),
  wkst: optional(fc.constantFrom(...WEEKDAYS)),
  end: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('count' as const), count: fc.integer({ min: 1, max: 30 }) }),
    fc.record({
      kind: fc.constant('until' as const),
      days: fc.integer({ min: -3, max: 1200 }),
      minutes: fc.integer({ min: 0, max: 1439 }),
      asDate: fc.boolean(),
    }),
  ),
  exdateDays: optional(fc.integer({ min: 0, max: 60 })),
  rdate: optional(
    fc.record({ days: fc.integer({ min: 1, max: 400 }), hour: fc.integer({ min: 0, max: 23 }) }),
  ),
});
type RuleSpec = typeof ruleArb extends fc.Arbitrary<infer T> ? T : never;

/** The rule parts of a spec, keeping to combinations RFC 5545 allows for its frequency. */
function ruleParts(rule: RuleSpec, wall: Date, allDay: boolean): string[] {
  const parts = [`FREQ=${rule.freq}`];
  // A MONTHLY interval and BYMONTH could never meet (every other month, in April only, from May).
  const byMonth =
    rule.freq === 'WEEKLY' || (rule.freq === 'MONTHLY' && rule.interval !== undefined)
      ? undefined
      : rule.byMonth;
  if (rule.interval !== undefined) parts.push(`INTERVAL=${rule.interval}`);
  const days = rule.byDay;
  const monthly = rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && byMonth !== undefined);
  if (byMonth !== undefined) parts.push(`BYMONTH=${byMonth.join(',')}`);
  if (days !== undefined && (rule.freq !== 'YEARLY' || byMonth !== undefined || rule.ordinal === undefined)) {
    const ordinal = monthly && rule.ordinal !== undefined ? String(rule.ordinal) : '';
    parts.push(`BYDAY=${days.map((d) => `${ordinal}${d}`).join(',')}`);
    if (monthly && ordinal === '' && rule.bySetPos !== undefined) parts.push(`BYSETPOS=${rule.bySetPos}`);
  } else if (rule.byMonthDay !== undefined && rule.freq !== 'WEEKLY') {
    parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  }
  if (rule.wkst !== undefined) parts.push(`WKST=${rule.wkst}`);
  if (rule.end.kind === 'count') parts.push(`COUNT=${rule.end.count}`);
  if (rule.end.kind === 'until') {
    const until = shifted(wall, rule.end.days, allDay ? 0 : rule.end.minutes);
    parts.push(`UNTIL=${compactDate(until)}${rule.end.asDate ? '' : `T${compactTime(until)}Z`}`);
  }
  return parts;
}

function dateLines(rule: RuleSpec, start: CaseStart, wall: Date): string[] {
  const lines: string[] = [];
  const stamp = (d: Date) =>
    start.kind === 'allDay'
      ? `VALUE=DATE:${compactDate(d)}`
      : `TZID=${start.timeZone}:${compactDate(d)}T${compactTime(d)}`;
  if (rule.exdateDays !== undefined) lines.push(`EXDATE;${stamp(shifted(wall, rule.exdateDays))}`);
  if (rule.rdate !== undefined) {
    const at = new Date(
      shifted(wall, rule.rdate.days).setUTCHours(start.kind === 'allDay' ? 0 : rule.rdate.hour),
    );
    lines.push(`RDATE;${stamp(at)}`);
  }
  return lines;
}

const windowArb = fc.record({
  // Often from the start itself, so that the first weeks (and a DST change right after) are seen.
  fromDays: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer({ min: -2, max: 200 })),
  lengthDays: fc.integer({ min: 1, max: 240 }),
});

const validRunArb = fc.tuple(startArb, ruleArb, windowArb).map(([{ start, wall }, rule, w]): Run => {
  const from = shifted(wall, w.fromDays);
  return {
    start,
    recurrence: [
      `RRULE:${ruleParts(rule, wall, start.kind === 'allDay').join(';')}`,
      ...dateLines(rule, start, wall),
    ],
    window: { from: from.toISOString(), to: shifted(from, w.lengthDays).toISOString() },
  };
});

/** Ways to break a valid rule that Google refuses (RFC 5545 3.3.10, Google's four frequencies). */
const BREAKS: Record<string, (parts: string[], wall: Date) => string[]> = {
  hourly: (parts) => ['FREQ=HOURLY', ...parts.slice(1)],
  minutely: (parts) => ['FREQ=MINUTELY', ...parts.slice(1)],
  secondly: (parts) => ['FREQ=SECONDLY', ...parts.slice(1)],
  floatingUntil: (parts, wall) => [
    ...parts.filter((p) => !/^(COUNT|UNTIL)=/.test(p)),
    `UNTIL=${compactDate(shifted(wall, 30))}T${compactTime(wall)}`,
  ],
  countAndUntil: (parts, wall) => [
    ...parts.filter((p) => !/^(COUNT|UNTIL)=/.test(p)),
    'COUNT=3',
    `UNTIL=${compactDate(shifted(wall, 30))}T000000Z`,
  ],
  // The other parts alone (or INTERVAL=2 when there are none).
  noFreq: (parts) => (parts.length > 1 ? parts.slice(1) : ['INTERVAL=2']),
  unknownPart: (parts) => [...parts, 'COLOR=RED'],
  emptyPart: (parts) => [...parts, ''],
  badByDay: (parts) => [...parts.filter((p) => !p.startsWith('BYDAY=')), 'BYDAY=XX'],
  zeroInterval: (parts) => [...parts.filter((p) => !p.startsWith('INTERVAL=')), 'INTERVAL=0'],
  badMonthDay: (parts) => [...parts.filter((p) => !/^BY(MONTHDAY|DAY|SETPOS)=/.test(p)), 'BYMONTHDAY=32'],
  repeatedPart: (parts) => [...parts, parts[0] ?? 'FREQ=DAILY'],
  impossibleUntil: (parts) => [...parts.filter((p) => !/^(COUNT|UNTIL)=/.test(p)), 'UNTIL=20270230'],
};

const invalidRunArb = fc
  .tuple(startArb, ruleArb, fc.constantFrom(...Object.keys(BREAKS), 'hourlyExrule', 'exdateOnly'))
  .map(([{ start, wall }, rule, how]): Run & { how: string } => {
    const parts = ruleParts(rule, wall, start.kind === 'allDay');
    const valid = `RRULE:${parts.join(';')}`;
    let recurrence: string[];
    if (how === 'hourlyExrule') recurrence = [valid, 'EXRULE:FREQ=HOURLY;COUNT=2'];
    else if (how === 'exdateOnly')
      recurrence = dateLines({ ...rule, exdateDays: 3, rdate: undefined }, start, wall);
    else recurrence = [`RRULE:${(BREAKS[how] as (p: string[], w: Date) => string[])(parts, wall).join(';')}`];
    const from = wall.toISOString();
    return { how, start, recurrence, window: { from, to: shifted(wall, 60).toISOString() } };
  });

/** Valid series whose rule ends with a floating UNTIL (the form Google refuses), over its first months. */
const floatingUntilRunArb = fc.tuple(startArb, ruleArb).map(([{ start, wall }, rule]): Run => {
  const parts = (BREAKS.floatingUntil as (p: string[], w: Date) => string[])(
    ruleParts(rule, wall, start.kind === 'allDay'),
    wall,
  );
  return {
    start,
    recurrence: [`RRULE:${parts.join(';')}`, ...dateLines(rule, start, wall)],
    window: { from: shifted(wall, -2).toISOString(), to: shifted(wall, 60).toISOString() },
  };
});

describe('the service and the emulator on generated series', () => {
  it(`expand valid rules to the same occurrences (${RUNS.valid} runs)`, () => {
    fc.assert(
      fc.property(validRunArb, (run) => {
        const emulator = emulatorOutcome(run);
        expect(emulator).not.toHaveProperty('refused');
        expect(serviceOutcome(run)).toEqual(emulator);
      }),
      { numRuns: RUNS.valid },
    );
  });

  it(`refuse the same broken rules (${RUNS.invalid} runs)`, () => {
    fc.assert(
      fc.property(invalidRunArb, (run) => {
        expect(emulatorOutcome(run)).toEqual({ refused: GOOGLE_REFUSAL });
        expect(serviceOutcome(run)).toEqual({ refused: expect.any(String) });
        // The CRM API writes a floating UNTIL in UTC instead (the next property).
        if (run.how !== 'floatingUntil') expect(serviceApiRefusal(run)).toBe('invalid_recurrence');
      }),
      { numRuns: RUNS.invalid },
    );
  });

  it(`take a floating UNTIL as the CRM API writes it, in UTC (${RUNS.floatingUntil} runs)`, () => {
    fc.assert(
      fc.property(floatingUntilRunArb, (run) => {
        const written = serviceApiRecurrence(run);
        expect(written).not.toEqual(run.recurrence);
        const stored = { ...run, recurrence: written ?? [] };
        const emulator = emulatorOutcome(stored);
        expect(emulator).not.toHaveProperty('refused');
        expect(serviceOutcome(stored)).toEqual(emulator);
      }),
      { numRuns: RUNS.floatingUntil },
    );
  });
});
