import { randomBytes } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import {
  hasExceptions,
  hasModifiedExceptions,
  isCrmUser,
  liveOccurrences,
  occurrenceId,
  occurrenceTiming,
  type CrmUserName,
  type Model,
  type ModelEvent,
} from '../model.js';
import {
  ModelCommand,
  changedTiming,
  choose,
  isActive,
  reachableInGoogle,
  retitle,
  targets,
  type Real,
} from './base.js';
import { deleteAllowed } from './crm.js';
import {
  crmTimes,
  endedRecurrence,
  googleRrule,
  googleTimePatch,
  googleTime,
  untilBefore,
} from './event-bodies.js';

/** Occurrences of recurring series: this / following / all edits and deletes, from either side. */

export type Scope = 'this' | 'following' | 'all';

/** An occurrence change: a new title, or a move (minutes for timed series, a day for all-day ones). */
export type OccurrenceChange = { kind: 'title'; word: string } | { kind: 'move'; minutes: number };

function describe(change: OccurrenceChange): string {
  return change.kind === 'title' ? `title:${change.word}` : `move:${change.minutes}m`;
}

/** The occurrence a command targets: the `pick`-th still shown. */
function occurrenceOf(e: ModelEvent, pick: number): number | undefined {
  return choose(liveOccurrences(e), pick);
}

function moveOf(e: ModelEvent, change: OccurrenceChange): { kind: 'move'; days: number; minutes: number } {
  const minutes = change.kind === 'move' ? change.minutes : 0;
  return e.timing.allDay
    ? { kind: 'move', days: minutes >= 0 ? 1 : -1, minutes: 0 }
    : { kind: 'move', days: 0, minutes };
}

/**
 * Whether the scope can be modelled on this occurrence. "following" from the first occurrence is
 * the whole series; a split needs no exceptions from the occurrence on (what Google does with them
 * is not documented); a change of the whole series follows the series rules of changes.ts.
 */
function editAllowed(e: ModelEvent, index: number, scope: Scope, change: OccurrenceChange): boolean {
  const whole = scope === 'all' || (scope === 'following' && index === 0);
  // Moving a whole all-day series from one of its days "keeps the series' first date": not modelled.
  if (whole)
    return change.kind === 'move' ? !hasExceptions(e) && !e.timing.allDay : !hasModifiedExceptions(e);
  if (scope === 'following') return Object.keys(e.exceptions).every((k) => Number(k) < index);
  return true;
}

/** Whether deleting leaves a series with no occurrence: what the CRM then does is known defect #8 item 2. */
function emptiesSeries(e: ModelEvent, index: number, scope: Scope): boolean {
  const live = liveOccurrences(e);
  if (scope === 'this') return live.length === 1;
  if (scope === 'following') return index > 0 && live.every((i) => i >= index);
  return false;
}

/** Where occurrence `index` is now: its own times when it was moved, else the series'. */
function shownTiming(e: ModelEvent, index: number): ModelEvent['timing'] {
  const exception = e.exceptions[index];
  return exception?.kind === 'modified' ? exception.timing : occurrenceTiming(e.timing, e.series!, index);
}

/** Whether the delete cancels the whole series. */
function cancelsSeries(_e: ModelEvent, index: number, scope: Scope): boolean {
  return scope === 'all' || (scope === 'following' && index === 0);
}

/** Applies an edit of one occurrence, or of the whole series, to the model. */
function applyEdit(e: ModelEvent, index: number, scope: Scope, change: OccurrenceChange): void {
  const series = e.series;
  if (series === null) return;
  if (scope === 'all' || (scope === 'following' && index === 0)) {
    if (change.kind === 'title') e.title = retitle(e.title, change.word);
    else e.timing = changedTiming(e.timing, moveOf(e, change));
    return;
  }
  const existing = e.exceptions[index];
  const base =
    existing?.kind === 'modified'
      ? existing
      : { kind: 'modified' as const, title: e.title, timing: occurrenceTiming(e.timing, series, index) };
  const next =
    change.kind === 'title'
      ? { ...base, title: retitle(base.title, change.word) }
      : { ...base, timing: changedTiming(base.timing, moveOf(e, change)) };
  // An edit that changes nothing makes no exception (Google then has none either).
  if (
    existing === undefined &&
    next.title === e.title &&
    JSON.stringify(next.timing) === JSON.stringify(base.timing)
  )
    return;
  e.exceptions[index] = next;
}

