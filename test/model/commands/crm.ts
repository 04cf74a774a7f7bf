import {
  attendeesOf,
  hasModifiedExceptions,
  isCrmUser,
  type CrmUserName,
  type Model,
  type ModelEvent,
  type RecordName,
  type ResponseStatus,
} from '../model.js';
import {
  CRM_DEFAULT_REMINDERS,
  ModelCommand,
  choose,
  describeChange,
  describeSpec,
  isActive,
  reachableInGoogle,
  reminders,
  resolveTiming,
  targets,
  titleFor,
  type EventSpec,
  type FieldChange,
  type Real,
  ownAnswer,
} from './base.js';
import { allowedSpec } from './spec-gates.js';
import { applyChange, plannedChanges, removedAttendee, seriesAllows } from './changes.js';
import {
  crmCreateBody,
  crmLinkBody,
  crmReminders,
  crmTimes,
  rruleLines,
  type TimeStyle,
} from './event-bodies.js';

/** What a CRM user does through the CRM's REST API. */

interface CrmEventJson {
  id: string;
  google_event_id: string;
  title: string;
  description: string | null;
  location: string | null;
  all_day: boolean;
  time_zone: string | null;
  meet_link: string | null;
  attendees: { email: string; optional: boolean }[];
}

/**
 * Whether the CRM already shows what the change would set. The user edits what the CRM shows:
 * setting a field to the value shown is no change (the documented rule), even where Google has
 * meanwhile changed that field and the CRM has not pulled it yet.
 */
function crmShows(shown: CrmEventJson, next: ModelEvent, change: FieldChange): boolean {
  switch (change.kind) {
    case 'title':
      return shown.title === next.title;
    case 'description':
      return (shown.description ?? null) === change.value;
    case 'location':
      return (shown.location ?? null) === change.value;
    case 'zone':
      return !shown.all_day && shown.time_zone === change.zone;
    case 'conference':
      return (shown.meet_link !== null) === change.on;
    default:
      return false;
  }
}

/** A CRM user may write while connected; after a revocation the CRM accepts or answers 409. */
function mayWrite(m: Readonly<Model>, user: CrmUserName): boolean {
  return m.connection[user] !== 'disconnected';
}

/** An answer of a write made after the user's grant was revoked: accepted (pushed after the reconnect) or 409. */
function refusedForReauth(m: Readonly<Model>, user: CrmUserName, status: number, body: unknown): boolean {
  if (m.connection[user] !== 'revoked' || status !== 409) return false;
  const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
  if (code !== 'calendar_reauth_required') {
    throw new Error(
      `${user} (grant revoked): expected 409 calendar_reauth_required, got code ${String(code)}`,
    );
  }
  return true;
}

/** The organizer's CRM id of the event: known for CRM creates, else its pulled copy. */
async function organizerCopy(r: Real, e: ModelEvent): Promise<string> {
  if (e.crmId !== null) return e.crmId;
  if (!isCrmUser(e.organizer)) throw new Error(`E${e.key} is organized outside the CRM`);
  e.crmId = await r.world.waitForCrmCopy(e.organizer, e);
  return e.crmId;
}

/** Events whose organizer can change them in the CRM now. */
function organizedInCrm(m: Readonly<Model>, e: ModelEvent): boolean {
  if (!isCrmUser(e.organizer)) return false;
  // A Google create reaches the organizer's CRM by a pull, which needs an active connection.
  return isActive(m, e.organizer) || (e.crmId !== null && mayWrite(m, e.organizer));
}

export class CrmCreate extends ModelCommand {
  readonly name = 'crm.create';
  constructor(
    readonly organizer: CrmUserName,
    readonly spec: EventSpec,
    readonly style: TimeStyle,
  ) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return mayWrite(m, this.organizer) && allowedSpec(m, this.spec);
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const { world } = r;
    const key = m.events.length;
    const title = titleFor(key, this.spec.word);
    const timing = resolveTiming(this.spec.timing, world.zoneOf(this.organizer));
    const attendees = this.spec.attendees.filter(
      (a, i, all) =>
        (a.who !== this.organizer || m.gates.knownDefects) && all.findIndex((b) => b.who === a.who) === i,
    );
    const body = crmCreateBody(world, title, this.spec, timing, attendees, this.style);
    const res = await world.crm<CrmEventJson>(this.organizer, 'POST', '/calendar/events', body);
    if (refusedForReauth(m, this.organizer, res.status, res.body)) return;
    if (res.status !== 201) {
      throw new Error(
        `create answered ${res.status}: ${JSON.stringify(res.body)}\n  sent ${JSON.stringify(body)}`,
      );
    }
    m.events.push({
      key,
      organizer: this.organizer,
      origin: 'crm',
      googleId: res.body.google_event_id,
      crmId: res.body.id,
      inGoogle: false,
      title,
      description: this.spec.description,
      location: this.spec.location,
      timing,
      reminders: reminders(this.spec.reminders, CRM_DEFAULT_REMINDERS),
      attendees: Object.fromEntries(
        attendees.map((a) => [a.who, { optional: a.optional, response: ownAnswer(a.who, this.organizer) }]),
      ),
      series: this.spec.series === null ? null : { ...this.spec.series },
      conference: this.spec.conference,
      exceptions: {},
      link: this.spec.link === null ? null : { record: this.spec.link },
      inviteeLinks: {},
      deleted: false,
    });
    world.note(`  E${key} = CRM ${res.body.id} / Google ${res.body.google_event_id}`);
  }

  toString(): string {
    return `CrmCreate(${this.organizer}: ${describeSpec(this.spec)}; ${this.style})`;
  }
}

