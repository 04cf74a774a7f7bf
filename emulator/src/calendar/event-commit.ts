import { googleErrors } from '../errors.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { StoredEvent } from '../state/types.js';
import { etagOf } from './event-render.js';
import { eventTypeOf } from './event-types.js';
import type { SendUpdates } from './notifications.js';

/** How one write was asked for: whom Google emails, conference data support, If-Match. */
export interface WriteOptions {
  sendUpdates: SendUpdates;
  conferenceDataVersion: number;
  ifMatch?: string | undefined;
  /** The admin API: may create what clients cannot (`fromGmail` events, any birthday). */
  trusted?: boolean;
}

/**
 * Stores a new version of an event: takes the next global change number, stamps `updated`, and
 * tells push channels the calendar changed. Every event write goes through here.
 */
export function commitEvent(
  state: EmulatorState,
  calendar: CalendarRecord,
  event: StoredEvent,
  nowMs: number = state.now(),
): StoredEvent {
  const version: StoredEvent = {
    ...event,
    calendarId: calendar.meta.id,
    seq: state.nextSeq(),
    updatedMs: nowMs,
  };
  calendar.store.put(version);
  state.markChanged(calendar.meta.id, eventTypeOf(version.data));
  return version;
}

/** `If-Match` precondition: a stale etag answers 412 `conditionNotMet`. */
export function checkIfMatch(ifMatch: string | undefined, event: StoredEvent): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const unquote = (v: string): string =>
    v
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
  const current = unquote(etagOf(event));
  const accepted = ifMatch.split(',').map(unquote);
  if (!accepted.includes(current)) throw googleErrors.conditionNotMet();
}
