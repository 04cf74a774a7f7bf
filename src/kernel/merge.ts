import {
  OPTION_DEFAULTS,
  isOptionField,
  optionValue,
  setOption,
  type EventTime,
  type MergeFields,
  type SnapshotAttendee,
  type SnapshotReminders,
} from './event-snapshot.js';

export type { MergeFields, SnapshotAttendee } from './event-snapshot.js';

/**
 * Three-way merge of one event, field by field, against the last synced snapshot (the base).
 * A field changed on one side only takes that side's value; changed on both sides to different
 * values, the later change wins and the overwrite is recorded as a Conflict. Special cases:
 * - start and end move as a pair, so a merge never combines one side's start with the other's end;
 * - attendees merge per person (keyed by lower-cased email): one side's additions and removals do
 *   not undo the other's; other people's responses come from Google, which is where they answer;
 *   the user's own response follows the side that changed it.
 */

export type MergeField = keyof MergeFields;

export interface Conflict {
  field: MergeField;
  local: unknown;
  remote: unknown;
  winner: 'local' | 'remote';
}

interface MergeInput {
  /** The last synced snapshot; null when unknown (every difference is then a conflict). */
  base: MergeFields | null;
  local: MergeFields;
  remote: MergeFields;
  /** When the CRM-side change was made. */
  localChangedAt: Date;
  /** Google's `updated` of the remote version; null counts as older than any local change. */
  remoteUpdatedAt: Date | null;
}

interface MergeResult {
  merged: MergeFields;
  conflicts: Conflict[];
  /** Fields where the merged value differs from Google's: what the retried write must send. */
  changedForRemote: MergeField[];
  /** Fields where the merged value differs from the CRM's copy: what the CRM row must take. */
  changedForLocal: MergeField[];
}

export const MERGE_FIELDS: readonly MergeField[] = [
  'summary',
  'description',
  'location',
  'start',
  'end',
  'attendees',
  'reminders',
  'recurrence',
  'conference',
  'status',
  'visibility',
  'transparency',
  'guestsCanModify',
  'guestsCanInviteOthers',
  'guestsCanSeeOtherGuests',
];

/** A merge field's value, with Google's default for an optional field left out. */
function valueOf(fields: MergeFields, field: MergeField): unknown {
  return isOptionField(field) ? optionValue(fields, field) : fields[field];
}

const instantOf = (t: { dateTime: string }) => new Date(t.dateTime).getTime();

/**
 * Starts and ends compare as instants (dates for all-day events), not as strings, and with their
 * time zones when both sides name one: a new zone for the same instants is a change (it decides
 * where a recurring event's occurrences fall and how Google shows the meeting), while a side that
 * names no zone (an offset-only time) does not differ from one that does.
 */
export function eventTimesEqual(a: EventTime | null, b: EventTime | null): boolean {
  if (a === null || b === null) return a === b;
  if ('date' in a || 'date' in b) return 'date' in a && 'date' in b && a.date === b.date;
  if (a.timeZone !== null && b.timeZone !== null && a.timeZone !== b.timeZone) return false;
  return instantOf(a) === instantOf(b);
}

function attendeeKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Same people with the same name, optional flag and response (order and email case ignored). */
export function attendeesEqual(a: readonly SnapshotAttendee[], b: readonly SnapshotAttendee[]): boolean {
  const index = new Map(a.map((x) => [attendeeKey(x.email), x]));
  if (index.size !== new Set(b.map((x) => attendeeKey(x.email))).size) return false;
  return b.every((y) => {
    const x = index.get(attendeeKey(y.email));
    return (
      x !== undefined &&
      x.name === y.name &&
      x.optional === y.optional &&
      x.responseStatus === y.responseStatus
    );
  });
}

function remindersEqual(a: SnapshotReminders | null, b: SnapshotReminders | null): boolean {
  if (a === null || b === null) return a === b;
  const list = (r: SnapshotReminders) =>
    r.overrides
      .map((o) => `${o.method}:${o.minutes}`)
      .sort()
      .join(',');
  return a.useDefault === b.useDefault && list(a) === list(b);
}

function recurrenceEqual(a: readonly string[] | null, b: readonly string[] | null): boolean {
  const norm = (lines: readonly string[] | null) =>
    (lines ?? [])
      .map((l) => l.trim())
      .sort()
      .join('\n');
  return norm(a) === norm(b);
}

