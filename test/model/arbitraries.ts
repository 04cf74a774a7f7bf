import fc from 'fast-check';
import { CRM_USERS, PEOPLE, RECORDS, type ResponseStatus, type SeriesRule } from './model.js';
import {
  EVENT_ZONES,
  type EventSpec,
  type FieldChange,
  type ModelCommand,
  type ReminderSpec,
  type TimingSpec,
} from './commands/base.js';
import type { TimeStyle } from './commands/event-bodies.js';
import { CrmCreate, CrmDelete, CrmLink, CrmLinkInvitation, CrmRsvp, CrmUpdate } from './commands/crm.js';
import { GoogleCreate, GoogleDelete, GoogleRsvp, GoogleUpdate } from './commands/google.js';
import {
  CrmOccurrenceDelete,
  CrmOccurrenceEdit,
  GoogleOccurrenceDelete,
  GoogleOccurrenceEdit,
  type OccurrenceChange,
  type Scope,
} from './commands/series.js';
import {
  Disconnect,
  INVALID_CREATES,
  INVALID_PATCHES,
  InjectFault,
  InvalidCreate,
  InvalidPatch,
  Reconnect,
  RestartWorkers,
  RevokeGrant,
  SERVICE_METHODS,
  Settle,
  WriteWhileDisconnected,
  type FaultSpec,
  type InvalidCreateKind,
  type InvalidPatchKind,
} from './commands/lifecycle.js';

/** The generators of the convergence test's commands, weighted towards ordinary edits. */

export interface CommandMix {
  /** Faults between commands (emulator fault injection, expired sync tokens). */
  faults: boolean;
  /** Revocation, disconnect and reconnect, worker restarts. */
  lifecycle: boolean;
}

/** Target choices and free-text values do not shrink: each shrink step is a whole run, better spent on the sequence. */
const pick = fc.noShrink(fc.nat({ max: 999 }));
const crmUser = fc.constantFrom(...CRM_USERS);
const person = fc.constantFrom(...PEOPLE);
const word = fc.noShrink(
  fc.constantFrom('review', 'sync', 'demo', 'kickoff', 'retro', 'pricing', 'planning', 'check-in'),
);
const note = fc.option(fc.constantFrom('Agenda: the numbers', 'Bring the contract', 'Dial-in inside'), {
  nil: null,
  freq: 2,
});
const place = fc.option(fc.constantFrom('Room 2', 'HQ, floor 3', 'Café Central'), { nil: null, freq: 2 });
/** Mostly required attendees; shrinks to required. */
const optional = fc.oneof(
  { weight: 4, arbitrary: fc.constant(false) },
  { weight: 1, arbitrary: fc.constant(true) },
);
const answer = fc.constantFrom<Exclude<ResponseStatus, 'needsAction'>>('accepted', 'declined', 'tentative');

const timingSpec: fc.Arbitrary<TimingSpec> = fc.noShrink(
  fc.record({
    base: fc.constantFrom<TimingSpec['base']>('soon', 'soon', 'dst'),
    dayOffset: fc.integer({ min: 0, max: 20 }),
    hour: fc.integer({ min: 7, max: 19 }),
    minute: fc.constantFrom(0, 30),
    durationMinutes: fc.constantFrom(30, 60, 90),
    allDay: fc.constant(false),
    allDayDays: fc.integer({ min: 1, max: 2 }),
    zone: fc.option(fc.constantFrom(...EVENT_ZONES), { nil: null }),
  }),
);

const reminderOverrides = fc.uniqueArray(
  fc.record({
    method: fc.constantFrom<'email' | 'popup'>('email', 'popup'),
    minutes: fc.constantFrom(0, 10, 30, 1440),
  }),
  { minLength: 1, maxLength: 3, selector: (o) => `${o.method}${o.minutes}` },
);
const reminderSpec: fc.Arbitrary<ReminderSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<ReminderSpec>('omit') },
  { weight: 1, arbitrary: fc.constant<ReminderSpec>('useDefault') },
  { weight: 2, arbitrary: reminderOverrides },
);

