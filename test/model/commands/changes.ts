import {
  attendeesOf,
  hasExceptions,
  hasModifiedExceptions,
  type Model,
  type ModelEvent,
  type Person,
} from '../model.js';
import { changedTiming, reminders, retitle, touchesTime, type FieldChange } from './base.js';

/** Field changes made by the organizer, on either side: when they apply, and what they do to the model. */

const MAX_ATTENDEES = 3;

/** Whether the change can be made to the event now (it changes something and the model can follow it). */
export function applicable(m: Readonly<Model>, e: ModelEvent, change: FieldChange): boolean {
  switch (change.kind) {
    case 'addAttendee':
      return (
        e.attendees[change.who] === undefined &&
        // The organizer among the attendees: known defect #8 item 6 (organizer answers).
        (change.who !== e.organizer || m.gates.knownDefects) &&
        attendeesOf(e).length < MAX_ATTENDEES
      );
    case 'removeAttendee':
      return attendeesOf(e).length > 0;
    case 'zone':
      return change.zone !== e.timing.zone;
    case 'recurrence':
      return change.rule !== null || e.series !== null;
    case 'conference':
      return change.on !== e.conference;
    case 'description':
      return change.value !== e.description;
    case 'location':
      return change.value !== e.location;
    default:
      return true;
  }
}

/**
 * The changes that apply, each judged on the event as the changes before it left it (so that two
 * changes of one command cannot together make what neither may make alone).
 */
export function plannedChanges(
  m: Readonly<Model>,
  e: ModelEvent,
  changes: readonly FieldChange[],
): FieldChange[] {
  const next = structuredClone(e);
  const planned: FieldChange[] = [];
  for (const change of changes) {
    if (!applicable(m, next, change)) continue;
    applyChange(next, change, removedAttendee(next, change));
    planned.push(change);
  }
  return planned;
}

/**
 * Whether the whole series may take the changes: a new time, zone or all-day flag only without
 * exceptions (Google does not say what becomes of them), other fields only without modified ones
 * (whether an exception follows a later series change is not documented either).
 */
export function seriesAllows(e: ModelEvent, changes: readonly FieldChange[]): boolean {
  if (e.series === null) return true;
  if (changes.some(touchesTime)) return !hasExceptions(e);
  return !hasModifiedExceptions(e);
}

/** The attendee a removal takes away. */
export function removedAttendee(e: ModelEvent, change: FieldChange): Person | undefined {
  if (change.kind !== 'removeAttendee') return undefined;
  const list = attendeesOf(e);
  return list[change.pick % list.length];
}

/** Applies one change to the model event (call after reading `removedAttendee`). */
export function applyChange(e: ModelEvent, change: FieldChange, removed: Person | undefined): void {
  switch (change.kind) {
    case 'title':
      e.title = retitle(e.title, change.word);
      return;
    case 'description':
      e.description = change.value;
      return;
    case 'location':
      e.location = change.value;
      return;
    case 'reminders':
      e.reminders = reminders(change.value, e.reminders);
      return;
    case 'addAttendee':
      e.attendees[change.who] = { optional: change.optional, response: 'needsAction' };
      return;
    case 'removeAttendee':
      if (removed !== undefined) delete e.attendees[removed];
      return;
    case 'recurrence':
      e.series = change.rule === null ? null : { ...change.rule };
      return;
    case 'conference':
      e.conference = change.on;
      return;
    default:
      e.timing = changedTiming(e.timing, change);
  }
}