/** The series that continues from occurrence `index` after a "following" split, as the model sees it. */
function continuation(
  m: Model,
  e: ModelEvent,
  index: number,
  change: OccurrenceChange,
  ids: { googleId: string; crmId: string | null; origin: 'crm' | 'google' },
): ModelEvent {
  const series = e.series!;
  const first = occurrenceTiming(e.timing, series, index);
  const next: ModelEvent = {
    ...structuredClone(e),
    key: m.events.length,
    ...ids,
    inGoogle: ids.origin === 'google',
    timing: change.kind === 'move' ? changedTiming(first, moveOf(e, change)) : first,
    title: change.kind === 'title' ? retitle(e.title, change.word) : e.title,
    series: { ...series, count: series.count - index },
    exceptions: {},
    inviteeLinks: {},
    // The CRM carries its link and Meet request over to the new series; Google's new series (made
    // by the test as Google's own page would) has neither.
    link: ids.origin === 'crm' ? e.link : null,
    conference: ids.origin === 'crm' ? e.conference : false,
  };
  for (const attendee of Object.values(next.attendees)) {
    // A new series: whether answers carry over is the side's choice; both sides must agree.
    if (attendee !== undefined) attendee.response = ids.origin === 'google' ? 'needsAction' : null;
  }
  return next;
}

/** Ends the model's series before occurrence `index` (its later exceptions go with it). */
function endBefore(e: ModelEvent, index: number): void {
  if (e.series === null) return;
  if (index === 0) {
    e.deleted = true;
    return;
  }
  e.series.count = index;
  for (const key of Object.keys(e.exceptions)) if (Number(key) >= index) delete e.exceptions[Number(key)];
}

function seriesTargets(
  m: Readonly<Model>,
  reachable: (e: ModelEvent) => boolean,
  allowed: (e: ModelEvent, index: number) => boolean,
  pick: number,
): ModelEvent[] {
  return targets(m, (e) => {
    if (e.series === null || !reachable(e)) return false;
    const index = occurrenceOf(e, pick);
    return index !== undefined && allowed(e, index);
  });
}

function crmReachable(m: Readonly<Model>, e: ModelEvent): boolean {
  return (
    isCrmUser(e.organizer) &&
    (isActive(m, e.organizer) || (e.crmId !== null && m.connection[e.organizer] !== 'disconnected'))
  );
}

/**
 * Waits until the organizer's CRM shows the occurrence (a Google change that moved it arrives by a
 * pull). While the grant is revoked the CRM cannot pull: an occurrence it does not show then is
 * not there to act on, and the command does nothing.
 */
async function crmShowsOccurrence(
  m: Readonly<Model>,
  r: Real,
  e: ModelEvent,
  apiId: string,
): Promise<boolean> {
  if (!e.inGoogle) return true;
  const organizer = e.organizer as CrmUserName;
  if (m.connection[organizer] === 'active') {
    await r.world.waitForCrmOccurrence(organizer, apiId);
    return true;
  }
  const shown = await r.world.crm(organizer, 'GET', `/calendar/events/${apiId}`);
  if (shown.status === 200) return true;
  r.world.note(`  E${e.key}: ${apiId} is not in ${organizer}'s CRM, which cannot sync now; nothing done`);
  return false;
}

/**
 * The CRM refuses to change an occurrence on its own while the series has not reached Google
 * (404, "not in Google Calendar yet"): nothing changes then.
 */
function notInGoogleYet(r: Real, e: ModelEvent, status: number, body: unknown): boolean {
  const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? '';
  if (status !== 404 || !message.includes('not in Google Calendar yet')) return false;
  r.world.note(`  refused: E${e.key} has not reached Google yet`);
  return true;
}

async function organizerSeriesId(r: Real, e: ModelEvent): Promise<string> {
  if (e.crmId === null) e.crmId = await r.world.waitForCrmCopy(e.organizer as CrmUserName, e);
  return e.crmId;
}

