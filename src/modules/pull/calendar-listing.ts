import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { ConnectionRef } from '../../kernel/refs.js';
import type { CalendarRow } from '../calendars/index.js';
import type { Database } from '../../adapters/db/tables/index.js';
import type { CalendarApi, EventsPage, GoogleEvent } from '../../adapters/google/calendar-api.js';
import { GoogleApiError } from '../../adapters/google/errors.js';
import type { CalendarSyncRepository } from '../calendars/index.js';
import type { PageWriter } from './page-writer.js';
import { emptyCounts, type CalendarRef, type PullCounts } from './pull.types.js';

interface ListingDeps {
  api: CalendarApi;
  calendars: CalendarSyncRepository;
  writer: PageWriter;
  clock: Clock;
  logger: Logger;
}

export interface ListingProgress {
  /** Events fetched so far in this listing. */
  fetched: number;
  pages: number;
  fullSync: boolean;
}

interface ListingInput {
  ref: CalendarRef;
  connection: ConnectionRef;
  calendar: CalendarRow;
  pageSize: number;
  /** List in full (new generation, deletions reconciled) even when a sync token exists. */
  forceFull: boolean;
  onPage: ((progress: ListingProgress) => void | Promise<void>) | undefined;
  signal: AbortSignal | undefined;
  /** Extends the pull lease; throws when it was lost. */
  heartbeat: () => Promise<void>;
}

interface ListingResult {
  counts: PullCounts;
  fullSync: boolean;
  pages: number;
}

/** The listing's state: its result so far, and the calendars its events may move to or from. */
type ListingState = ListingResult & { fetched: number; others: CalendarRow[] };

/** A pull stopped between pages by its AbortSignal; the pages written so far stay. */
export class PullAbortedError extends Error {}

type Trx = Transaction<Database>;

function isStatus(error: unknown, ...statuses: number[]): error is GoogleApiError {
  return error instanceof GoogleApiError && statuses.includes(error.status);
}

/**
 * Whether Google's answer to listing a calendar means the calendar is gone for this user: 404
 * `notFound` (deleted, or the user's access to it was removed) or 410 `deleted`
 * (https://developers.google.com/calendar/api/guides/errors). A 410 for an expired sync token is
 * not: its reason is `fullSyncRequired`.
 */
export function isCalendarGone(error: unknown): error is GoogleApiError {
  return isStatus(error, 404) || (isStatus(error, 410) && error.reason === 'deleted');
}

/**
 * One listing of a calendar: incremental with its sync token, else full. A full listing gets a
 * new generation (stamped on every row it returns), records its next page token with each page
 * (so a listing cut short resumes there), and on its last page deletes the rows it did not return
 * and stores the sync token, in the transaction of that page. `410 fullSyncRequired` on an
 * incremental listing drops the token and lists in full.
 */
export async function listCalendar(deps: ListingDeps, input: ListingInput): Promise<ListingResult> {
  const state: ListingState = {
    counts: emptyCounts(),
    fullSync: false,
    pages: 0,
    fetched: 0,
    // Moves need write access on both calendars (events.move).
    others: writable(input.calendar)
      ? await deps.calendars.otherWritableSelected(input.ref, input.connection.id)
      : [],
  };
  if (input.calendar.sync_token !== null && !input.forceFull) {
    try {
      await incremental(deps, input, input.calendar.sync_token, state);
      return resultOf(state);
    } catch (error) {
      if (!isStatus(error, 410) || isCalendarGone(error)) throw error;
      deps.logger.info({ ...input.ref }, 'Google asked for a full sync (410); listing the calendar again');
      await deps.calendars.dropSyncToken(input.ref, deps.clock.now());
    }
  }
  const calendar = (await deps.calendars.find(input.ref)) ?? input.calendar;
  await full(deps, input, calendar, state);
  return resultOf(state);
}

function resultOf(state: ListingState): ListingResult {
  return { counts: state.counts, fullSync: state.fullSync, pages: state.pages };
}

function writable(calendar: CalendarRow): boolean {
  return calendar.access_role === 'owner' || calendar.access_role === 'writer';
}

/**
 * Where the page's cancelled events went, when they may have been moved (events.move) rather than
 * deleted: each organizer's copy the calendar held is looked up in the user's other writable
 * selected calendars, and one that Google has there as the organizer's copy was moved. A move
 * keeps the event's id and leaves nothing else to tell it from a deletion. Costs one `events.get`
 * per such event and other calendar, none for a user who syncs one calendar.
 */
async function movesOf(
  deps: ListingDeps,
  input: ListingInput,
  state: ListingState,
  items: readonly GoogleEvent[],
): Promise<{ from: readonly string[]; movedAway: ReadonlyMap<string, string> } | undefined> {
  if (state.others.length === 0) return undefined;
  const movedAway = new Map<string, string>();
  const candidates = await deps.writer.organizerTombstones(input.ref, items);
  for (const googleEventId of candidates) {
    for (const other of state.others) {
      const there = await deps.api.getEvent(input.connection, other.google_calendar_id, googleEventId);
      // The organizer's copy (a guest's copy of the same event would also be live there).
      if (there !== null && there.status !== 'cancelled' && there.organizer?.self === true) {
        movedAway.set(googleEventId, other.id);
        break;
      }
    }
  }
  return { from: state.others.map((other) => other.id), movedAway };
}

