import type { Logger } from 'pino';
import { AppError } from '../../kernel/errors.js';
import type { GoogleEvent } from '../../adapters/google/calendar-api.js';
import { GoogleApiError, GoogleUnavailableError, TokenRevokedError } from '../../adapters/google/errors.js';
import {
  CRM_PROPERTY,
  EventMappingError,
  crmEventToGoogle,
  mergeFieldsToGoogle,
  parseSnapshot,
  snapshotOf,
  type MergeFields,
} from '../events/index.js';
import {
  baseWithOwnWrite,
  MERGE_FIELDS,
  mergeEvent,
  type Conflict,
  type MergeField,
  type SentPatch,
} from '../../kernel/merge.js';
import { parseDateTime } from '../../kernel/time.js';
import { isMeetingType } from '../../kernel/event-types.js';
import { changedFields, crmPrivateProperties, localMergeFields, rowToCrmFields } from '../events/index.js';
import { isStatus, type GoogleEventWrites, type GoogleCalendarTarget } from './google-writes.js';
import type { PushSettler, SettleOutcome } from './push-settle.js';
import type { EventKey, EventRow, PushRepository, PushSubject } from '../events/index.js';

/** Google refused the change for good (bad data, no permission...): the event shows `failed`. */
export class PermanentPushError extends AppError {
  readonly code = 'push_rejected';
}

type PushResult = 'synced' | 'deleted' | 'failed' | 'waiting' | 'skipped';

interface PusherDeps {
  logger: Logger;
  repo: PushRepository;
  writes: GoogleEventWrites;
  settler: PushSettler;
}

/** Rounds one job runs when newer local changes keep arriving while it pushes. */
const MAX_ROUNDS = 5;
/** 412 -> fetch -> merge -> retry cycles before the job backs off and retries later. */
const MAX_MERGES = 3;
export const WAITING_FOR_RECONNECT = 'Waiting for Google Calendar to be reconnected';

/** Why an error is permanent (the event is marked failed), or null when a retry may succeed. */
export function permanentReason(error: unknown): string | null {
  if (error instanceof PermanentPushError) return error.message;
  if (error instanceof GoogleApiError && error.status >= 400 && error.status < 500) {
    return `Google refused the change (${error.status}${error.reason === undefined ? '' : ` ${error.reason}`}): ${error.message}`;
  }
  // A TypeError or RangeError is a bug in the service, not Google's answer: it is thrown, logged as an
  // error and retried by the job like any failure, and never recorded as a refusal.
  if (error instanceof EventMappingError) {
    return `The event cannot be written to Google: ${error.message}`;
  }
  return null;
}

/**
 * Pushes one CRM event to Google: insert (client-generated id; 409 means an earlier attempt
 * landed), patch with If-Match (412: fetch, merge three-way, retry), or delete (404/410 mean
 * done). It always pushes the row's current state, so collapsed jobs lose nothing; when a newer
 * local change arrives during the write, it goes round again.
 */
export class EventPusher {
  constructor(private readonly deps: PusherDeps) {}

