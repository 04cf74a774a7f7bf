import type { Transaction, Updateable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import type { Database, EventRow, EventsTable } from '../../db/schema.js';
import type { GoogleEvent } from '../../google/calendar-api.js';
import {
  googleEventToRow,
  snapshotOf,
  type MappedEventRow,
  type MergeFields,
} from '../../google/event-mapping.js';
import type { Conflict, MergeField } from '../merge.js';
import { changedFields, localMergeFields } from './event-fields.js';
import { isCancelledOccurrence, occurrenceAsInGoogle } from './occurrence-restore.js';
import { meetingChanged, remindersChanged, type MeetingActivitySync } from './meeting-activity.js';
import type { PushRepository, PushSubject } from './push.repository.js';
import type { StoredConflict } from './push.schema.js';

/** Re-computes an event's CRM reminder notifications (src/notifications). */
export interface ReminderScheduler {
  scheduleForEvent(trx: Transaction<Database>, row: EventRow): Promise<void>;
}

export type SettleOutcome = 'synced' | 'newer' | 'deleted';

export interface SettleDeps {
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
};

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
        await trx
          .updateTable('events')
          .set({ sync_state: 'synced', sync_error: null, push_send_updates: null, updated_at: now })
          .where('id', '=', row.id)
          .execute();
        return 'synced';
      }

      const mapped = googleEventToRow(google, {
        tenantId: row.tenant_id,
        userId: row.user_id,
        calendarId: row.calendar_id,
        calendarTimeZone,
      });
      if (mapped.action === 'delete') return 'deleted';
      const next = mapped.row;
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
          ]),
          ...facts,
          sync_state: 'synced',
          sync_error: null,
          push_send_updates: null,
          updated_at: now,
        };
      } else {
        // Fields Google holds differently from what was pushed (the merge kept Google's value),
        // and that the newer local change did not touch: the CRM copy takes Google's value.
        const remoteWon = changedFields(snapshotOf(google, { calendarTimeZone }), pushed);
        const touchedLocally = new Set(changedFields(localMergeFields(current, calendarTimeZone), pushed));
        const rebase = remoteWon.filter((field) => !touchedLocally.has(field));
        update = { ...columnsOf(next, rebase), ...facts, meet_link: next.meet_link };
      }
      const after = await trx
        .updateTable('events')
        .set(update)
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.afterChange(trx, current, after);
      return sameVersion ? 'synced' : 'newer';
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
        await trx
          .updateTable('events')
          .set({
            status: 'cancelled',
            start_at: null,
            end_at: null,
            start_date: null,
            end_date: null,
            sync_state: 'synced',
            sync_error: null,
            push_send_updates: null,
            updated_at: clock.now(),
          })
          .where('id', '=', row.id)
          .execute();
        await trx
          .deleteFrom('notifications')
          .where('event_id', '=', row.id)
          .where('fired_at', 'is', null)
          .execute();
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
          const row = await trx
            .updateTable('events')
            .set(restored)
            .where('id', '=', failed.id)
            .returningAll()
            .executeTakeFirstOrThrow();
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

function toStored(conflict: Conflict, at: Date): StoredConflict {
  return {
    field: conflict.field,
    local: conflict.local,
    remote: conflict.remote,
    winner: conflict.winner,
    at: at.toISOString(),
  };
}
