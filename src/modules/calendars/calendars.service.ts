import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { ConnectionRef, Owner } from '../../kernel/refs.js';
import type { ActivityService } from '../crm/index.js';
import type { Db } from '../../adapters/db/database.js';
import type { CalendarRow } from '../../adapters/db/tables/calendars.js';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../kernel/errors.js';
import type { CalendarApi } from '../../adapters/google/calendar-api.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import { calendarEventsRepository } from '../events/index.js';
import { FREE_BUSY_ONLY_ROLE, connectionOf, refOf } from './calendar-scope.js';
import { calendarListEntryOf } from './calendar-list-entry.js';
import type { CalendarsRepository } from './calendars.repository.js';
import type { PushChannelService } from './push-channels/push-channel.service.js';
import { enqueuePull } from './enqueue-pull.js';
import type { CalendarRef } from '../../kernel/refs.js';

interface CalendarsServiceDeps {
  db: Db;
  calendars: CalendarsRepository;
  /** Meeting activities of the events of a calendar that left Google are cancelled. */
  activities: ActivityService;
  api: CalendarApi;
  channels: PushChannelService;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** The owner's connection and whether it is active. */
  findConnection: (owner: Owner) => Promise<{ ref: ConnectionRef; active: boolean } | undefined>;
}

/** 409: the calendar is shared with the user as free/busy only, so its events cannot be synced. */
class CalendarFreeBusyOnlyError extends ConflictError {
  override readonly code: string = 'calendar_free_busy_only';
  constructor(calendarId: string) {
    super(`Calendar ${calendarId} is shared with you as free/busy only: its events cannot be synced`);
  }
}

/** What selecting or deselecting did. */
interface SelectionResult {
  calendar: CalendarRow;
  /** Events removed from the CRM by a deselect. */
  eventsDeleted: number;
  /** A pull was queued (select). */
  pullQueued: boolean;
}

/**
 * The user's Google calendars and which of them sync. The primary calendar syncs by default;
 * selecting a calendar opens its push channel and pulls it; deselecting stops its channel and
 * removes its events from the CRM.
 */
export class CalendarsService {
  constructor(private readonly deps: CalendarsServiceDeps) {}

  async list(owner: Owner): Promise<CalendarRow[]> {
    return this.deps.calendars.listForOwner(owner);
  }

  /** Selected calendars of every active connection, in id order after `after` (the scheduled pulls). */
  async selectedOfActiveConnections(after: string | null, limit: number): Promise<CalendarRow[]> {
    return this.deps.calendars.selectedOfActiveConnections(after, limit);
  }

  /** The selected calendars of the owner's active connection; PreconditionFailedError without one. */
  async selectedForSync(owner: Owner): Promise<CalendarRow[]> {
    return this.deps.calendars.listForConnection(await this.activeConnection(owner), { selectedOnly: true });
  }

  /** Reads the owner's calendar list from Google again; PreconditionFailedError without an active connection. */
  async refresh(owner: Owner): Promise<CalendarRow[]> {
    const connection = await this.activeConnection(owner);
    return this.refreshCalendarList(connection);
  }

  private async activeConnection(owner: Owner): Promise<ConnectionRef> {
    const connection = await this.deps.findConnection(owner);
    if (connection === undefined) throw new PreconditionFailedError('Google Calendar is not connected');
    if (!connection.active) {
      throw new PreconditionFailedError(
        'The Google Calendar connection needs to be reconnected before it can sync',
      );
    }
    return connection.ref;
  }

  /**
   * The first sync of a connection (after every consent): reads the calendar list, stores it,
   * opens a push channel on every selected calendar and queues their pulls.
   */
  async initialSync(connection: ConnectionRef): Promise<{ calendars: number; selected: number }> {
    const rows = await this.refreshCalendarList(connection);
    const selected = rows.filter((row) => row.selected);
    for (const calendar of selected) {
      await this.openChannelQuietly(calendar);
      await enqueuePull(this.deps.queue, refOf(calendar), 'initial');
    }
    this.deps.logger.info(
      { connectionId: connection.id, calendars: rows.length, selected: selected.length },
      'Initial sync started',
    );
    return { calendars: rows.length, selected: selected.length };
  }

  /**
   * Stores the user's calendar list (`calendarList.list`, every page). Calendars that left the
   * list are removed (`removeCalendar`); selected calendars now shared as free/busy only are
   * deselected (`deselectFreeBusyOnly`).
   */
  async refreshCalendarList(connection: ConnectionRef): Promise<CalendarRow[]> {
    const entries = (await this.deps.api.listCalendars(connection)).flatMap((entry) => {
      const stored = calendarListEntryOf(entry);
      return stored === undefined ? [] : [stored];
    });
    const rows = await this.deselectFreeBusyOnly(
      await this.deps.calendars.upsertList(connection, entries, this.deps.clock.now()),
    );
    const gone = await this.deps.calendars.notIn(
      connection,
      entries.map((entry) => entry.googleCalendarId),
    );
    for (const calendar of gone) {
      const eventsDeleted = await this.removeCalendar(calendar);
      this.deps.logger.info(
        { calendarId: calendar.id, eventsDeleted },
        'Calendar left the Google calendar list; removed',
      );
    }
    return rows;
  }