async function afterPage(input: ListingInput, state: ListingState, page: EventsPage) {
  state.pages += 1;
  state.fetched += page.items.length;
  await input.heartbeat();
  await input.onPage?.({ fetched: state.fetched, pages: state.pages, fullSync: state.fullSync });
  if (input.signal?.aborted === true && page.nextPageToken !== null) {
    throw new PullAbortedError(`Pull stopped after ${state.pages} page(s)`);
  }
}

function add(into: PullCounts, counts: PullCounts): void {
  for (const key of Object.keys(counts) as (keyof PullCounts)[]) into[key] += counts[key];
}

async function incremental(deps: ListingDeps, input: ListingInput, syncToken: string, state: ListingState) {
  const { ref, calendar } = input;
  const startedAt = deps.clock.now();
  let pageToken: string | null = null;
  do {
    const page = await deps.api.listEventsPage(input.connection, {
      googleCalendarId: calendar.google_calendar_id,
      syncToken,
      pageToken,
      maxResults: input.pageSize,
    });
    const finish = async (trx: Trx) => {
      if (page.nextPageToken !== null) return;
      if (page.nextSyncToken === null)
        throw new GoogleApiError('events.list ended without a nextSyncToken', 502, undefined);
      await deps.writer.forgetSettledDeletes(trx, ref, startedAt);
      await deps.calendars.saveSyncToken(trx, ref, page.nextSyncToken, deps.clock.now(), { fullSync: false });
    };
    const moves = await movesOf(deps, input, state, page.items);
    add(
      state.counts,
      await deps.writer.write(
        { ref, calendarTimeZone: calendar.time_zone, generation: null, finish, ...(moves ? { moves } : {}) },
        page.items,
      ),
    );
    pageToken = page.nextPageToken;
    await afterPage(input, state, page);
  } while (pageToken !== null);
}

async function full(deps: ListingDeps, input: ListingInput, calendar: CalendarRow, state: ListingState) {
  const { ref } = input;
  state.fullSync = true;
  const resumable =
    !input.forceFull && calendar.full_sync_page_token !== null && calendar.full_sync_started_at !== null;
  let generation = calendar.full_sync_generation;
  let startedAt = calendar.full_sync_started_at ?? deps.clock.now();
  let pageToken: string | null = resumable ? calendar.full_sync_page_token : null;
  if (resumable) {
    deps.logger.info({ ...ref, generation }, 'Resuming an unfinished full sync');
  } else {
    startedAt = deps.clock.now();
    generation = await deps.calendars.beginFullSync(ref, startedAt);
  }
  let resuming = resumable;
  for (;;) {
    let page: EventsPage;
    try {
      page = await deps.api.listEventsPage(input.connection, {
        googleCalendarId: calendar.google_calendar_id,
        pageToken,
        maxResults: input.pageSize,
      });
    } catch (error) {
      // A saved page token Google no longer takes: list from the start under a new generation.
      if (!resuming || !isStatus(error, 400, 410) || isCalendarGone(error)) throw error;
      deps.logger.info({ ...ref }, 'Saved page token refused; restarting the full sync');
      startedAt = deps.clock.now();
      generation = await deps.calendars.beginFullSync(ref, startedAt);
      pageToken = null;
      resuming = false;
      continue;
    }
    resuming = false;
    const listingGeneration = generation;
    const listingStartedAt = startedAt;
    const finish = async (trx: Trx) => {
      if (page.nextPageToken !== null) {
        await deps.calendars.saveFullSyncProgress(trx, ref, page.nextPageToken);
        return;
      }
      if (page.nextSyncToken === null)
        throw new GoogleApiError('events.list ended without a nextSyncToken', 502, undefined);
      state.counts.deleted += await deps.writer.reconcile(trx, ref, listingGeneration, listingStartedAt);
      await deps.writer.forgetSettledDeletes(trx, ref, listingStartedAt);
      await deps.calendars.saveSyncToken(trx, ref, page.nextSyncToken, deps.clock.now(), { fullSync: true });
    };
    // A full listing has no cancelled events; those new here may have been moved from elsewhere.
    const moves =
      state.others.length > 0
        ? { moves: { from: state.others.map((other) => other.id), movedAway: new Map<string, string>() } }
        : {};
    add(
      state.counts,
      await deps.writer.write(
        { ref, calendarTimeZone: calendar.time_zone, generation: listingGeneration, finish, ...moves },
        page.items,
      ),
    );
    pageToken = page.nextPageToken;
    await afterPage(input, state, page);
    if (pageToken === null) return;
  }
}