export class CrmUpdate extends ModelCommand {
  readonly name = 'crm.update';
  constructor(
    readonly pick: number,
    readonly changes: FieldChange[],
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return targets(
      m,
      (e) =>
        organizedInCrm(m, e) &&
        seriesAllows(e, this.changes) &&
        plannedChanges(m, e, this.changes).length > 0,
    );
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const organizer = e.organizer as CrmUserName;
    const id = await organizerCopy(r, e);
    const changes = plannedChanges(m, e, this.changes);
    const body: Record<string, unknown> = {};
    let next = structuredClone(e);
    // The event as the CRM shows it to the user who edits it.
    const shown = await r.world.crmOk<CrmEventJson>(organizer, 'GET', `/calendar/events/${id}`);
    for (const change of changes) {
      const removed = removedAttendee(next, change);
      const trial = structuredClone(next);
      applyChange(trial, change, removed);
      if (crmShows(shown, trial, change)) {
        r.world.note(`  E${e.key}: ${describeChange(change)} skipped: the CRM already shows it`);
        continue;
      }
      const part = this.bodyOf(r, shown, trial, change, removed);
      if (part === undefined) {
        r.world.note(
          `  E${e.key}: ${describeChange(change)} skipped: the CRM does not show the guest list the change needs yet`,
        );
        continue;
      }
      Object.assign(body, part);
      next = trial;
    }
    if (Object.keys(body).length === 0) return;
    r.world.note(`  E${e.key}: PATCH ${JSON.stringify(body)}`);
    const res = await r.world.crm(organizer, 'PATCH', `/calendar/events/${id}`, body);
    if (refusedForReauth(m, organizer, res.status, res.body)) return;
    if (res.status !== 200) throw new Error(`update answered ${res.status}: ${JSON.stringify(res.body)}`);
    Object.assign(e, next);
  }

  private bodyOf(
    r: Real,
    shown: CrmEventJson,
    next: ModelEvent,
    change: FieldChange,
    removed: ReturnType<typeof removedAttendee>,
  ): Record<string, unknown> | undefined {
    switch (change.kind) {
      case 'title':
        return { title: next.title };
      case 'description':
        return { description: change.value };
      case 'location':
        return { location: change.value };
      case 'move':
        return crmTimes(next.timing, 'instant');
      case 'allDay':
        return next.timing.allDay
          ? crmTimes(next.timing, 'instant')
          : { all_day: false, ...crmTimes(next.timing, 'instant') };
      case 'zone':
        return { time_zone: change.zone };
      case 'reminders':
        return { reminders: crmReminders(change.value) };
      case 'addAttendee':
      case 'removeAttendee': {
        // The user edits the guest list the CRM shows.
        const guests = shown.attendees.map((a) => ({ email: a.email, optional: a.optional }));
        const email = r.world
          .emailOf(change.kind === 'addAttendee' ? change.who : (removed ?? 'guest'))
          .toLowerCase();
        const listed = guests.some((a) => a.email.toLowerCase() === email);
        // A guest list the CRM has not caught up with yet: the user cannot add who is shown, nor
        // remove who is not.
        if (listed === (change.kind === 'addAttendee')) return undefined;
        if (change.kind === 'addAttendee') {
          return {
            attendees: [...guests, { email: r.world.emailOf(change.who), optional: change.optional }],
          };
        }
        return { attendees: guests.filter((a) => a.email.toLowerCase() !== email) };
      }
      case 'recurrence':
        return { recurrence: next.series === null ? null : rruleLines(next.series) };
      case 'conference':
        return { conference: change.on };
    }
  }

  toString(): string {
    return `CrmUpdate(#${this.pick}: ${this.changes.map(describeChange).join(', ')})`;
  }
}

