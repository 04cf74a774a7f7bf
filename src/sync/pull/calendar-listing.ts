import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { ConnectionRef } from '../../connections/connection.types.js';
import type { CalendarRow, Database } from '../../db/schema.js';
import type { CalendarApi, EventsPage } from '../../google/calendar-api.js';
import { GoogleApiError } from '../../google/errors.js';
import type { CalendarSyncRepository } from './calendar-sync.repository.js';
import type { PageWriter } from './page-writer.js';
import { emptyCounts, type CalendarRef, type PullCounts } from './pull.types.js';

export interface ListingDeps {
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

export interface ListingInput {
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

export interface ListingResult {
  counts: PullCounts;
  fullSync: boolean;
  pages: number;
}

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
  const state: ListingResult & { fetched: number } = {
    counts: emptyCounts(),
    fullSync: false,
    pages: 0,
    fetched: 0,
  };
  if (input.calendar.sync_token !== null && !input.forceFull) {
    try {
      await incremental(deps, input, input.calendar.sync_token, state);
      return state;
    } catch (error) {
      if (!isStatus(error, 410) || isCalendarGone(error)) throw error;
      deps.logger.info({ ...input.ref }, 'Google asked for a full sync (410); listing the calendar again');
      await deps.calendars.dropSyncToken(input.ref, deps.clock.now());
    }
  }
  const calendar = (await deps.calendars.find(input.ref)) ?? input.calendar;
  await full(deps, input, calendar, state);
  return state;
}

async function afterPage(input: ListingInput, state: ListingResult & { fetched: number }, page: EventsPage) {
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

async function incremental(
  deps: ListingDeps,
  input: ListingInput,
  syncToken: string,
  state: ListingResult & { fetched: number },
) {
  const { ref, calendar } = input;
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
      await deps.calendars.saveSyncToken(trx, ref, page.nextSyncToken, deps.clock.now(), { fullSync: false });
    };
    add(
      state.counts,
      await deps.writer.write(
        { ref, calendarTimeZone: calendar.time_zone, generation: null, finish },
        page.items,
      ),
    );
    pageToken = page.nextPageToken;
    await afterPage(input, state, page);
  } while (pageToken !== null);
}

async function full(
  deps: ListingDeps,
  input: ListingInput,
  calendar: CalendarRow,
  state: ListingResult & { fetched: number },
) {
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
      await deps.calendars.saveSyncToken(trx, ref, page.nextSyncToken, deps.clock.now(), { fullSync: true });
    };
    add(
      state.counts,
      await deps.writer.write(
        { ref, calendarTimeZone: calendar.time_zone, generation: listingGeneration, finish },
        page.items,
      ),
    );
    pageToken = page.nextPageToken;
    await afterPage(input, state, page);
    if (pageToken === null) return;
  }
}