const seriesRule: fc.Arbitrary<SeriesRule> = fc.record({
  freq: fc.constantFrom<SeriesRule['freq']>('DAILY', 'WEEKLY'),
  interval: fc.constantFrom(1, 1, 2),
  count: fc.integer({ min: 2, max: 5 }),
});

const eventSpec: fc.Arbitrary<EventSpec> = fc.record({
  word,
  description: note,
  location: place,
  timing: fc.oneof(
    { weight: 4, arbitrary: timingSpec.map((t) => ({ ...t, allDay: false })) },
    { weight: 1, arbitrary: timingSpec.map((t) => ({ ...t, allDay: true })) },
  ),
  attendees: fc.uniqueArray(fc.record({ who: person, optional: optional }), {
    maxLength: 3,
    selector: (a) => a.who,
  }),
  reminders: reminderSpec,
  series: fc.option(seriesRule, { nil: null, freq: 3 }),
  link: fc.option(fc.constantFrom(...RECORDS), { nil: null, freq: 2 }),
  conference: fc.oneof(
    { weight: 5, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});

const fieldChange: fc.Arbitrary<FieldChange> = fc.oneof(
  { weight: 3, arbitrary: word.map((w): FieldChange => ({ kind: 'title', word: w })) },
  { weight: 1, arbitrary: note.map((v): FieldChange => ({ kind: 'description', value: v })) },
  { weight: 1, arbitrary: place.map((v): FieldChange => ({ kind: 'location', value: v })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ days: fc.integer({ min: -2, max: 3 }), minutes: fc.constantFrom(-90, -30, 0, 30, 60, 120) })
      .map((m): FieldChange => ({ kind: 'move', ...m })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 8, max: 17 }).map((hour): FieldChange => ({ kind: 'allDay', hour })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...EVENT_ZONES).map((zone): FieldChange => ({ kind: 'zone', zone })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.constant<'useDefault'>('useDefault'), reminderOverrides)
      .map((value): FieldChange => ({ kind: 'reminders', value })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ who: person, optional: optional })
      .map((a): FieldChange => ({ kind: 'addAttendee', ...a })),
  },
  { weight: 2, arbitrary: pick.map((p): FieldChange => ({ kind: 'removeAttendee', pick: p })) },
  {
    weight: 1,
    arbitrary: fc
      .option(seriesRule, { nil: null, freq: 4 })
      .map((rule): FieldChange => ({ kind: 'recurrence', rule })),
  },
  { weight: 1, arbitrary: fc.boolean().map((on): FieldChange => ({ kind: 'conference', on })) },
);

/** One or two changes, at most one of each group (time, guests, the rest by field). */
const changes = fc.uniqueArray(fieldChange, {
  minLength: 1,
  maxLength: 2,
  selector: (c) =>
    c.kind === 'move' || c.kind === 'allDay' || c.kind === 'zone' || c.kind === 'recurrence'
      ? 'time'
      : c.kind === 'addAttendee' || c.kind === 'removeAttendee'
        ? 'guests'
        : c.kind,
});

const scope = fc.constantFrom<Scope>('this', 'this', 'following', 'all');
const occurrenceChange: fc.Arbitrary<OccurrenceChange> = fc.oneof(
  word.map((w): OccurrenceChange => ({ kind: 'title', word: w })),
  fc.constantFrom(-60, 30, 90).map((minutes): OccurrenceChange => ({ kind: 'move', minutes })),
);