/** Value equality of one merge field. */
export function fieldEqual<F extends MergeField>(field: F, a: MergeFields[F], b: MergeFields[F]): boolean {
  switch (field) {
    case 'start':
    case 'end':
      return eventTimesEqual(a as EventTime | null, b as EventTime | null);
    case 'attendees':
      return attendeesEqual(a as SnapshotAttendee[], b as SnapshotAttendee[]);
    case 'reminders':
      return remindersEqual(a as SnapshotReminders | null, b as SnapshotReminders | null);
    case 'recurrence':
      return recurrenceEqual(a as string[] | null, b as string[] | null);
    default:
      return isOptionField(field)
        ? ((a ?? OPTION_DEFAULTS[field]) as unknown) === ((b ?? OPTION_DEFAULTS[field]) as unknown)
        : a === b;
  }
}

/** Three-way choice of one value; `base` undefined means "no base". */
function choose<T>(
  base: T | undefined,
  local: T,
  remote: T,
  equal: (a: T, b: T) => boolean,
  winner: 'local' | 'remote',
): { value: T; conflict: boolean } {
  if (base !== undefined && equal(base, local)) return { value: remote, conflict: false };
  if (base !== undefined && equal(base, remote)) return { value: local, conflict: false };
  if (equal(local, remote)) return { value: remote, conflict: false };
  return { value: winner === 'local' ? local : remote, conflict: true };
}

function mergeAttendees(
  base: readonly SnapshotAttendee[] | null,
  local: readonly SnapshotAttendee[],
  remote: readonly SnapshotAttendee[],
  winner: 'local' | 'remote',
  conflicts: Conflict[],
): SnapshotAttendee[] {
  const byKey = (list: readonly SnapshotAttendee[] | null) =>
    new Map((list ?? []).map((a) => [attendeeKey(a.email), a]));
  const [b, l, r] = [byKey(base), byKey(local), byKey(remote)];
  const keys = [...new Set([...r.keys(), ...l.keys()])];
  const merged: SnapshotAttendee[] = [];
  for (const key of keys) {
    const [ba, la, ra] = [b.get(key), l.get(key), r.get(key)];
    // Membership: a side that did not add or remove this person defers to the other side.
    const inBase = base !== null && ba !== undefined;
    const present = (la !== undefined) === inBase ? ra !== undefined : la !== undefined;
    if (!present) continue;
    if (la === undefined || ra === undefined) {
      merged.push((la ?? ra) as SnapshotAttendee);
      continue;
    }
    const self = la.self || ra.self || ba?.self === true;
    const organizer = la.organizer === true || ra.organizer === true;
    const same = <T>(x: T, y: T) => x === y;
    const name = choose(ba?.name, la.name, ra.name, same, winner);
    const optional = choose(ba?.optional, la.optional, ra.optional, same, winner);
    // Only the user answers for themselves; everyone else's answer reaches the CRM through Google.
    const response = self
      ? choose(ba?.responseStatus, la.responseStatus, ra.responseStatus, same, winner)
      : { value: ra.responseStatus, conflict: false };
    if (name.conflict || optional.conflict || response.conflict) {
      conflicts.push({ field: 'attendees', local: la, remote: ra, winner });
    }
    merged.push({
      email: ra.email,
      name: name.value,
      optional: optional.value,
      responseStatus: response.value,
      self,
      ...(organizer ? { organizer: true as const } : {}),
    });
  }
  return merged;
}

interface TimePair {
  start: EventTime | null;
  end: EventTime | null;
}
type TimedPair = { start: TimedEventTime; end: TimedEventTime };
type TimedEventTime = Extract<EventTime, { dateTime: string }>;

function timedPair(p: TimePair): TimedPair | null {
  const { start, end } = p;
  if (start === null || end === null || 'date' in start || 'date' in end) return null;
  return { start, end };
}

const sameZone = (a: TimedEventTime, b: TimedEventTime) =>
  a.timeZone === null || b.timeZone === null || a.timeZone === b.timeZone;

/**
 * A timed meeting's times say two things: when it is (the instants) and the zone it is shown and
 * repeated in. When one side changed only the zone and the other only the instants, both changes
 * stand (the other side's instants in this side's zone) instead of one overwriting the other.
 */
