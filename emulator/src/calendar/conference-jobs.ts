import type { CalendarRecord, EmulatorState, PendingConference } from '../state/emulator-state.js';
import type { StoredEvent } from '../state/types.js';
import { propagateToCopies } from './attendees.js';
import { createdConference, isPending } from './conference.js';
import { commitEvent } from './event-commit.js';
import type { SendUpdates } from './notifications.js';
import { recordOrganizerMail } from './notifications.js';

/**
 * Conference creation is asynchronous, as on Google: a create request is answered `pending`, and
 * `settings.conferenceDelayMs` of emulator time later the event gets its Meet link (or, when a
 * conference fault says so, `failure`) as a new version: new etag, an entry in incremental sync,
 * a push notification, an updated invitation when the write asked for emails. Pending requests
 * are settled when they are due: on a real-time timer while the clock flows, on every Calendar API
 * request and admin clock change, and on `POST /__admin/conferences/settle` (all of them, due or
 * not), so tests drive them through the clock or that call instead of waiting.
 */
const key = (calendarId: string, eventId: string): string => `${calendarId}|${eventId}`;

/** After a write: a pending create request on `event` is queued (once per request id). */
export function queuePendingConference(
  state: EmulatorState,
  calendar: CalendarRecord,
  event: StoredEvent,
  sendUpdates: SendUpdates,
): void {
  if (!isPending(event.data)) return;
  const requestId = event.data.conferenceData?.createRequest?.requestId ?? '';
  const k = key(calendar.meta.id, event.id);
  if (state.pendingConferences.get(k)?.requestId === requestId) return;
  state.pendingConferences.set(k, {
    calendarId: calendar.meta.id,
    eventId: event.id,
    requestId,
    readyAtMs: state.now() + state.settings.conferenceDelayMs,
    sendUpdates,
  });
}

/** An event that moved calendar takes its pending request along. */
export function movePendingConference(state: EmulatorState, from: string, to: string, eventId: string): void {
  const job = state.pendingConferences.get(key(from, eventId));
  if (!job) return;
  state.pendingConferences.delete(key(from, eventId));
  state.pendingConferences.set(key(to, eventId), { ...job, calendarId: to });
}

/** Settles the pending requests that are due (all of them with `all`); returns how many. */
export function settleConferences(state: EmulatorState, all = false): number {
  if (state.pendingConferences.size === 0) return 0;
  const now = state.now();
  let settled = 0;
  for (const [k, job] of [...state.pendingConferences]) {
    if (!all && job.readyAtMs > now) continue;
    state.pendingConferences.delete(k);
    if (settle(state, job)) settled += 1;
  }
  return settled;
}

function settle(state: EmulatorState, job: PendingConference): boolean {
  const calendar = state.calendars.get(job.calendarId);
  const event = calendar?.store.get(job.eventId);
  // A request replaced, removed or deleted since is dropped.
  if (!calendar || !event || event.data.status === 'cancelled' || !isPending(event.data)) return false;
  if (event.data.conferenceData?.createRequest?.requestId !== job.requestId) return false;
  const failed = state.faults.takeConferenceFault();
  const { conferenceData, hangoutLink } = createdConference(job.requestId, failed);
  const before = event.data;
  const data = { ...event.data };
  delete data.hangoutLink;
  if (conferenceData) data.conferenceData = conferenceData;
  if (hangoutLink) data.hangoutLink = hangoutLink;
  const updated = commitEvent(state, calendar, { ...event, data });
  propagateToCopies(state, calendar, updated, before);
  recordOrganizerMail(state, before, updated, job.sendUpdates);
  return true;
}

/** The real-time side: a timer armed for the next due request while the clock flows. */
export class ConferenceTimer {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly state: EmulatorState) {
    state.onChange(() => this.arm());
  }

  /** Re-arms the timer for the earliest pending request (nothing to do while the clock is fixed). */
  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed || this.state.pendingConferences.size === 0) return;
    if (this.state.clock.state().fixedNowMs !== null) return;
    let next = Number.POSITIVE_INFINITY;
    for (const job of this.state.pendingConferences.values()) next = Math.min(next, job.readyAtMs);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        settleConferences(this.state);
        this.arm();
      },
      Math.max(0, next - this.state.now()),
    );
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