  /**
   * A selected calendar whose sharing became free/busy only can no longer be pulled, and Google
   * refuses channels on it: it is deselected as the user would (channel stopped, events removed).
   * Returns the rows as they now are.
   */
  private async deselectFreeBusyOnly(rows: CalendarRow[]): Promise<CalendarRow[]> {
    const now = this.deps.clock.now();
    const result: CalendarRow[] = [];
    for (const row of rows) {
      if (!row.selected || row.access_role !== FREE_BUSY_ONLY_ROLE) {
        result.push(row);
        continue;
      }
      // The calendar list was just read with this connection, so it is active.
      await this.deps.channels.close(row, { connectionActive: true });
      const deselected = await this.deselect(refOf(row), now);
      if (deselected === undefined) continue;
      this.deps.logger.info(
        { calendarId: row.id, eventsDeleted: deselected.eventsDeleted },
        'Calendar is now shared as free/busy only; deselected',
      );
      result.push(deselected.calendar);
    }
    return result;
  }

  /**
   * Google answered a pull of the calendar with 404 or 410 `deleted`: the calendar was deleted or
   * the user lost access to it. The calendar list decides (a transient answer leaves the calendar
   * listed); reading it again removes every calendar that left it. True when this one is gone.
   */
  async confirmGone(calendar: CalendarRow): Promise<boolean> {
    await this.refreshCalendarList(connectionOf(calendar));
    return (await this.deps.calendars.find(refOf(calendar))) === undefined;
  }

  /**
   * Takes a calendar that is no longer in Google out of the CRM: its channel is stopped (best
   * effort), the meetings of its linked events are cancelled, and its events and row are deleted,
   * in one transaction. Returns how many events were removed.
   */
  private async removeCalendar(calendar: CalendarRow): Promise<number> {
    const { db, calendars, activities, channels } = this.deps;
    await channels.close(calendar, { connectionActive: true });
    const ref = refOf(calendar);
    return db.transaction().execute(async (trx) => {
      await activities.cancelMeetings(await calendarEventsRepository.rowsOf(trx, ref), trx);
      const eventsDeleted = await calendarEventsRepository.deleteOf(trx, ref);
      await calendars.delete(trx, ref);
      return eventsDeleted;
    });
  }

  /**
   * Selects (channel opened, pull queued) or deselects (channel stopped, events removed) a calendar.
   * A calendar seen as free/busy only cannot be selected (CalendarFreeBusyOnlyError).
   */
  async setSelected(ref: CalendarRef, selected: boolean): Promise<SelectionResult> {
    const current = await this.deps.calendars.find(ref);
    if (current === undefined) throw new NotFoundError(`No calendar ${ref.calendarId}`);
    const connection = await this.deps.findConnection(ref);
    const active = connection?.active === true && connection.ref.id === current.connection_id;
    const now = this.deps.clock.now();
    if (!selected) {
      await this.deps.channels.close(current, { connectionActive: active });
      const result = await this.deselect(ref, now);
      if (result === undefined) throw new NotFoundError(`No calendar ${ref.calendarId}`);
      this.deps.logger.info({ ...ref, eventsDeleted: result.eventsDeleted }, 'Calendar deselected');
      return { ...result, pullQueued: false };
    }
    if (current.access_role === FREE_BUSY_ONLY_ROLE) throw new CalendarFreeBusyOnlyError(ref.calendarId);
    const calendar = await this.deps.calendars.select(ref, now);
    if (calendar === undefined) throw new NotFoundError(`No calendar ${ref.calendarId}`);
    if (!active) return { calendar, eventsDeleted: 0, pullQueued: false };
    if (calendar.channel_id === null) await this.openChannelQuietly(calendar);
    const pullQueued = await enqueuePull(this.deps.queue, ref, 'select');
    this.deps.logger.info({ ...ref }, 'Calendar selected');
    return { calendar: (await this.deps.calendars.find(ref)) ?? calendar, eventsDeleted: 0, pullQueued };
  }

  /**
   * Deselects the calendar and removes its events from the CRM in one transaction; CRM
   * activities stay (their event link is cleared), since the meetings still exist in Google.
   */
  private async deselect(ref: CalendarRef, now: Date) {
    const { db, calendars } = this.deps;
    return db.transaction().execute(async (trx) => {
      const calendar = await calendars.deselect(trx, ref, now);
      if (calendar === undefined) return undefined;
      return { calendar, eventsDeleted: await calendarEventsRepository.deleteOf(trx, ref) };
    });
  }

  /** A missing channel is not fatal: the renewal job opens it later and the schedule covers the gap. */
  private async openChannelQuietly(calendar: CalendarRow): Promise<void> {
    try {
      await this.deps.channels.open(calendar);
    } catch (error) {
      this.deps.logger.warn(
        { calendarId: calendar.id, error: error instanceof Error ? error.message : String(error) },
        'Could not open a push channel; the renewal job retries it',
      );
    }
  }
}
