import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Clock } from '../../adapters/clock.js';
import type { Owner } from '../../kernel/refs.js';
import type { ActivityService } from '../crm/index.js';
import type { Db } from '../../adapters/db/database.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow } from '../events/index.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import { NotFoundError } from '../../kernel/errors.js';
import {
  applyEventPatch,
  EventInputError,
  parseCreateEventInput,
  parseUpdateEventInput,
  type InputOptions,
  type UpdateEventInput,
} from '../../kernel/event-input/event-input.js';
import { NotInvitedError, NotOrganizerError, OccurrenceRequiredError } from './events-write.errors.js';
import { eventZone, localChangesRepository, rowToEventFields } from '../events/index.js';
import { newEventValues, type LocalEventChanges } from './local-changes.js';
import { patchOptions, type SeriesWrites } from './series-writes.js';
import type { SendUpdates } from '../../kernel/values.js';
import { isFirstOccurrence } from './series-split.js';
import type { WriteTarget, WriteTargets } from './write-targets.js';
import { deleteOptions, type DeleteOptions } from '../../kernel/event-input/delete-options.js';
import { checkChangeForEventType } from '../../kernel/event-input/event-type-fields.js';

interface EventsWriteDeps {
  db: Db;
  queue: JobQueue;
  clock: Clock;
  targets: WriteTargets;
  changes: LocalEventChanges;
  series: SeriesWrites;
  activities: ActivityService;
}

type RsvpResponse = 'accepted' | 'declined' | 'tentative';

const WAIT_POLL_MS = 100;

/** `calendar_id` from a create body before it is validated (it picks the default time zone). */
function calendarKeyOf(body: unknown): string {
  const value =
    typeof body === 'object' && body !== null ? (body as { calendar_id?: unknown }).calendar_id : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : 'primary';
}

/**
 * The CRM's writes to calendar events: create, change (with recurring scopes), delete and RSVP.
 * Each commits the local change, the meeting activity, the reminders and the push job in one
 * transaction and returns at once; the push worker brings the change to Google.
 */
export class EventsWriteService {
  constructor(private readonly deps: EventsWriteDeps) {}

  async create(owner: Owner, body: unknown): Promise<EventRow> {
    const { targets, clock, changes, activities } = this.deps;
    const connection = await targets.activeConnection(owner);
    const calendar = await targets.writableCalendar(owner, connection.id, calendarKeyOf(body));
    const input = parseCreateEventInput(
      body,
      await this.inputOptions(owner, eventZone({ time_zone: null }, calendar.time_zone)),
    );
    const now = clock.now();
    return this.commit(async (trx) => {
      if (input.entity !== null)
        await activities.assertEntityExists(owner.tenantId, input.entity.type, input.entity.id, trx);
      return changes.insert(
        trx,
        newEventValues({
          id: randomUUID(),
          ...owner,
          calendarId: calendar.id,
          connection,
          fields: input,
          conference: input.conference,
          sendUpdates: input.sendUpdates,
          now,
        }),
      );
    });
  }

  /**
   * Changes an event the user organizes. On an invitation only the CRM link may change: it stays
   * in the CRM (Google's copy is the organizer's), so the scope may not split the series.
   */
  async update(owner: Owner, apiId: string, body: unknown): Promise<EventRow> {
    const { target, zone, organizer } = await this.prepareWrite(owner, apiId);
    const row = target.kind === 'event' ? target.row : (target.exception ?? target.master);
    const input = parseUpdateEventInput(body, await this.inputOptions(owner, eventZone(row, zone)));
    checkChangeForEventType(row.event_type, input);
    if (!organizer.self && !(linkOnly(input) && input.scope !== 'following')) {
      throw new NotOrganizerError(organizer.email);
    }
    const now = this.deps.clock.now();
    return this.commit(async (trx) => {
      if (target.kind === 'event') {
        const current = await this.locked(trx, target.row, apiId);
        if (current.recurrence !== null && input.scope !== null && input.scope !== 'all') {
          throw new OccurrenceRequiredError(input.scope);
        }
        return this.patch(trx, current, input, zone, now);
      }
      const master = await this.locked(trx, target.master, apiId);
      const scope = input.scope ?? 'this';
      if (scope === 'all' || (scope === 'following' && isFirstOccurrence(master, target.instance))) {
        return this.deps.series.patchFromOccurrence(trx, master, target.instance, input, zone, now);
      }
      if (input.changes.recurrence !== undefined && scope === 'this') {
        throw new EventInputError(
          'invalid_recurrence',
          'recurrence',
          "An occurrence cannot have its own recurrence; use scope 'following' or 'all'",
        );
      }
      if (scope === 'following')
        return this.deps.series.split(trx, master, target.instance, input, zone, now);
      const occurrence =
        target.exception === null
          ? await this.deps.changes.occurrenceRow(trx, master, target.instance, now)
          : await this.locked(trx, target.exception, apiId);
      return this.patch(trx, occurrence, input, zone, now);
    });
  }

