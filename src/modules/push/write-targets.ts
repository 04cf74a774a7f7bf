import type { Owner } from '../../kernel/refs.js';
import type { Db } from '../../adapters/db/database.js';
import type { CalendarRow, CalendarsRepository } from '../calendars/index.js';
import type { ConnectionRepository, ConnectionRow } from '../connections/index.js';
import type { EventRow } from '../events/index.js';
import type { StoredReminders } from '../../kernel/values.js';
import { NotFoundError } from '../../kernel/errors.js';
import { instanceItemId, localChangesRepository, parseEventItemId } from '../events/index.js';
import {
  CalendarNotConnectedError,
  CalendarReadOnlyError,
  CalendarReauthRequiredError,
  UnknownCalendarError,
} from './events-write.errors.js';
import { expandSeries, type Instance } from '../../kernel/recurrence/recurrence.js';
import { addDays, dateStartInstant, parseTimeValue } from '../../kernel/time.js';
import type { EventsRepository } from '../events/index.js';
import { eventZone } from '../events/index.js';
import { findSeriesMaster } from '../events/index.js';
import { storedDefaultReminders } from '../users/index.js';

/** What a write addresses: a stored event (single, series, occurrence row) or a plain occurrence of a series. */
export type WriteTarget =
  | { kind: 'event'; row: EventRow }
  | {
      kind: 'occurrence';
      master: EventRow;
      /** The occurrence's own row, when it already has one (it was modified or cancelled before). */
      exception: EventRow | null;
      instance: Instance;
    };

const WRITABLE_ROLES = new Set(['owner', 'writer']);

/** Looks up what event writes need: the connection, the calendar, the addressed event. */
export class WriteTargets {
  constructor(
    private readonly db: Db,
    private readonly events: EventsRepository,
    private readonly calendars: Pick<CalendarsRepository, 'findByKey' | 'findPrimary' | 'getById'>,
    private readonly connections: Pick<ConnectionRepository, 'findByOwner'>,
  ) {}

  /** The user's connection, which must be active (else 409 with a code saying what to do). */
  async activeConnection(owner: Owner): Promise<ConnectionRow> {
    const connection = await this.connections.findByOwner(owner);
    if (connection === undefined || connection.status === 'disconnected')
      throw new CalendarNotConnectedError();
    if (connection.status === 'reauth_required') throw new CalendarReauthRequiredError();
    return connection;
  }

  /**
   * A calendar of the connection the user may write to: 'primary', a CRM calendar id, or a Google
   * calendar id. 400 invalid_calendar when it is not the user's, 403 calendar_read_only without write access.
   */
  async writableCalendar(owner: Owner, connectionId: string, key: string): Promise<CalendarRow> {
    const calendar = await this.calendars.findByKey(owner, connectionId, key);
    if (calendar === undefined) throw new UnknownCalendarError(key);
    assertWritable(calendar, key);
    return calendar;
  }

  /** The connection's primary calendar, if listed yet. */
  async primaryCalendar(owner: Owner, connectionId: string): Promise<CalendarRow | undefined> {
    return this.calendars.findPrimary(owner, connectionId);
  }

  /** The calendar of an existing event, which must still be writable. */
  async calendarOf(row: EventRow): Promise<CalendarRow> {
    const calendar = await this.calendars.getById(row.calendar_id);
    assertWritable(calendar, calendar.google_calendar_id);
    return calendar;
  }

  /** The user's own default reminders, if set. */
  async defaultReminders(owner: Owner): Promise<StoredReminders['overrides'] | undefined> {
    return (await storedDefaultReminders(this.db, owner)) ?? undefined;
  }

  /** The event or occurrence an API id names, among the user's live events; 404 otherwise. */
  async resolve(owner: Owner, apiId: string): Promise<WriteTarget> {
    const parsed = parseEventItemId(apiId);
    if (parsed === null) throw notFound(apiId);
    if (parsed.kind === 'row') {
      const row = await this.findRow(owner, parsed.rowId);
      if (row === undefined) throw notFound(apiId);
      if (row.recurring_event_id === null) return { kind: 'event', row };
      const master = await findSeriesMaster(this.db, row);
      if (master === undefined) return { kind: 'event', row };
      return { kind: 'occurrence', master, exception: row, instance: exceptionInstance(master, row) };
    }
    const master = await this.findRow(owner, parsed.masterRowId);
    if (master === undefined || master.recurrence === null) throw notFound(apiId);
    if (master.google_etag === null) {
      // Its occurrences exist once Google has the series: no occurrence row is made before (it
      // would be pushed on its own, and fail, if Google never takes the series).
      throw new NotFoundError(
        `No event ${apiId}: the series is not in Google Calendar yet, so its occurrences cannot be changed on their own; change or delete the whole series (${master.id})`,
      );
    }
    const exception = await localChangesRepository.liveRowByGoogleId(
      this.db,
      master.calendar_id,
      parsed.instanceGoogleId,
    );
    if (exception !== undefined) {
      if (exception.status === 'cancelled') throw notFound(apiId);
      return { kind: 'occurrence', master, exception, instance: exceptionInstance(master, exception) };
    }
    const instance = plainOccurrence(master, parsed.instanceGoogleId);
    if (instance === undefined) throw notFound(apiId);
    return { kind: 'occurrence', master, exception: null, instance };
  }

  /** The API id of a stored row: its uuid, or `<series id>:<occurrence id>` for an occurrence row. */
  async itemIdOf(row: EventRow): Promise<string> {
    if (row.recurring_event_id === null) return row.id;
    const master = await findSeriesMaster(this.db, row);
    return master === undefined ? row.id : instanceItemId(master.id, row.google_event_id);
  }

  private async findRow(owner: Owner, id: string): Promise<EventRow | undefined> {
    const row = await this.events.findById(owner, id);
    return row?.status === 'cancelled' ? undefined : row;
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No event ${id}`);
}

function assertWritable(calendar: CalendarRow, key: string): void {
  if (calendar.access_role !== null && !WRITABLE_ROLES.has(calendar.access_role)) {
    throw new CalendarReadOnlyError(key);
  }
}

/** The occurrence an exception row stands for, at the exception's own times. */
function exceptionInstance(master: EventRow, row: EventRow): Instance {
  return {
    id: row.google_event_id,
    recurringEventId: master.google_event_id,
    originalStartAt: row.original_start_at,
    originalStartDate: row.original_start_date,
    allDay: row.all_day,
    startAt: row.start_at,
    endAt: row.end_at,
    startDate: row.start_date,
    endDate: row.end_date,
    exception: null,
  };
}

/** The plain occurrence `<master id>_<original start>` of a series, if the series has it. */
export function plainOccurrence(master: EventRow, instanceId: string): Instance | undefined {
  const prefix = `${master.google_event_id}_`;
  if (!instanceId.startsWith(prefix)) return undefined;
  const suffix = instanceId.slice(prefix.length);
  const compact = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(suffix);
  if (compact === null) return undefined;
  const [, y, mo, d, h, mi, s] = compact;
  const zone = eventZone(master, null);
  const parsed = parseTimeValue(h === undefined ? `${y}-${mo}-${d}` : `${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  if (parsed === null || parsed.kind === 'wall') return undefined;
  const from = parsed.kind === 'date' ? dateStartInstant(parsed.date, zone) : parsed.instant;
  const to =
    parsed.kind === 'date'
      ? dateStartInstant(addDays(parsed.date, 1), zone)
      : new Date(parsed.instant.getTime() + 1);
  const instances = expandSeries(master, [], { from, to }, { maxInstances: 50 });
  return instances.find((instance) => instance.id === instanceId);
}