const faultSpec: fc.Arbitrary<FaultSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom<429 | 403 | 500 | 503>(429, 429, 403, 500, 503),
      method: fc.constantFrom(...SERVICE_METHODS),
      count: fc.integer({ min: 1, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('hang' as const),
      ms: fc.constantFrom(300, 800, 1500),
      method: fc.constantFrom(...SERVICE_METHODS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('applyThenDrop' as const),
      method: fc.constantFrom(
        'calendar.events.insert' as const,
        'calendar.events.patch' as const,
        'calendar.events.delete' as const,
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('webhook' as const),
      action: fc.constantFrom('drop' as const, 'duplicate' as const, 'reorder' as const, 'delay' as const),
      count: fc.integer({ min: 1, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant<FaultSpec>({ kind: 'expireSyncTokens' }) },
);

function weighted(weight: number, arbitrary: fc.Arbitrary<ModelCommand>) {
  return { weight, arbitrary };
}

/** Every command, weighted: creates and edits most, the rarer lifecycle events least. */
export function commandArbitrary(mix: CommandMix): fc.Arbitrary<ModelCommand> {
  const style = fc.constantFrom<TimeStyle>('instant', 'wallClock', 'alias');
  const arbitraries = [
    weighted(
      8,
      fc.tuple(crmUser, eventSpec, style).map(([u, s, st]) => new CrmCreate(u, s, st)),
    ),
    weighted(
      6,
      fc.tuple(person, eventSpec).map(([p, s]) => new GoogleCreate(p, s)),
    ),
    weighted(
      6,
      fc.tuple(pick, changes).map(([p, c]) => new CrmUpdate(p, c)),
    ),
    weighted(
      6,
      fc.tuple(pick, changes).map(([p, c]) => new GoogleUpdate(p, c)),
    ),
    weighted(
      2,
      fc
        .tuple(pick, fc.option(fc.constantFrom(...RECORDS), { nil: null }))
        .map(([p, r]) => new CrmLink(p, r)),
    ),
    weighted(
      2,
      pick.map((p) => new CrmDelete(p)),
    ),
    weighted(
      2,
      pick.map((p) => new GoogleDelete(p)),
    ),
    weighted(
      2,
      fc.tuple(pick, pick, answer).map(([p, w, a]) => new CrmRsvp(p, w, a)),
    ),
    weighted(
      2,
      fc.tuple(pick, pick, answer).map(([p, w, a]) => new GoogleRsvp(p, w, a)),
    ),
    weighted(
      1,
      fc
        .tuple(pick, pick, fc.option(fc.constantFrom(...RECORDS), { nil: null }))
        .map(([p, w, r]) => new CrmLinkInvitation(p, w, r)),
    ),
    weighted(
      3,
      fc.tuple(pick, pick, scope, occurrenceChange).map(([p, o, s, c]) => new CrmOccurrenceEdit(p, o, s, c)),
    ),
    weighted(
      2,
      fc.tuple(pick, pick, scope).map(([p, o, s]) => new CrmOccurrenceDelete(p, o, s)),
    ),
    weighted(
      3,
      fc
        .tuple(pick, pick, scope, occurrenceChange)
        .map(([p, o, s, c]) => new GoogleOccurrenceEdit(p, o, s, c)),
    ),
    weighted(
      2,
      fc.tuple(pick, pick, scope).map(([p, o, s]) => new GoogleOccurrenceDelete(p, o, s)),
    ),
    weighted(3, fc.constant(new Settle())),
    weighted(
      1,
      fc
        .tuple(crmUser, fc.constantFrom(...(Object.keys(INVALID_CREATES) as InvalidCreateKind[])))
        .map(([u, k]) => new InvalidCreate(u, k)),
    ),
    weighted(
      1,
      fc
        .tuple(pick, fc.constantFrom(...(Object.keys(INVALID_PATCHES) as InvalidPatchKind[])))
        .map(([p, k]) => new InvalidPatch(p, k)),
    ),
  ];
  if (mix.faults)
    arbitraries.push(
      weighted(
        5,
        faultSpec.map((f) => new InjectFault(f)),
      ),
    );
  if (mix.lifecycle) {
    arbitraries.push(
      weighted(
        1,
        crmUser.map((u) => new RevokeGrant(u)),
      ),
      weighted(
        2,
        crmUser.map((u) => new Reconnect(u)),
      ),
      weighted(
        1,
        fc.tuple(crmUser, fc.boolean()).map(([u, p]) => new Disconnect(u, p)),
      ),
      weighted(
        1,
        crmUser.map((u) => new WriteWhileDisconnected(u)),
      ),
      weighted(1, fc.constant(new RestartWorkers())),
    );
  }
  return fc.oneof(...arbitraries);
}
