import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { ActivityService } from '../crm/index.js';
import type { Db } from '../../adapters/db/database.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { EventRow } from '../events/index.js';
import type { GoogleEvent } from '../../adapters/google/calendar-api.js';
import { EventMappingError, googleEventToRow, type MappedEventRow } from '../events/index.js';
import { pulledPagesRepository, type DoomedRow, type UpsertedEventRow } from '../events/index.js';
import { movedEventsRepository } from '../events/index.js';
import { skippedEventsRepository, type SkippedEvent } from '../calendars/index.js';
import { storableValue } from '../../kernel/storable-text.js';
import { keepLocalLinks } from './local-links.js';
import { isMeetingType } from '../../kernel/event-types.js';
import { linkAttendeeContacts, refreshMeetings } from './meeting-links.js';
import type { PullMetrics } from './pull-metrics.js';
import { emptyCounts, type CalendarRef, type PullCounts } from './pull.types.js';

type Trx = Transaction<Database>;

/** Recomputes events' reminder notifications whenever their rows change (the notifications module). */
export interface ReminderScheduler {
  /** The whole page at once: a few statements, not a few per event. */
  scheduleForEvents(trx: Trx, rows: readonly EventRow[]): Promise<void>;
}

interface PageWriterDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  activities: ActivityService;
  metrics: PullMetrics;
  reminders?: ReminderScheduler | undefined;
}