function composeTimes(base: TimePair, local: TimePair, remote: TimePair): TimePair | null {
  const [b, l, r] = [timedPair(base), timedPair(local), timedPair(remote)];
  if (b === null || l === null || r === null) return null;
  const sameInstants = (x: TimedPair, y: TimedPair) =>
    instantOf(x.start) === instantOf(y.start) && instantOf(x.end) === instantOf(y.end);
  const sameZones = (x: TimedPair, y: TimedPair) => sameZone(x.start, y.start) && sameZone(x.end, y.end);
  const zoneOnly = (x: TimedPair) => sameInstants(x, b) && !sameZones(x, b);
  const instantsOnly = (x: TimedPair) => sameZones(x, b) && !sameInstants(x, b);
  const inZonesOf = (when: TimedPair, zones: TimedPair): TimePair => ({
    start: { ...when.start, timeZone: zones.start.timeZone },
    end: { ...when.end, timeZone: zones.end.timeZone },
  });
  if (zoneOnly(l) && instantsOnly(r)) return inZonesOf(r, l);
  if (zoneOnly(r) && instantsOnly(l)) return inZonesOf(l, r);
  return null;
}

/** What a CRM patch sent: the fields it wrote (`keys`) with their values. */
export interface SentPatch {
  keys: readonly MergeField[];
  fields: MergeFields;
}

/**
 * The merge base after a CRM write whose outcome is unknown (its answer was lost, so it may have
 * landed): each field it sent that Google now holds exactly as sent counts as the CRM's own write,
 * not as a change made in Google.
 */
export function baseWithOwnWrite(base: MergeFields, remote: MergeFields, sent: SentPatch): MergeFields {
  const next: Record<string, unknown> = { ...base };
  for (const field of sent.keys) {
    if (fieldEqual(field, remote[field], sent.fields[field])) next[field] = sent.fields[field];
  }
  return next as MergeFields;
}

/** Merges the CRM's and Google's versions of an event against their common base. */
export function mergeEvent(input: MergeInput): MergeResult {
  const { base, local, remote } = input;
  // On an exact tie the remote value stays: it is already what every attendee sees.
  const winner =
    input.localChangedAt.getTime() > (input.remoteUpdatedAt?.getTime() ?? -Infinity) ? 'local' : 'remote';
  const conflicts: Conflict[] = [];
  const merged: MergeFields = { ...remote };

  for (const field of MERGE_FIELDS) {
    if (field === 'start' || field === 'end' || field === 'attendees') continue;
    const equal = (a: unknown, b: unknown) => fieldEqual(field, a as never, b as never);
    const [l, r] = [valueOf(local, field), valueOf(remote, field)];
    const choice = choose(base === null ? undefined : valueOf(base, field), l, r, equal, winner);
    if (isOptionField(field)) setOption(merged, field, choice.value as MergeFields[typeof field]);
    else (merged as Record<MergeField, unknown>)[field] = choice.value;
    if (choice.conflict) conflicts.push({ field, local: l, remote: r, winner });
  }

  const pair = (f: MergeFields) => ({ start: f.start, end: f.end });
  const pairEqual = (a: ReturnType<typeof pair>, b: ReturnType<typeof pair>) =>
    eventTimesEqual(a.start, b.start) && eventTimesEqual(a.end, b.end);
  const composed = base === null ? null : composeTimes(pair(base), pair(local), pair(remote));
  const times =
    composed !== null
      ? { value: composed, conflict: false }
      : choose(base === null ? undefined : pair(base), pair(local), pair(remote), pairEqual, winner);
  merged.start = times.value.start;
  merged.end = times.value.end;
  if (times.conflict) {
    for (const field of ['start', 'end'] as const) {
      if (!eventTimesEqual(local[field], remote[field])) {
        conflicts.push({ field, local: local[field], remote: remote[field], winner });
      }
    }
  }

  merged.attendees = mergeAttendees(
    base?.attendees ?? null,
    local.attendees,
    remote.attendees,
    winner,
    conflicts,
  );

  const differing = (other: MergeFields) =>
    MERGE_FIELDS.filter((field) => !fieldEqual(field, merged[field], other[field]));
  return { merged, conflicts, changedForRemote: differing(remote), changedForLocal: differing(local) };
}
