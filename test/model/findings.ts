import { attendeesOf, type ModelEvent } from './model.js';

/**
 * Divergences the convergence test found that are not among the known defects. Each has
 * a deterministic case in regressions.test.ts (failing until it is fixed) and is described in
 * docs/RELIABILITY.md. The generators keep away from them while `gates.openFindings` is false, so
 * that the randomized runs keep looking for new ones; the soak's `--open-findings` goes there too.
 */

/**
 * F1 (emulator): an all-day series expanded for an attendee whose calendar is in another zone than
 * the series' shows its dates shifted by a day (Google never moves all-day dates with a zone).
 */
export function allDaySeriesWithGuests(e: Pick<ModelEvent, 'series' | 'timing' | 'attendees'>): boolean {
  return e.series !== null && e.timing.allDay && attendeesOf(e as ModelEvent).length > 0;
}

/**
 * F2 (service): a "this and following" change made in the CRM while a Google change of the series
 * has not reached the CRM yet builds the new series from the CRM's stale copy: the Google change
 * (a guest removed, a description cleared) is lost from the new series. Without the open findings,
 * the organizer syncs before splitting (POST /calendar/sync), as if they had just opened the event.
 */

/**
 * F3 (service): a CRM create whose insert Google applied but whose answer was lost is retried
 * (409 duplicate, read back); a change made in Google in between (a new title) is overwritten by
 * the retry. Without the open findings, Google-side commands on an event made in the CRM wait until
 * the CRM has had Google's answer (World.waitInGoogle).
 */

/**
 * Fixed, kept as the replays in regressions.test.ts: F4, a time zone change alone (the same
 * instants) never reached Google (start and end now compare with their zones when both name one);
 * F5, removing in the CRM the attendee a contact link came from kept the link and its activity.
 */

/**
 * F6 (service): a meeting in a zone other than its calendar's, made all-day in the CRM, loses its
 * zone (the all-day copy carries none, and the pull puts in the calendar's zone), so made timed
 * again it is in the calendar's zone. Without the open findings, the CRM toggles all-day only on
 * meetings in their calendar's zone.
 */
export function allDayToggleLosesZone(e: Pick<ModelEvent, 'timing'>, calendarZone: string): boolean {
  return e.timing.zone !== calendarZone;
}

/**
 * F7 (fixed): an occurrence "changed" in the CRM to what it already was became an exception row
 * Google never had, and later series changes made in Google did not reach it; the push now lets
 * such a row go, so the occurrence follows its series again.
 */

/**
 * F8 (service): a CRM link set on a meeting made in the CRM (here in a zone other than the
 * calendar's) that Google renames before and after the link is pushed ends with no link in the
 * CRM. Found by a random seed; the CI form runs a fixed seed that does not take this path.
 */