export class CrmOccurrenceEdit extends ModelCommand {
  readonly name = 'crm.occurrence-edit';
  constructor(
    readonly pick: number,
    readonly occurrence: number,
    readonly scope: Scope,
    readonly change: OccurrenceChange,
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return seriesTargets(
      m,
      (e) => crmReachable(m, e),
      (e, i) => editAllowed(e, i, this.scope, this.change),
      this.occurrence,
    );
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const index = occurrenceOf(e, this.occurrence)!;
    const organizer = e.organizer as CrmUserName;
    const seriesId = await organizerSeriesId(r, e);
    const apiId = `${seriesId}:${occurrenceId(e, index)}`;
    if (!(await crmShowsOccurrence(m, r, e, apiId))) return;
    const next = structuredClone(e);
    applyEdit(next, index, this.scope, this.change);
    const body: Record<string, unknown> = { scope: this.scope };
    if (this.change.kind === 'title') {
      const exception = e.exceptions[index];
      const shownTitle = this.scope === 'this' && exception?.kind === 'modified' ? exception.title : e.title;
      body.title = retitle(shownTitle, this.change.word);
    } else {
      // The occurrence's new times; with "all" the whole series moves by as much.
      const moved = changedTiming(shownTiming(e, index), moveOf(e, this.change));
      Object.assign(body, crmTimes(moved, 'instant'));
      delete body.all_day;
    }
    r.world.note(`  E${e.key} occurrence ${index}: PATCH ${apiId} ${JSON.stringify(body)}`);
    const res = await r.world.crm<{ id: string; google_event_id: string }>(
      organizer,
      'PATCH',
      `/calendar/events/${apiId}`,
      body,
    );
    if (m.connection[organizer] === 'revoked' && res.status === 409) return;
    if (notInGoogleYet(r, e, res.status, res.body)) return;
    if (res.status !== 200)
      throw new Error(`occurrence edit answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (this.scope === 'following' && index > 0) {
      const split = continuation(m, e, index, this.change, {
        googleId: res.body.google_event_id,
        crmId: res.body.id,
        origin: 'crm',
      });
      endBefore(e, index);
      m.events.push(split);
      r.world.note(
        `  E${split.key} = the split-off series, CRM ${res.body.id} / Google ${res.body.google_event_id}`,
      );
      return;
    }
    Object.assign(e, next);
  }

  toString(): string {
    return `CrmOccurrenceEdit(#${this.pick}, occurrence #${this.occurrence}, ${this.scope}: ${describe(this.change)})`;
  }
}

export class CrmOccurrenceDelete extends ModelCommand {
  readonly name = 'crm.occurrence-delete';
  constructor(
    readonly pick: number,
    readonly occurrence: number,
    readonly scope: Scope,
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return seriesTargets(
      m,
      (e) => crmReachable(m, e),
      // Emptying a series one occurrence at a time: known defect #8 item 2.
      (e, i) =>
        (m.gates.knownDefects || !emptiesSeries(e, i, this.scope)) &&
        (!cancelsSeries(e, i, this.scope) || deleteAllowed(m, e)),
      this.occurrence,
    );
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const index = occurrenceOf(e, this.occurrence)!;
    const organizer = e.organizer as CrmUserName;
    const seriesId = await organizerSeriesId(r, e);
    const apiId = `${seriesId}:${occurrenceId(e, index)}`;
    if (!(await crmShowsOccurrence(m, r, e, apiId))) return;
    r.world.note(`  E${e.key} occurrence ${index}: DELETE ${apiId}?scope=${this.scope}`);
    const res = await r.world.crm(organizer, 'DELETE', `/calendar/events/${apiId}?scope=${this.scope}`);
    if (m.connection[organizer] === 'revoked' && res.status === 409) return;
    if (notInGoogleYet(r, e, res.status, res.body)) return;
    if (res.status !== 204)
      throw new Error(`occurrence delete answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (this.scope === 'all') e.deleted = true;
    else if (this.scope === 'following') endBefore(e, index);
    else e.exceptions[index] = { kind: 'cancelled' };
    // A series with no occurrence left is cancelled (the fix of known defect #8 item 2).
    if (!e.deleted && liveOccurrences(e).length === 0) e.deleted = true;
  }

  toString(): string {
    return `CrmOccurrenceDelete(#${this.pick}, occurrence #${this.occurrence}, ${this.scope})`;
  }
}

/** A client-chosen Google event id (base32hex, as Google requires). */
function newGoogleId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('');
}

export class GoogleOccurrenceEdit extends ModelCommand {
  readonly name = 'google.occurrence-edit';
  constructor(
    readonly pick: number,
    readonly occurrence: number,
    readonly scope: Scope,
    readonly change: OccurrenceChange,
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return seriesTargets(
      m,
      // A split waits for the organizer's CRM changes to reach Google, which needs their connection.
      (e) =>
        reachableInGoogle(m, e) &&
        (this.scope !== 'following' || !isCrmUser(e.organizer) || isActive(m, e.organizer)),
      (e, i) => editAllowed(e, i, this.scope, this.change),
      this.occurrence,
    );
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const index = occurrenceOf(e, this.occurrence)!;
    await r.world.waitInGoogle(e);
    const google = await r.world.google(e.organizer);
    const series = e.series!;
    if (this.scope === 'this') {
      const next = structuredClone(e);
      applyEdit(next, index, 'this', this.change);
      const exception = next.exceptions[index];
      if (exception?.kind !== 'modified') {
        r.world.note(`  E${e.key} occurrence ${index}: the change changes nothing; not made`);
        return;
      }
      const requestBody: calendar_v3.Schema$Event =
        this.change.kind === 'title'
          ? { summary: exception.title }
          : {
              start: googleTimePatch(exception.timing.start, exception.timing),
              end: googleTimePatch(exception.timing.end, exception.timing),
            };
      r.world.note(
        `  E${e.key} occurrence ${index}: Google patch ${occurrenceId(e, index)} ${JSON.stringify(requestBody)}`,
      );
      await google.events.patch({
        calendarId: 'primary',
        eventId: occurrenceId(e, index),
        sendUpdates: 'all',
        requestBody,
      });
      Object.assign(e, next);
      return;
    }
    if (this.scope === 'all' || index === 0) {
      const next = structuredClone(e);
      applyEdit(next, index, 'all', this.change);
      const requestBody: calendar_v3.Schema$Event =
        this.change.kind === 'title'
          ? { summary: next.title }
          : {
              start: googleTimePatch(next.timing.start, next.timing),
              end: googleTimePatch(next.timing.end, next.timing),
            };
      r.world.note(`  E${e.key}: Google patch of the series ${JSON.stringify(requestBody)}`);
      await google.events.patch({
        calendarId: 'primary',
        eventId: e.googleId,
        sendUpdates: 'all',
        requestBody,
      });
      Object.assign(e, next);
      return;
    }
    // "This and following", as Google Calendar's own page does it: the series ends before the
    // occurrence and a new series with the change starts there. The new series copies what Google
    // has; the model copies its own view, so the organizer's CRM changes must have reached Google.
    if (isCrmUser(e.organizer)) await r.world.waitPushed(e.organizer, e.googleId);
    const { data: master } = await google.events.get({ calendarId: 'primary', eventId: e.googleId });
    const until = untilBefore(occurrenceTiming(e.timing, series, index));
    await google.events.patch({
      calendarId: 'primary',
      eventId: e.googleId,
      sendUpdates: 'all',
      requestBody: { recurrence: endedRecurrence(master.recurrence ?? [], until) },
    });
    const split = continuation(m, e, index, this.change, {
      googleId: newGoogleId(),
      crmId: null,
      origin: 'google',
    });
    const requestBody: calendar_v3.Schema$Event = {
      id: split.googleId,
      summary: split.title,
      start: googleTime(split.timing.start, split.timing, true),
      end: googleTime(split.timing.end, split.timing, true),
      recurrence: [googleRrule(split.series!)],
      attendees: (master.attendees ?? []).map((a) => ({
        email: a.email ?? '',
        ...(a.optional === true ? { optional: true } : {}),
      })),
      reminders: master.reminders ?? { useDefault: true },
    };
    if (master.description) requestBody.description = master.description;
    if (master.location) requestBody.location = master.location;
    r.world.note(
      `  E${e.key} split at ${index} in Google: UNTIL=${until}; E${split.key} = Google ${split.googleId}`,
    );
    await google.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody });
    endBefore(e, index);
    m.events.push(split);
  }

  toString(): string {
    return `GoogleOccurrenceEdit(#${this.pick}, occurrence #${this.occurrence}, ${this.scope}: ${describe(this.change)})`;
  }
}

export class GoogleOccurrenceDelete extends ModelCommand {
  readonly name = 'google.occurrence-delete';
  constructor(
    readonly pick: number,
    readonly occurrence: number,
    readonly scope: Scope,
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    // A series emptied in Google occurrence by occurrence: Google keeps an empty series, and what
    // the CRM should show then is not documented, so the model never goes there.
    return seriesTargets(
      m,
      (e) => reachableInGoogle(m, e),
      (e, i) => !emptiesSeries(e, i, this.scope) && (!cancelsSeries(e, i, this.scope) || deleteAllowed(m, e)),
      this.occurrence,
    );
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const index = occurrenceOf(e, this.occurrence)!;
    await r.world.waitInGoogle(e);
    const google = await r.world.google(e.organizer);
    if (this.scope === 'all' || (this.scope === 'following' && index === 0)) {
      r.world.note(`  E${e.key}: Google delete of the series`);
      await google.events.delete({ calendarId: 'primary', eventId: e.googleId, sendUpdates: 'all' });
      e.deleted = true;
      return;
    }
    if (this.scope === 'this') {
      r.world.note(`  E${e.key}: Google delete of occurrence ${index} (${occurrenceId(e, index)})`);
      await google.events.delete({
        calendarId: 'primary',
        eventId: occurrenceId(e, index),
        sendUpdates: 'all',
      });
      e.exceptions[index] = { kind: 'cancelled' };
      return;
    }
    const { data: master } = await google.events.get({ calendarId: 'primary', eventId: e.googleId });
    const until = untilBefore(occurrenceTiming(e.timing, e.series!, index));
    r.world.note(`  E${e.key}: Google ends the series before occurrence ${index} (UNTIL=${until})`);
    await google.events.patch({
      calendarId: 'primary',
      eventId: e.googleId,
      sendUpdates: 'all',
      requestBody: { recurrence: endedRecurrence(master.recurrence ?? [], until) },
    });
    endBefore(e, index);
  }

  toString(): string {
    return `GoogleOccurrenceDelete(#${this.pick}, occurrence #${this.occurrence}, ${this.scope})`;
  }
}