export class CrmLink extends ModelCommand {
  readonly name = 'crm.link';
  constructor(
    readonly pick: number,
    readonly record: RecordName | null,
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return targets(m, (e) => organizedInCrm(m, e) && !hasModifiedExceptions(e));
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const organizer = e.organizer as CrmUserName;
    const id = await organizerCopy(r, e);
    const res = await r.world.crm(
      organizer,
      'PATCH',
      `/calendar/events/${id}`,
      crmLinkBody(r.world, this.record),
    );
    if (refusedForReauth(m, organizer, res.status, res.body)) return;
    if (res.status !== 200) throw new Error(`link answered ${res.status}: ${JSON.stringify(res.body)}`);
    e.link = this.record === null ? 'none' : { record: this.record };
  }

  toString(): string {
    return `CrmLink(#${this.pick} -> ${this.record ?? 'unlink'})`;
  }
}

export class CrmDelete extends ModelCommand {
  readonly name = 'crm.delete';
  constructor(readonly pick: number) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return targets(m, (e) => organizedInCrm(m, e) && deleteAllowed(m, e));
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const organizer = e.organizer as CrmUserName;
    const id = await organizerCopy(r, e);
    const res = await r.world.crm(organizer, 'DELETE', `/calendar/events/${id}`);
    if (refusedForReauth(m, organizer, res.status, res.body)) return;
    if (res.status !== 204) throw new Error(`delete answered ${res.status}: ${JSON.stringify(res.body)}`);
    e.deleted = true;
  }

  toString(): string {
    return `CrmDelete(#${this.pick})`;
  }
}

/**
 * Known defect #8 item 3: a cancelled meeting whose activity came from a contact among its
 * attendees keeps that activity scheduled. Without the known defects, the event cancelled on
 * either side has no contact (the guest, carol) among its attendees, unless linked in the CRM.
 */
export function deleteAllowed(m: Readonly<Model>, e: ModelEvent): boolean {
  if (m.gates.knownDefects) return true;
  return !attendeesOf(e).some((p) => p === 'guest' || p === 'carol');
}

/** Invitees in the CRM: the CRM users among the attendees who can reach their copy. */
function crmInvitees(m: Readonly<Model>, e: ModelEvent): CrmUserName[] {
  return attendeesOf(e).filter((p): p is CrmUserName => isCrmUser(p) && p !== e.organizer && isActive(m, p));
}

function invitationTargets(m: Readonly<Model>): ModelEvent[] {
  return targets(
    m,
    (e) => reachableInGoogle(m, e) && !hasModifiedExceptions(e) && crmInvitees(m, e).length > 0,
  );
}

export class CrmRsvp extends ModelCommand {
  readonly name = 'crm.rsvp';
  constructor(
    readonly pick: number,
    readonly who: number,
    readonly response: Exclude<ResponseStatus, 'needsAction'>,
  ) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return invitationTargets(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(invitationTargets(m), this.pick);
    if (e === undefined) return;
    const user = choose(crmInvitees(m, e), this.who);
    if (user === undefined) return;
    await r.world.waitInGoogle(e);
    const id = await r.world.waitForCrmCopy(user, e);
    r.world.note(`  ${user} answers E${e.key} (${id}): ${this.response}`);
    await r.world.crmOk(user, 'POST', `/calendar/events/${id}/rsvp`, { response: this.response }, 200);
    const attendee = e.attendees[user];
    if (attendee !== undefined) attendee.response = this.response;
  }

  toString(): string {
    return `CrmRsvp(#${this.pick}, invitee #${this.who}: ${this.response})`;
  }
}

export class CrmLinkInvitation extends ModelCommand {
  readonly name = 'crm.link-invitation';
  constructor(
    readonly pick: number,
    readonly who: number,
    readonly record: RecordName | null,
  ) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return invitationTargets(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(invitationTargets(m), this.pick);
    if (e === undefined) return;
    const user = choose(crmInvitees(m, e), this.who);
    if (user === undefined) return;
    await r.world.waitInGoogle(e);
    const id = await r.world.waitForCrmCopy(user, e);
    r.world.note(`  ${user} links their copy of E${e.key} (${id}) to ${this.record ?? 'nothing'}`);
    await r.world.crmOk(user, 'PATCH', `/calendar/events/${id}`, crmLinkBody(r.world, this.record), 200);
    e.inviteeLinks[user] = this.record === null ? 'none' : { record: this.record };
  }

  toString(): string {
    return `CrmLinkInvitation(#${this.pick}, invitee #${this.who} -> ${this.record ?? 'unlink'})`;
  }
}
