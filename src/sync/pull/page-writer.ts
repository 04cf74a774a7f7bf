import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { ActivityService } from '../../crm/index.js';
import type { Db } from '../../db/database.js';
import type { Database, EventRow } from '../../db/schema.js';
import type { GoogleEvent } from '../../google/calendar-api.js';
import { EventMappingError, googleEventToRow, type MappedEventRow } from '../../google/event-mapping.js';
import {
  deleteRows,
  markListed,
  rowsMissingFromListing,
  rowsOfDeletedEvents,
  upsertEventRows,
  type DoomedRow,
  type UpsertedEventRow,
} from './event-upserts.js';
import { keepLocalLinks } from './local-links.js';
import { cancelMeetings, linkAttendeeContacts, refreshMeetings } from './meeting-links.js';
import type { PullMetrics } from './pull-metrics.js';
import { emptyCounts, type CalendarRef, type PullCounts } from './pull.types.js';

type Trx = Transaction<Database>;

/** Recomputes events' reminder notifications whenever their rows change (the notifications module). */
export interface ReminderScheduler {
  /** The whole page at once: a few statements, not a few per event. */
  scheduleForEvents(trx: Trx, rows: readonly EventRow[]): Promise<void>;
}

export interface PageWriterDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  activities: ActivityService;
  metrics: PullMetrics;
  reminders?: ReminderScheduler | undefined;
}

/** What a page is written against. */
export interface PageTarget {
  ref: CalendarRef;
  calendarTimeZone: string | null;
  /** The full listing's generation when the page belongs to one; null for incremental pages. */
  generation: number | null;
  /** Bookkeeping that must commit with the page (next page token, sync token). */
  finish: (trx: Trx) => Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * Whether a changed row's reminder notifications must be recomputed. A row this pull inserted has
 * none yet, so it is skipped when none can ever fire: no popup reminder at all, or a single event
 * (or occurrence) that started more than a day ago; a full sync of a long-used calendar is mostly
 * such rows. Updated rows are always recomputed (their old reminders may have to go).
 */
function needsReminders(row: UpsertedEventRow, now: Date): boolean {
  if (!row.inserted) return true;
  if (row.status === 'cancelled') return false;
  const reminders = row.reminders;
  if (reminders !== null && !reminders.use_default && !reminders.overrides.some((o) => o.method === 'popup'))
    return false;
  if (row.recurrence !== null) return true;
  const start = row.start_at ?? (row.start_date === null ? null : new Date(`${row.start_date}T00:00:00Z`));
  return start === null || start.getTime() > now.getTime() - DAY_MS;
}

/**
 * Applies one page of `events.list` to the CRM copy in ONE transaction: maps each event (one that
 * cannot be mapped is logged, counted and skipped), keeps the links the CRM decided on that
 * Google's copy cannot carry, links attendees to contacts, upserts the page
 * in one statement, deletes what Google cancelled, refreshes meeting activities and reminders, and
 * commits the caller's bookkeeping with it. A page either lands whole or not at all, so a pull cut
 * short anywhere resumes without duplicates or holes.
 */
export class PageWriter {
  constructor(private readonly deps: PageWriterDeps) {}

  async write(target: PageTarget, items: readonly GoogleEvent[]): Promise<PullCounts> {
    const counts = emptyCounts();
    counts.fetched = items.length;
    const { upserts, deletions, listedIds } = this.map(target, items, counts);
    const { db, activities, logger, clock } = this.deps;

    await db.transaction().execute(async (trx) => {
      const now = clock.now();
      await keepLocalLinks(trx, target.ref, upserts);
      const attendeeContacts = await linkAttendeeContacts(trx, activities, target.ref.tenantId, upserts);
      const changed = await upsertEventRows(trx, target.ref, upserts, { now, generation: target.generation });
      if (target.generation !== null) {
        // Rows the upsert wrote carry the generation already; stamp the others the listing returned.
        const written = new Set(changed.map((row) => row.google_event_id));
        const unwritten = listedIds.filter((id) => !written.has(id));
        await markListed(trx, target.ref, target.generation, unwritten);
      }
      for (const row of changed) {
        if (row.inserted) counts.created += 1;
        else counts.updated += 1;
      }
      counts.unchanged = upserts.length - changed.length;
      counts.deleted += await this.remove(
        trx,
        target.ref,
        await rowsOfDeletedEvents(trx, target.ref, deletions),
      );
      await refreshMeetings(trx, activities, logger, changed, attendeeContacts);
      await this.deps.reminders?.scheduleForEvents(
        trx,
        changed.filter((row) => needsReminders(row, now)),
      );
      await target.finish(trx);
    });
    this.deps.metrics.recordCounts(counts);
    return counts;
  }

  /**
   * After the last page of a full listing: deletes what the listing no longer has (in the
   * transaction that stores the new sync token).
   */
  async reconcile(trx: Trx, ref: CalendarRef, generation: number, listingStartedAt: Date): Promise<number> {
    const missing = await rowsMissingFromListing(trx, ref, generation, listingStartedAt);
    const deleted = await this.remove(trx, ref, missing);
    if (deleted > 0) this.deps.metrics.recordCounts({ ...emptyCounts(), deleted });
    return deleted;
  }

  private async remove(trx: Trx, ref: CalendarRef, rows: readonly DoomedRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    await cancelMeetings(trx, this.deps.activities, rows);
    return deleteRows(
      trx,
      ref,
      rows.map((row) => row.id),
    );
  }

  private map(target: PageTarget, items: readonly GoogleEvent[], counts: PullCounts) {
    const context = {
      tenantId: target.ref.tenantId,
      userId: target.ref.userId,
      calendarId: target.ref.calendarId,
      calendarTimeZone: target.calendarTimeZone,
    };
    // Keyed by Google id: a page never names an event twice, but if it did the last one wins
    // (one statement cannot upsert the same row twice).
    const upserts = new Map<string, MappedEventRow>();
    const deletions = new Set<string>();
    const listedIds: string[] = [];
    for (const event of items) {
      if (typeof event.id === 'string' && event.id !== '') listedIds.push(event.id);
      try {
        const mapped = googleEventToRow(event, context);
        if (mapped.action === 'delete') {
          upserts.delete(mapped.googleEventId);
          deletions.add(mapped.googleEventId);
          continue;
        }
        deletions.delete(mapped.row.google_event_id);
        upserts.set(mapped.row.google_event_id, mapped.row);
        if (mapped.linkRefused !== null) {
          this.deps.logger.warn(
            {
              calendarId: target.ref.calendarId,
              googleEventId: mapped.row.google_event_id,
              why: mapped.linkRefused,
            },
            'Ignored the CRM link stamped on a pulled event',
          );
        }
      } catch (error) {
        if (!(error instanceof EventMappingError)) throw error;
        counts.skipped += 1;
        this.deps.logger.warn(
          { calendarId: target.ref.calendarId, googleEventId: event.id ?? null, error: error.message },
          'Skipped an event that could not be mapped',
        );
      }
    }
    return { upserts: [...upserts.values()], deletions: [...deletions], listedIds };
  }
}