  async remove(owner: Owner, apiId: string, options: DeleteOptions): Promise<void> {
    const { sendUpdates, scope } = deleteOptions(options);
    const { target, zone } = await this.prepareOrganizerWrite(owner, apiId);
    const { changes, clock } = this.deps;
    const now = clock.now();
    await this.commit(async (trx) => {
      if (target.kind === 'event') {
        const current = await this.locked(trx, target.row, apiId);
        if (current.recurrence !== null && scope !== null && scope !== 'all')
          throw new OccurrenceRequiredError(scope);
        await changes.softDelete(trx, current, sendUpdates, now);
        return;
      }
      const master = await this.locked(trx, target.master, apiId);
      const chosen = scope ?? 'this';
      if (chosen === 'all' || (chosen === 'following' && isFirstOccurrence(master, target.instance))) {
        await changes.softDelete(trx, master, sendUpdates, now);
      } else if (chosen === 'following') {
        await this.deps.series.endBefore(trx, master, target.instance, sendUpdates, zone, now);
      } else {
        const occurrence =
          target.exception === null
            ? await changes.occurrenceRow(trx, master, target.instance, now)
            : await this.locked(trx, target.exception, apiId);
        await changes.cancelOccurrence(trx, occurrence, sendUpdates, now);
      }
    });
  }

  /** Answers an invitation: only the user's own response changes, at Google too. */
  async rsvp(
    owner: Owner,
    apiId: string,
    response: RsvpResponse,
    sendUpdates: SendUpdates = 'all',
  ): Promise<EventRow> {
    const { targets, changes, clock } = this.deps;
    const connection = await targets.activeConnection(owner);
    const target = await targets.resolve(owner, apiId);
    const series = target.kind === 'event' ? target.row : target.master;
    const email = connection.google_email?.toLowerCase() ?? null;
    const isSelf = (a: { email: string; self?: boolean }) =>
      a.self === true || a.email.toLowerCase() === email;
    if (series.organizer_self || !(series.attendees ?? []).some(isSelf)) {
      throw new NotInvitedError(
        series.organizer_self
          ? 'You organize this event: RSVP is for events you are invited to'
          : 'You are not on the guest list of this event',
      );
    }
    const now = clock.now();
    return this.commit(async (trx) => {
      const row =
        target.kind === 'event'
          ? await this.locked(trx, target.row, apiId)
          : target.exception === null
            ? await changes.occurrenceRow(
                trx,
                await this.locked(trx, target.master, apiId),
                target.instance,
                now,
              )
            : await this.locked(trx, target.exception, apiId);
      const attendees = (row.attendees ?? []).map((a) => (isSelf(a) ? { ...a, status: response } : a));
      return changes.setAttendees(trx, row, attendees, sendUpdates, now);
    });
  }

  /** The API id of a row the service returned (occurrence rows are addressed through their series). */
  itemIdOf(row: EventRow): Promise<string> {
    return this.deps.targets.itemIdOf(row);
  }

  /**
   * Waits (bounded) until Google has confirmed the event's pending change; returns the row as it
   * then is (still `pending` after the timeout), or undefined when it no longer exists.
   */
  async waitUntilPushed(owner: Owner, rowId: string, timeoutMs: number): Promise<EventRow | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const row = await localChangesRepository.ownedRow(this.deps.db, owner, rowId);
      if (row === undefined || row.sync_state !== 'pending' || performance.now() >= deadline) return row;
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  /** Runs the write in one transaction, then wakes this process's push workers (if any) for it. */
  private async commit<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const result = await this.deps.db.transaction().execute(work);
    this.deps.queue.wake('event.push');
    return result;
  }

  private async inputOptions(owner: Owner, defaultTimeZone: string): Promise<InputOptions> {
    const defaults = await this.deps.targets.defaultReminders(owner);
    return defaults === undefined ? { defaultTimeZone } : { defaultTimeZone, defaultReminders: defaults };
  }

  /** Resolves the target and checks the user organizes it, is connected, and may write the calendar. */
  private async prepareOrganizerWrite(
    owner: Owner,
    apiId: string,
  ): Promise<{ target: WriteTarget; zone: string | null }> {
    const prepared = await this.prepareWrite(owner, apiId);
    if (!prepared.organizer.self) throw new NotOrganizerError(prepared.organizer.email);
    return prepared;
  }

  /** Resolves the target and checks the user is connected and may write the calendar. */
  private async prepareWrite(
    owner: Owner,
    apiId: string,
  ): Promise<{
    target: WriteTarget;
    zone: string | null;
    organizer: { self: boolean; email: string | null };
  }> {
    const { targets } = this.deps;
    const target = await targets.resolve(owner, apiId);
    const series = target.kind === 'event' ? target.row : target.master;
    await targets.activeConnection(owner);
    const calendar = await targets.calendarOf(series);
    return {
      target,
      zone: calendar.time_zone,
      organizer: { self: series.organizer_self, email: series.organizer_email },
    };
  }

  private async locked(trx: Transaction<Database>, row: EventRow, apiId: string): Promise<EventRow> {
    const current = await this.deps.changes.lock(trx, row);
    if (current === undefined) throw new NotFoundError(`No event ${apiId}`);
    return current;
  }

  private patch(
    trx: Transaction<Database>,
    row: EventRow,
    input: UpdateEventInput,
    zone: string | null,
    now: Date,
  ): Promise<EventRow> {
    if (row.recurring_event_id !== null && input.changes.recurrence !== undefined) {
      throw new EventInputError(
        'invalid_recurrence',
        'recurrence',
        'An occurrence cannot have its own recurrence',
      );
    }
    const next = applyEventPatch(rowToEventFields(row, zone), input);
    return this.deps.changes.patch(trx, row, next, patchOptions(input), now);
  }
}

/** Whether an update changes nothing but the CRM link. */
function linkOnly(input: UpdateEventInput): boolean {
  const changed = Object.entries(input.changes).filter(([, value]) => value !== undefined);
  return input.timing === null && changed.length === 1 && changed[0]?.[0] === 'entity';
}
