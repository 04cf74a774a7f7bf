import type { GoogleEvent } from '../../../adapters/google/types.js';
import { googleEventToRow, type MappedEventRow, type MappingContext } from './from-google.js';

/** Fixtures of the event-mapping tests: a calendar context and a timed Google event to vary. */

export const TENANT = 'acme';

export const ctx: MappingContext = {
  tenantId: TENANT,
  userId: 'alice',
  calendarId: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
  calendarTimeZone: 'America/Sao_Paulo',
};

/** Overrides may set a field to undefined to remove it from the base event. */
type EventOverrides = {
  [K in keyof GoogleEvent]?: GoogleEvent[K] | undefined;
};

/** A confirmed one-hour New York meeting organized by alice, with `overrides` applied. */
export function event(overrides: EventOverrides = {}): GoogleEvent {
  return {
    id: 'evt1',
    etag: '"3181161784712000"',
    status: 'confirmed',
    summary: 'Quarterly review',
    iCalUID: 'evt1@google.com',
    updated: '2026-11-20T10:11:12.345Z',
    sequence: 2,
    htmlLink: 'https://www.google.com/calendar/event?eid=ZXZ0MQ',
    organizer: { email: 'alice@example.com', self: true },
    start: { dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'America/New_York' },
    end: { dateTime: '2026-12-07T10:00:00-05:00', timeZone: 'America/New_York' },
    ...overrides,
  } as GoogleEvent;
}

/** The row `event(overrides)` maps to; fails when the mapping does not upsert. */
export function row(overrides: EventOverrides = {}, context: MappingContext = ctx): MappedEventRow {
  const mapped = googleEventToRow(event(overrides), context);
  if (mapped.action !== 'upsert') throw new Error('expected an upsert');
  return mapped.row;
}
