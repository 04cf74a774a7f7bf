import type { Transaction, Updateable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow, EventsTable } from '../events/index.js';
import type { GoogleEvent } from '../../adapters/google/calendar-api.js';
import {
  googleEventToRow,
  parseSnapshot,
  snapshotOf,
  type MappedEventRow,
  type MergeFields,
} from '../events/index.js';
import { MERGE_FIELDS, type Conflict, type MergeField } from '../../kernel/merge.js';
import { changedFields, findSeriesMaster, localMergeFields, updateRow } from '../events/index.js';
import { seriesHasOccurrencesLeft } from './series-left.js';
import { isCancelledOccurrence, occurrenceAsInGoogle } from './occurrence-restore.js';
import { meetingChanged, remindersChanged, type MeetingActivitySync } from './meeting-activity.js';
import type { PushRepository, PushSubject } from '../events/index.js';
import type { SnapshotAttendee } from '../../kernel/event-snapshot.js';
import type { StoredAttendee, StoredConflict } from '../../kernel/values.js';

/** Re-computes an event's CRM reminder notifications (src/modules/notifications, which owns them). */
export interface ReminderScheduler {
  scheduleForEvent(trx: Transaction<Database>, row: EventRow): Promise<void>;
  /** Deletes the event's reminders that have not fired yet (the event no longer takes place). */
  dropUnfired(trx: Transaction<Database>, eventId: string): Promise<void>;
}

export type SettleOutcome = 'synced' | 'newer' | 'deleted';

interface SettleDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  repo: PushRepository;
  meetings: MeetingActivitySync;
  reminders: ReminderScheduler;
}

/** The `events` columns behind each merge field. */
const FIELD_COLUMNS: Record<MergeField, (keyof MappedEventRow)[]> = {
  summary: ['title'],
  description: ['description'],
  location: ['location'],
  start: ['all_day', 'start_at', 'end_at', 'start_date', 'end_date', 'time_zone'],
  end: ['all_day', 'start_at', 'end_at', 'start_date', 'end_date', 'time_zone'],
  attendees: ['attendees', 'organizer_email', 'organizer_self'],
  reminders: ['reminders'],
  recurrence: ['recurrence'],
  conference: ['meet_link'],
  status: ['status'],
  visibility: ['visibility'],
  transparency: ['transparency'],
  guestsCanModify: ['guests_can_modify'],
  guestsCanInviteOthers: ['guests_can_invite_others'],
  guestsCanSeeOtherGuests: ['guests_can_see_other_guests'],
};

/**
 * What a series split in the CRM takes from the changes Google made to the series it came from:
 * everything but its own times, rule and status (those are what the split is about), and the Meet
 * link (the new series asks for its own).
 */
const SPLIT_CARRIED_FIELDS: readonly MergeField[] = MERGE_FIELDS.filter(
  (field) => !['start', 'end', 'recurrence', 'status', 'conference'].includes(field),
);

function columnsOf(mapped: MappedEventRow, fields: readonly MergeField[]): Updateable<EventsTable> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    for (const column of FIELD_COLUMNS[field]) picked[column] = mapped[column];
  }
  if ('attendees' in picked) picked.attendees = JSON.stringify(picked.attendees);
  if ('reminders' in picked)
    picked.reminders = picked.reminders === null ? null : JSON.stringify(picked.reminders);
  if ('meet_link' in picked) picked.conference_requested = null;
  return picked;
}

/**
 * A guest list changed in the CRM while a push was under way keeps the answers Google holds now
 * (given meanwhile, or brought in by the push's merge): a guest whose answer the newer change left
 * as the push had it takes Google's answer.
 */
function answersTaken(
  local: readonly StoredAttendee[],
  pushed: readonly SnapshotAttendee[],
  google: readonly StoredAttendee[],
): StoredAttendee[] {
  const key = (email: string) => email.trim().toLowerCase();
  const sent = new Map(pushed.map((a) => [key(a.email), a.responseStatus]));
  const answers = new Map(google.map((a) => [key(a.email), a.status]));
  return local.map((a) => {
    const answer = answers.get(key(a.email));
    return answer !== undefined && sent.get(key(a.email)) === a.status ? { ...a, status: answer } : a;
  });
}

/**
 * Settles a push once Google has answered. Google's facts (etag, updated, sequence, snapshot,
 * links) are always stored, so the pull's echo of this write changes nothing. When the row is
 * still at the version that was pushed, it takes Google's version entirely and becomes `synced`.
 * When a newer local change arrived meanwhile, it stays `pending` and takes only the fields Google
 * changed that the newer change left alone (a rebase), so the next round does not undo them.
 */
export class PushSettler {
  constructor(private readonly deps: SettleDeps) {}