/** What a page is written against. */
interface PageTarget {
  ref: CalendarRef;
  calendarTimeZone: string | null;
  /** The full listing's generation when the page belongs to one; null for incremental pages. */
  generation: number | null;
  /** Bookkeeping that must commit with the page (next page token, sync token). */
  finish: (trx: Trx) => Promise<void>;
  /**
   * Moves between the user's calendars (events.move keeps the event's id), which the row follows
   * instead of being deleted and inserted again: `from`, the other calendars an event new to this
   * one may have been moved from; `movedAway`, the cancelled events of this page that Google now
   * has on another of them (Google id to CRM calendar id).
   */
  moves?: { from: readonly string[]; movedAway: ReadonlyMap<string, string> };
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
 * Applies one page of `events.list` to the CRM copy in ONE transaction: maps each event (its text
 * made storable; one that cannot be mapped, or that the database refuses, is logged, counted and
 * set aside in the calendar's skipped events with the reason), keeps the links the CRM decided on that
 * Google's copy cannot carry, links meetings' attendees to contacts, upserts the page
 * in one statement, deletes what Google cancelled, refreshes meeting activities and reminders, and
 * commits the caller's bookkeeping with it. A page either lands whole or not at all, so a pull cut
 * short anywhere resumes without duplicates or holes.
 */
export class PageWriter {
  constructor(private readonly deps: PageWriterDeps) {}

  async write(target: PageTarget, items: readonly GoogleEvent[]): Promise<PullCounts> {
    let written: WrittenPage;
    try {
      written = await this.store(target, items, { oneByOne: false });
    } catch (error) {
      if (!isRefusedValue(error)) throw error;
      // Something in the page the database will not take: the page again, each event on its own
      // (a savepoint each), so only the events it refuses are set aside.
      this.deps.logger.warn(
        { calendarId: target.ref.calendarId, error: messageOf(error) },
        'The database refused an event of a pulled page; writing the page one event at a time',
      );
      written = await this.store(target, items, { oneByOne: true });
    }
    for (const skip of written.skipped) {
      this.deps.logger.warn(
        { calendarId: target.ref.calendarId, googleEventId: skip.googleEventId, error: skip.reason },
        'Skipped an event the CRM cannot store',
      );
    }
    this.deps.metrics.recordCounts(written.counts);
    this.deps.metrics.recordSanitised(written.sanitised);
    return written.counts;
  }

  /** Maps and writes the page in one transaction; `oneByOne` upserts each event under its own savepoint. */
  private async store(
    target: PageTarget,
    items: readonly GoogleEvent[],
    options: { oneByOne: boolean },
  ): Promise<WrittenPage> {
    const counts = emptyCounts();
    counts.fetched = items.length;
    const { upserts, deletions, listedIds, skipped, sanitised } = this.map(target, items);
    const { db, activities, logger, clock } = this.deps;

    await db.transaction().execute(async (trx) => {
      const now = clock.now();
      // First, so that what follows sees the rows where the events now are.
      const moved = await followMoves(trx, target, upserts, now);
      if (moved > 0)
        logger.info({ calendarId: target.ref.calendarId, moved }, 'Followed events moved in Google');
      // Only meetings are linked to CRM records (src/kernel/event-types.ts).
      const meetings = upserts.filter((row) => isMeetingType(row.event_type));
      await keepLocalLinks(trx, target.ref, meetings);
      const attendeeContacts = await linkAttendeeContacts(trx, activities, target.ref.tenantId, meetings);
      const upsertOptions = { now, generation: target.generation };
      const { changed, stored } = options.oneByOne
        ? await upsertOneByOne(trx, target.ref, upserts, upsertOptions, skipped)
        : {
            changed: await pulledPagesRepository.upsert(trx, target.ref, upserts, upsertOptions),
            stored: upserts,
          };
      if (target.generation !== null) {
        // Rows the upsert wrote carry the generation already; stamp the others the listing returned.
        const written = new Set(changed.map((row) => row.google_event_id));
        const unwritten = listedIds.filter((id) => !written.has(id));
        await pulledPagesRepository.markListed(trx, target.ref, target.generation, unwritten);
      }
      for (const row of changed) {
        if (row.inserted) counts.created += 1;
        else counts.updated += 1;
      }
      counts.unchanged = stored.length - changed.length;
      counts.deleted += await this.remove(
        trx,
        target.ref,
        await pulledPagesRepository.rowsOfDeletedEvents(trx, target.ref, deletions),
      );
      await refreshMeetings(trx, activities, logger, changed, attendeeContacts);
      await this.deps.reminders?.scheduleForEvents(
        trx,
        changed.filter((row) => needsReminders(row, now)),
      );
      if (items.length > 0) {
        const settledIds = [...stored.map((row) => row.google_event_id), ...deletions];
        await skippedEventsRepository.record(trx, target.ref, { skipped, settledIds, now });
      }
      await target.finish(trx);
    });
    counts.skipped = skipped.length;
    return { counts, skipped, sanitised };
  }

  /**
   * Of the page's cancelled events, the ones the calendar held the organizer's copy of as a meeting
   * or series: the only rows a move in Google can take away (the pull checks where they went).
   */
  async organizerTombstones(ref: CalendarRef, items: readonly GoogleEvent[]): Promise<string[]> {
    const cancelled = items.flatMap((item) =>
      item.status === 'cancelled' && typeof item.id === 'string' && item.recurringEventId == null
        ? [item.id]
        : [],
    );
    return movedEventsRepository.organizerCopies(this.deps.db, ref, cancelled);
  }

  /**
   * After the last page of a full listing: deletes what the listing no longer has (in the
   * transaction that stores the new sync token).
   */
  async reconcile(trx: Trx, ref: CalendarRef, generation: number, listingStartedAt: Date): Promise<number> {
    const missing = await pulledPagesRepository.rowsMissingFromListing(
      trx,
      ref,
      generation,
      listingStartedAt,
    );
    const deleted = await this.remove(trx, ref, missing);
    if (deleted > 0) this.deps.metrics.recordCounts({ ...emptyCounts(), deleted });
    await skippedEventsRepository.forgetOlderThan(trx, ref, listingStartedAt);
    return deleted;
  }

  /**
   * Removes the rows of CRM deletes Google had applied before this listing started: kept only so
   * that a listing taken before the delete could not bring them back, they are settled once a
   * listing that started after them completes (it saw the cancellation, or nothing to bring back).
   */
  async forgetSettledDeletes(trx: Trx, ref: CalendarRef, listingStartedAt: Date): Promise<void> {
    await pulledPagesRepository.deleteSettledDeletes(trx, ref, listingStartedAt);
  }

  private async remove(trx: Trx, ref: CalendarRef, rows: readonly DoomedRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.deps.activities.cancelMeetings(rows, trx);
    return pulledPagesRepository.deleteRows(
      trx,
      ref,
      rows.map((row) => row.id),
    );
  }

  /**
   * Maps the page's events. Every string is made storable first (src/kernel/storable-text.ts: NUL
   * removed, lone surrogates replaced); an event that still cannot be mapped is set aside with the
   * reason, and so is one whose id itself had to change (it would no longer name Google's event).
   */
  private map(target: PageTarget, items: readonly GoogleEvent[]) {
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
    const skipped: SkippedEvent[] = [];
    let sanitised = 0;
    for (const item of items) {
      const event = storableValue(item);
      if (event !== item) sanitised += 1;
      const idChanged = typeof item.id === 'string' && event.id !== item.id;
      if (typeof event.id === 'string' && event.id !== '' && !idChanged) listedIds.push(event.id);
      try {
        if (idChanged)
          throw new EventMappingError(event.id ?? null, 'its id holds characters the database cannot store');
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
        const googleEventId = error.googleEventId ?? (typeof event.id === 'string' ? event.id : null);
        skipped.push({ googleEventId, reason: error.reason });
      }
    }
    return { upserts: [...upserts.values()], deletions: [...deletions], listedIds, skipped, sanitised };
  }
}

/**
 * Moves the rows of events Google moved between the user's calendars: the page's cancelled events
 * that now live in another calendar go there, and the organizer's copies new to this calendar come
 * from the other calendar that still holds them (the organizer's copy is in one calendar only, so
 * a row elsewhere saying it is the organizer's is the event before it moved). Returns how many rows
 * moved.
 */
async function followMoves(
  trx: Trx,
  target: PageTarget,
  upserts: readonly MappedEventRow[],
  now: Date,
): Promise<number> {
  if (target.moves === undefined) return 0;
  const { ref } = target;
  let moved = 0;
  for (const [googleEventId, calendarId] of target.moves.movedAway) {
    moved += await movedEventsRepository.moveTo(
      trx,
      { ...ref, calendarId },
      [ref.calendarId],
      [googleEventId],
      now,
    );
  }
  const arriving = upserts
    .filter((row) => row.organizer_self && isMeetingType(row.event_type))
    .map((row) => row.google_event_id);
  moved += await movedEventsRepository.moveTo(trx, ref, target.moves.from, arriving, now);
  return moved;
}

/** What one page write did: its counts, the events set aside, and how many were made storable. */
interface WrittenPage {
  counts: PullCounts;
  skipped: SkippedEvent[];
  sanitised: number;
}

/**
 * SQLSTATE classes of a value the database refuses to store: 22 (data exception: a date out of
 * range, an invalid byte sequence...) and 54 (a limit exceeded, such as an index entry too large).
 */
function isRefusedValue(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(22|54)/.test(code);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Upserts a page one row at a time, each under a savepoint: a row the database refuses is rolled
 * back alone and set aside (added to `skipped`) while the others are written.
 */
async function upsertOneByOne(
  trx: Trx,
  ref: CalendarRef,
  rows: readonly MappedEventRow[],
  options: { now: Date; generation: number | null },
  skipped: SkippedEvent[],
): Promise<{ changed: UpsertedEventRow[]; stored: MappedEventRow[] }> {
  const changed: UpsertedEventRow[] = [];
  const stored: MappedEventRow[] = [];
  for (const row of rows) {
    await sql`SAVEPOINT pulled_event`.execute(trx);
    try {
      changed.push(...(await pulledPagesRepository.upsert(trx, ref, [row], options)));
      await sql`RELEASE SAVEPOINT pulled_event`.execute(trx);
      stored.push(row);
    } catch (error) {
      if (!isRefusedValue(error)) throw error;
      await sql`ROLLBACK TO SAVEPOINT pulled_event`.execute(trx);
      skipped.push({
        googleEventId: row.google_event_id,
        reason: `the database refused it: ${messageOf(error)}`,
      });
    }
  }
  return { changed, stored };
}