  /**
   * Pushes the event `key`. Throws on transient failures (the job retries with backoff);
   * `lastAttempt` records the error on the row before the last retry is spent.
   */
  async push(key: EventKey, options: { lastAttempt: boolean } = { lastAttempt: false }): Promise<PushResult> {
    const { repo, logger, settler } = this.deps;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const subject = await repo.load(key);
      if (subject === undefined || subject.row.sync_state !== 'pending') return 'skipped';
      if (subject.connectionStatus !== 'active') {
        await repo.noteWaiting(subject.row.id, WAITING_FOR_RECONNECT);
        return 'waiting';
      }
      let outcome: SettleOutcome;
      try {
        outcome = await this.pushOnce(subject);
      } catch (error) {
        if (error instanceof TokenRevokedError) {
          // The connection is now reauth_required; the reconnect hook pushes this row again.
          await repo.noteWaiting(subject.row.id, WAITING_FOR_RECONNECT);
          return 'waiting';
        }
        const reason = permanentReason(error);
        if (reason !== null) {
          await settler.refused(subject, reason);
          logger.warn({ eventId: key.eventId, reason }, 'Google refused an event change');
          return 'failed';
        }
        const message = error instanceof Error ? error.message : String(error);
        await repo.noteWaiting(
          subject.row.id,
          options.lastAttempt
            ? `Google is unavailable (${message}); the change is kept and pushed again later`
            : `Retrying: ${message}`,
        );
        throw error;
      }
      if (outcome === 'deleted') return 'deleted';
      if (outcome === 'synced') return 'synced';
    }
    return 'synced';
  }

  private async pushOnce(pushed: PushSubject): Promise<SettleOutcome> {
    const { writes, settler } = this.deps;
    const target: GoogleCalendarTarget = {
      connection: { id: pushed.connectionId, tenantId: pushed.row.tenant_id, userId: pushed.row.user_id },
      googleCalendarId: pushed.googleCalendarId,
    };
    let subject = pushed;
    if (subject.row.split_from !== null && subject.row.google_etag === null) {
      const origin = await writes.get(target, subject.row.split_from);
      const rebased = await settler.takeSplitOrigin(subject, origin);
      if (rebased === undefined) return 'deleted';
      subject = { ...subject, row: rebased };
    }
    const { row } = subject;
    if (row.deleted_at !== null || (row.recurring_event_id !== null && row.status === 'cancelled')) {
      await writes.delete(target, row.google_event_id, row.push_send_updates ?? 'none');
      if (row.deleted_at !== null) return settler.remoteDeleted(subject, 'crm');
      return settler.settle(subject, null, null);
    }
    const local = localMergeFields(row, subject.calendarTimeZone);
    if (row.google_etag !== null) {
      return this.update(subject, target, local, {
        etag: row.google_etag,
        base: parseSnapshot(row.synced_snapshot),
      });
    }
    if (row.recurring_event_id !== null) {
      // A first change to one occurrence: the base is the occurrence as the CRM showed it when the
      // change was made (Google's copy when the row does not say), written against Google's copy
      // now, so that what Google changed on it meanwhile stays.
      const occurrence = await writes.get(target, row.google_event_id);
      if (occurrence === null)
        throw new PermanentPushError('This occurrence no longer exists in Google Calendar');
      if (occurrence.status === 'cancelled') return settler.remoteDeleted(subject);
      const google = this.baseOf(subject, occurrence);
      const base = parseSnapshot(row.synced_snapshot) ?? google.base;
      return this.update(subject, target, local, { etag: google.etag, base }, occurrence);
    }
    await this.deps.repo.keepInsertBase(row.id, local);
    const inserted = await this.insert(subject, target);
    if (inserted === 'cancelled') return settler.remoteDeleted(subject);
    if (inserted.created) return settler.settle(subject, local, inserted.event);
    // An earlier insert landed but its answer was lost. Google's copy may have changed since (a
    // new title): merge three-way against what that insert sent, as after a 412, so Google's
    // changes stay and the CRM's own later changes are written.
    const sent = parseSnapshot(row.synced_snapshot) ?? local;
    return this.mergeAndRetry(subject, target, sent, local, inserted.event);
  }

  private baseOf(subject: PushSubject, event: GoogleEvent): { etag: string | null; base: MergeFields } {
    return {
      etag: event.etag ?? null,
      base: snapshotOf(event, { calendarTimeZone: subject.calendarTimeZone }),
    };
  }

  private async insert(
    subject: PushSubject,
    target: GoogleCalendarTarget,
  ): Promise<{ created: boolean; event: GoogleEvent } | 'cancelled'> {
    const { row } = subject;
    const fields = rowToCrmFields(row, subject.calendarTimeZone);
    try {
      const event = await this.deps.writes.insert(target, crmEventToGoogle(fields), {
        sendUpdates: row.push_send_updates ?? 'none',
        conference: fields.conference,
      });
      return { created: true, event };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      // 409 duplicate: the id is taken. Ours when it carries this CRM event's id: never a second event.
      const existing = await this.deps.writes.get(target, row.google_event_id);
      if (existing === null) throw error;
      if (existing.status === 'cancelled') return 'cancelled';
      if (existing.extendedProperties?.private?.[CRM_PROPERTY.eventId] !== row.id) {
        throw new PermanentPushError('Google already has a different event with this id');
      }
      return { created: false, event: existing };
    }
  }

  /** Sends the fields the CRM changed since `base`; on 412 merges with Google's version and retries. */
  private async update(
    subject: PushSubject,
    target: GoogleCalendarTarget,
    local: MergeFields,
    start: { etag: string | null; base: MergeFields | null },
    known: GoogleEvent | null = null,
  ): Promise<SettleOutcome> {
    const { row } = subject;
    const keys = this.writable(
      subject,
      start.base === null ? [...MERGE_FIELDS] : changedFields(local, start.base),
    );
    const linkOnly = keys.length === 0;
    if (linkOnly && (!row.organizer_self || row.recurring_event_id !== null || known !== null)) {
      // A first change of one occurrence that leaves it as Google has it: no exception is needed.
      if (row.recurring_event_id !== null && row.google_etag === null && known !== null) {
        const followed = await this.deps.settler.followSeries(subject);
        if (followed !== null) return followed;
      }
      // Nothing to write, but a pull that ran while this change waited left the row alone (it
      // was pending): settle on Google's current copy, so a change that pull skipped is kept.
      const current = known ?? (await this.deps.writes.get(target, row.google_event_id));
      if (current === null || current.status === 'cancelled') return this.deps.settler.remoteDeleted(subject);
      return this.deps.settler.settle(subject, local, current);
    }
    try {
      const result = await this.patch(subject, target, local, keys, start.etag);
      return await this.deps.settler.settle(subject, local, result);
    } catch (error) {
      if (isStatus(error, 412)) return this.mergeAndRetry(subject, target, start.base, local);
      if (isStatus(error, 404, 410)) {
        const current = await this.deps.writes.get(target, row.google_event_id);
        if (current === null || current.status === 'cancelled')
          return this.deps.settler.remoteDeleted(subject);
      }
      throw error;
    }
  }

  private async mergeAndRetry(
    subject: PushSubject,
    target: GoogleCalendarTarget,
    base: MergeFields | null,
    local: MergeFields,
    /** Google's copy when the caller has just read it. */
    read: GoogleEvent | null = null,
  ): Promise<SettleOutcome> {
    const { row, calendarTimeZone } = subject;
    const { writes, settler, logger } = this.deps;
    const conflicts: Conflict[] = [];
    // An earlier attempt's patch whose answer was lost may have landed: what Google holds as
    // that patch sent it is the CRM's own write.
    const sent = sentOf(row.push_sent);
    for (let attempt = 1; attempt <= MAX_MERGES; attempt++) {
      const current = attempt === 1 && read !== null ? read : await writes.get(target, row.google_event_id);
      if (current === null || current.status === 'cancelled') return settler.remoteDeleted(subject);
      const remote = snapshotOf(current, { calendarTimeZone });
      const merge = mergeEvent({
        base: base === null || sent === null ? base : baseWithOwnWrite(base, remote, sent),
        local,
        remote,
        localChangedAt: row.local_changed_at ?? row.updated_at,
        remoteUpdatedAt: current.updated == null ? null : parseDateTime(current.updated, 'UTC'),
      });
      if (attempt === 1) conflicts.push(...merge.conflicts);
      if (merge.conflicts.length > 0) {
        logger.info(
          { eventId: row.id, conflicts: merge.conflicts.map((c) => c.field) },
          'Merged concurrent edits',
        );
      }
      const keys = this.writable(subject, merge.changedForRemote);
      // The CRM link is not a merge field: a link change alone still has to be written.
      if (keys.length === 0 && linkInStep(row, current))
        return settler.settle(subject, local, current, conflicts);
      try {
        const result = await this.patch(subject, target, merge.merged, keys, current.etag ?? null);
        return await settler.settle(subject, local, result, conflicts);
      } catch (error) {
        if (!isStatus(error, 412)) throw error;
      }
    }
    throw new GoogleUnavailableError(
      'The event kept changing in Google while its CRM change was merged; retrying later',
    );
  }

  /** An attendee may only change their own response: other fields are the organizer's. */
  private writable(subject: PushSubject, keys: MergeField[]): MergeField[] {
    return subject.row.organizer_self ? keys : keys.filter((key) => key === 'attendees');
  }

  private async patch(
    subject: PushSubject,
    target: GoogleCalendarTarget,
    fields: MergeFields,
    keys: MergeField[],
    etag: string | null,
  ): Promise<GoogleEvent> {
    const { row } = subject;
    const body = mergeFieldsToGoogle(fields, {
      crmEventId: row.id,
      keys,
      conferenceRequestKey: row.local_version,
    });
    if (carriesLink(row)) {
      // Keeps the CRM link on Google's copy in step (entity changes are not merge fields).
      body.extendedProperties = { private: crmPrivateProperties(row) as Record<string, string> };
    }
    await this.deps.repo.notePatchSent(row.id, { keys, fields });
    return this.deps.writes.patch(target, row.google_event_id, body, {
      sendUpdates: row.push_send_updates ?? 'none',
      conference: keys.includes('conference'),
      etag,
    });
  }
}

/** What an earlier patch sent (events.push_sent), when the row keeps it in the current shape. */
function sentOf(value: unknown): SentPatch | null {
  if (typeof value !== 'object' || value === null) return null;
  const { keys, fields } = value as { keys?: unknown; fields?: unknown };
  const parsed = parseSnapshot(fields);
  if (parsed === null || !Array.isArray(keys)) return null;
  return { keys: MERGE_FIELDS.filter((field) => keys.includes(field)), fields: parsed };
}

/**
 * Whether the push writes the CRM link onto Google's copy: only the organizer's own copy of a
 * meeting carries one (Google refuses extended properties on some special types, birthdays).
 */
function carriesLink(row: EventRow): boolean {
  return row.organizer_self && row.recurring_event_id === null && isMeetingType(row.event_type);
}

/** Whether Google's copy already carries the CRM link the row has (nothing to write for it). */
function linkInStep(row: EventRow, google: GoogleEvent): boolean {
  if (!carriesLink(row)) return true;
  const stored = google.extendedProperties?.private ?? {};
  return Object.entries(crmPrivateProperties(row)).every(([key, value]) =>
    value === null ? stored[key] == null : stored[key] === value,
  );
}
