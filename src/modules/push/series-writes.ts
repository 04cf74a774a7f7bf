import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { ActivityService } from '../crm/index.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow } from '../events/index.js';
import {
  applyEventPatch,
  withSeriesRecurrence,
  type UpdateEventInput,
} from '../../kernel/event-input/event-input.js';
import { resolveTiming } from '../../kernel/event-input/timing.js';
import type { Instance } from '../../kernel/recurrence/recurrence.js';
import { localChangesRepository, rowToEventFields, wantsConference } from '../events/index.js';
import { newEventValues, type LocalEventChanges, type PatchOptions } from './local-changes.js';
import type { SendUpdates } from '../../kernel/values.js';
import {
  continuationRecurrence,
  occurrenceTiming,
  seriesTimingFromOccurrence,
  truncateRecurrence,
} from './series-split.js';

/** The local-change options of an update body. */
export function patchOptions(input: UpdateEventInput): PatchOptions {
  return {
    sendUpdates: input.sendUpdates,
    conference: input.changes.conference,
    entityChanged: input.changes.entity !== undefined,
  };
}

/**
 * The recurring scopes that touch a whole series, inside the caller's transaction: "all" from an
 * occurrence, "following" (split the series), and ending a series before an occurrence.
 */
export class SeriesWrites {
  constructor(private readonly deps: { changes: LocalEventChanges; activities: ActivityService }) {}

  /** Scope "all" from an occurrence: the series takes the change (a move keeps the series' first date). */
  patchFromOccurrence(
    trx: Transaction<Database>,
    master: EventRow,
    instance: Instance,
    input: UpdateEventInput,
    zone: string | null,
    now: Date,
  ): Promise<EventRow> {
    const fields = rowToEventFields(master, zone);
    const timing =
      input.timing === null
        ? {}
        : seriesTimingFromOccurrence(
            master,
            instance,
            resolveTiming(occurrenceTiming(instance, fields.timeZone), input.timing),
          );
    const next = withSeriesRecurrence({ ...fields, ...input.changes, ...timing }, input);
    return this.deps.changes.patch(trx, master, next, patchOptions(input), now);
  }

  /** Scope "following": the series ends before the occurrence and a new series starts from it. */
  async split(
    trx: Transaction<Database>,
    master: EventRow,
    instance: Instance,
    input: UpdateEventInput,
    zone: string | null,
    now: Date,
  ): Promise<EventRow> {
    const fields = rowToEventFields(master, zone);
    const next = applyEventPatch({ ...fields, ...occurrenceTiming(instance, fields.timeZone) }, input);
    if (input.changes.recurrence === undefined) next.recurrence = continuationRecurrence(master, instance);
    const connection = { google_email: master.organizer_email };
    await this.endBefore(trx, master, instance, input.sendUpdates, zone, now);
    if (input.changes.entity !== undefined && next.entity !== null) {
      await this.deps.activities.assertEntityExists(master.tenant_id, next.entity.type, next.entity.id, trx);
    }
    const values = newEventValues({
      id: randomUUID(),
      tenantId: master.tenant_id,
      userId: master.user_id,
      calendarId: master.calendar_id,
      connection,
      fields: next,
      conference: input.changes.conference ?? wantsConference(master),
      sendUpdates: input.sendUpdates,
      now,
      entitySource: input.changes.entity !== undefined ? 'crm' : master.entity_source,
    });
    // Its first push takes what Google changed in the series since the CRM's copy was synced.
    if (master.google_etag !== null && master.synced_snapshot !== null) {
      values.split_from = master.google_event_id;
      values.synced_snapshot = JSON.stringify(master.synced_snapshot);
    }
    return this.deps.changes.insert(trx, values);
  }

  /** Ends a series before `instance`; its modified occurrences from there on are deleted. */
  async endBefore(
    trx: Transaction<Database>,
    master: EventRow,
    instance: Instance,
    sendUpdates: SendUpdates,
    zone: string | null,
    now: Date,
  ): Promise<void> {
    const { changes } = this.deps;
    const fields = rowToEventFields(master, zone);
    await changes.patch(
      trx,
      master,
      { ...fields, recurrence: truncateRecurrence(master, instance) },
      { sendUpdates },
      now,
    );
    const later = await localChangesRepository.liveOccurrencesFrom(trx, master, instance);
    // Past the new end they no longer belong to any series: Google is told to drop them quietly.
    for (const occurrence of later) await changes.softDelete(trx, occurrence, 'none', now);
  }
}