  async settle(
    subject: PushSubject,
    /** What was sent (the CRM's fields at the pushed version); null when nothing was (a delete). */
    pushed: MergeFields | null,
    google: GoogleEvent | null,
    conflicts: Conflict[] = [],
  ): Promise<SettleOutcome> {
    const { db, repo, clock } = this.deps;
    const { row, calendarTimeZone } = subject;
    if (google !== null && google.status === 'cancelled' && (google.recurringEventId ?? null) === null) {
      // Deleted in Google while the write was under way (seen, say, while waiting for its Meet):
      // the deletion wins, as it does over any pending CRM change.
      return this.remoteDeleted(subject);
    }
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const current = await repo.lock(trx, row.id);
      if (current === undefined) return 'deleted';
      const sameVersion = current.local_version === row.local_version && current.deleted_at === null;
      await repo.appendConflicts(
        trx,
        row.id,
        conflicts.map((c) => toStored(c, now)),
      );

      if (google === null || pushed === null) {
        if (!sameVersion) return 'newer';
        await repo.markSettled(trx, row.id, now);
        return 'synced';
      }

      const mapped = googleEventToRow(google, {
        tenantId: row.tenant_id,
        userId: row.user_id,
        calendarId: row.calendar_id,
        calendarTimeZone,
      });
      if (mapped.action === 'delete') return 'deleted';
      const next = { ...mapped.row, time_zone: zoneToKeep(mapped.row, google, current) };
      const facts = {
        google_etag: next.google_etag,
        google_updated: next.google_updated,
        google_sequence: next.google_sequence,
        synced_snapshot: JSON.stringify(next.synced_snapshot),
        html_link: next.html_link,
        ical_uid: next.ical_uid,
      };
      let update: Updateable<EventsTable>;
      if (sameVersion) {
        update = {
          ...columnsOf(next, [
            'summary',
            'description',
            'location',
            'start',
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
          ]),
          ...facts,
          sync_state: 'synced',
          sync_error: null,
          push_send_updates: null,
          push_sent: null,
          updated_at: now,
        };
      } else {
        // Fields Google holds differently from what was pushed (the merge kept Google's value),
        // and that the newer local change did not touch: the CRM copy takes Google's value.
        const remoteWon = changedFields(snapshotOf(google, { calendarTimeZone }), pushed);
        const touchedLocally = new Set(changedFields(localMergeFields(current, calendarTimeZone), pushed));
        const rebase = remoteWon.filter((field) => !touchedLocally.has(field));
        update = { ...columnsOf(next, rebase), ...facts, meet_link: next.meet_link, push_sent: null };
        if (remoteWon.includes('attendees') && touchedLocally.has('attendees')) {
          update.attendees = JSON.stringify(
            answersTaken(current.attendees ?? [], pushed.attendees, next.attendees ?? []),
          );
        }
      }
      const after = await updateRow(trx, row.id, update);
      await this.afterChange(trx, current, after);
      return sameVersion ? 'synced' : 'newer';
    });
  }

  /**
   * Before the first push of a series split from another in the CRM ("this and following"): the
   * CRM built it from its copy of that series, which may predate a change made in Google (a guest
   * removed, a new description) that no pull has brought yet. The fields Google changed since that
   * copy was synced, and that the split left as they were, take Google's value, as a three-way
   * merge would. `origin` is Google's copy of that series now (null when it is gone). Returns the
   * row to push, undefined when it was deleted meanwhile.
   */
  async takeSplitOrigin(subject: PushSubject, origin: GoogleEvent | null): Promise<EventRow | undefined> {
    const { db, repo } = this.deps;
    const { row, calendarTimeZone } = subject;
    return db.transaction().execute(async (trx) => {
      const current = await repo.lock(trx, row.id);
      if (current === undefined) return undefined;
      const base = parseSnapshot(current.synced_snapshot);
      let carried: Updateable<EventsTable> = {};
      if (origin !== null && origin.status !== 'cancelled' && base !== null) {
        const mapped = googleEventToRow(origin, {
          tenantId: row.tenant_id,
          userId: row.user_id,
          calendarId: row.calendar_id,
          calendarTimeZone,
        });
        if (mapped.action !== 'delete') {
          const remote = snapshotOf(origin, { calendarTimeZone });
          const changedHere = new Set(changedFields(localMergeFields(current, calendarTimeZone), base));
          const fields = changedFields(remote, base).filter(
            (field) => SPLIT_CARRIED_FIELDS.includes(field) && !changedHere.has(field),
          );
          carried = columnsOf(mapped.row, fields);
        }
      }
      const after = await updateRow(trx, row.id, { ...carried, split_from: null, synced_snapshot: null });
      await this.afterChange(trx, current, after);
      return after;
    });
  }

  /**
   * Removes the CRM copy of an event Google has deleted: after the CRM's own delete reached it
   * (`cause: 'crm'`), or when it was deleted in Google while the CRM had a change pending (the
   * deletion wins). A series occurrence stays as a cancelled occurrence (it hides that date), like
   * the pull stores it.
   */
  async remoteDeleted(subject: PushSubject, cause: 'google' | 'crm' = 'google'): Promise<'deleted'> {
    const { db, repo, clock, logger } = this.deps;
    const { row } = subject;
    await db.transaction().execute(async (trx) => {
      const current = await repo.lock(trx, row.id);
      if (current === undefined) return;
      await this.deps.meetings.cancel(trx, current);
      if (current.recurring_event_id !== null && cause === 'google') {
        await repo.keepCancelledOccurrence(trx, row.id, clock.now());
        await this.deps.reminders.dropUnfired(trx, row.id);
        // The last occurrence the series had: its meeting is off.
        const master = await findSeriesMaster(trx, current);
        if (master !== undefined && !(await seriesHasOccurrencesLeft(trx, master))) {
          await this.deps.meetings.cancel(trx, master);
        }
      } else if (cause === 'crm' && current.deleted_at !== null) {
        await repo.keepDeletedUntilPulled(trx, current, clock.now());
      } else {
        await repo.removeDeleted(trx, current);
      }
    });
    if (cause === 'google') {
      logger.info(
        { eventId: row.id },
        'The event was deleted in Google before the CRM change reached it; the deletion wins',
      );
    }
    return 'deleted';
  }

  /**
   * Removes an occurrence row the CRM made for a change that left the occurrence as Google has it
   * (its own title set again, the series' answer given again), so that the occurrence follows its
   * series again: the CRM holds an occurrence apart only where Google has an exception or a local
   * change is on its way. Null when the row must stay (its CRM link is not the series'); `newer`
   * when a newer local change arrived meanwhile (that one is pushed next).
   */
  async followSeries(subject: PushSubject): Promise<SettleOutcome | null> {
    const { db, repo, reminders } = this.deps;
    const { row } = subject;
    return db.transaction().execute(async (trx) => {
      const current = await repo.lock(trx, row.id);
      if (current === undefined) return 'deleted';
      if (current.local_version !== row.local_version || current.deleted_at !== null) return 'newer';
      const master = await findSeriesMaster(trx, current);
      if (
        master === undefined ||
        master.entity_type !== current.entity_type ||
        master.entity_id !== current.entity_id
      )
        return null;
      await repo.removeDeleted(trx, current);
      await reminders.scheduleForEvent(trx, master);
      return 'synced';
    });
  }

  /**
   * Google refused the change for good: the row shows `failed` with the reason. A refused delete is
   * undone in the CRM (the event is still in Google), so its meeting activity is back on the
   * records' timelines and its reminders are scheduled again; so is a refused cancel of one
   * occurrence, which gets back the status and times Google still has. False when a newer local
   * change superseded the refused one (that change is pushed next).
   */
  async refused(subject: PushSubject, reason: string): Promise<boolean> {
    const { db, repo, clock, reminders } = this.deps;
    return db.transaction().execute(async (trx) => {
      const failed = await repo.markFailed(trx, subject.row, reason, clock.now());
      if (failed === undefined) return false;
      if (subject.row.deleted_at !== null) {
        await this.recordMeeting(trx, failed);
        await reminders.scheduleForEvent(trx, failed);
      } else if (isCancelledOccurrence(failed)) {
        const restored = await occurrenceAsInGoogle(trx, failed, subject.calendarTimeZone);
        if (restored !== undefined) {
          const row = await updateRow(trx, failed.id, restored);
          await reminders.scheduleForEvent(trx, row);
        }
      }
      return true;
    });
  }

  /** Keeps the meeting activity and the reminders in step with a row Google's answer changed. */
  private async afterChange(trx: Transaction<Database>, before: EventRow, after: EventRow): Promise<void> {
    if (meetingChanged(before, after)) await this.recordMeeting(trx, after);
    if (remindersChanged(before, after)) await this.deps.reminders.scheduleForEvent(trx, after);
  }

  private async recordMeeting(trx: Transaction<Database>, row: EventRow): Promise<void> {
    try {
      await this.deps.meetings.record(trx, row);
    } catch (error) {
      // A linked record deleted meanwhile must not block the sync of the event itself.
      this.deps.logger.warn({ err: error, eventId: row.id }, 'Could not refresh the meeting activity');
    }
  }
}

/**
 * The zone of the CRM copy once Google's answer is taken. An all-day event's dates are sent and
 * answered without a zone (`{ date }`), so the mapping would put in the calendar's: the row keeps
 * its own zone instead, the one the meeting goes back to when it is made timed again. A timed
 * event, or an all-day one whose start names a zone, takes Google's.
 */
function zoneToKeep(
  next: Pick<MappedEventRow, 'all_day' | 'time_zone'>,
  google: GoogleEvent,
  current: Pick<EventRow, 'time_zone'>,
): string | null {
  if (!next.all_day || google.start?.timeZone != null) return next.time_zone;
  return current.time_zone ?? next.time_zone;
}

function toStored(conflict: Conflict, at: Date): StoredConflict {
  return {
    field: conflict.field,
    local: conflict.local,
    remote: conflict.remote,
    winner: conflict.winner,
    at: at.toISOString(),
  };
}
