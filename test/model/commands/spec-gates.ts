import { allDaySeriesWithGuests } from '../findings.js';
import type { Model } from '../model.js';
import type { EventSpec } from './base.js';

/** Whether a generated event may be created, given the gates of known defects and open findings. */
export function allowedSpec(m: Readonly<Model>, spec: EventSpec): boolean {
  const attendees = Object.fromEntries(
    spec.attendees.map((a) => [a.who, { optional: a.optional, response: null }]),
  );
  if (
    !m.gates.openFindings &&
    allDaySeriesWithGuests({
      series: spec.series,
      timing: { allDay: spec.timing.allDay, start: '', end: '', zone: '' },
      attendees,
    })
  ) {
    return false;
  }
  return true;
}
