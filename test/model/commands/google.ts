import type { calendar_v3 } from '@googleapis/calendar';
import {
  attendeesOf,
  hasModifiedExceptions,
  type Model,
  type ModelEvent,
  type Person,
  type ResponseStatus,
} from '../model.js';
import {
  ModelCommand,
  choose,
  describeChange,
  describeSpec,
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
import { deleteAllowed } from './crm.js';
import {
  googleAttendees,
  googlePatchOf,
  googleReminders,
  googleRrule,
  googleTime,
  meetRequest,
} from './event-bodies.js';

/** What people do in Google Calendar, through the official client as themselves. */

const GOOGLE_DEFAULT_REMINDERS = { useDefault: true, overrides: [] };

export class GoogleCreate extends ModelCommand {
  readonly name = 'google.create';
  constructor(
    readonly organizer: Person,
    readonly spec: EventSpec,
  ) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return allowedSpec(m, this.spec);
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const { world } = r;
    const key = m.events.length;
    const title = titleFor(key, this.spec.word);
    const resolved = resolveTiming(this.spec.timing, world.zoneOf(this.organizer));
    // An all-day event made in Google carries dates only: its zone is the calendar's.
    const timing = resolved.allDay ? { ...resolved, zone: world.zoneOf(this.organizer) } : resolved;
    // Google needs the zone of a recurring timed event; a single one may go with an offset only.
    const withZone = this.spec.timing.zone !== null || this.spec.series !== null;
    const attendees = this.spec.attendees.filter(
      (a, i, all) =>
        (a.who !== this.organizer || m.gates.knownDefects) && all.findIndex((b) => b.who === a.who) === i,
    );
    const requestBody: calendar_v3.Schema$Event = {
      summary: title,
      start: googleTime(timing.start, timing, withZone),
      end: googleTime(timing.end, timing, withZone),
    };
    if (this.spec.description !== null) requestBody.description = this.spec.description;
    if (this.spec.location !== null) requestBody.location = this.spec.location;
    if (attendees.length > 0) requestBody.attendees = googleAttendees(world, attendees);
    const eventReminders = reminders(this.spec.reminders, GOOGLE_DEFAULT_REMINDERS);
    if (this.spec.reminders !== 'omit') requestBody.reminders = googleReminders(eventReminders);
    if (this.spec.series !== null) requestBody.recurrence = [googleRrule(this.spec.series)];
    if (this.spec.conference) requestBody.conferenceData = meetRequest();
    const google = await world.google(this.organizer);
    const { data } = await google.events.insert({
      calendarId: 'primary',
      sendUpdates: 'all',
      conferenceDataVersion: this.spec.conference ? 1 : 0,
      requestBody,
    });
    m.events.push({
      key,
      organizer: this.organizer,
      origin: 'google',
      googleId: data.id ?? '',
      crmId: null,
      inGoogle: true,
      title,
      description: this.spec.description,
      location: this.spec.location,
      timing,
      reminders: eventReminders,
      attendees: Object.fromEntries(
        attendees.map((a) => [a.who, { optional: a.optional, response: ownAnswer(a.who, this.organizer) }]),
      ),
      series: this.spec.series === null ? null : { ...this.spec.series },
      conference: this.spec.conference,
      exceptions: {},
      link: null,
      inviteeLinks: {},
      deleted: false,
    });
    world.note(`  E${key} = Google ${data.id ?? '?'}`);
  }

  toString(): string {
    return `GoogleCreate(${this.organizer}: ${describeSpec({ ...this.spec, link: null })})`;
  }
}

export class GoogleUpdate extends ModelCommand {
  readonly name = 'google.update';
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
        reachableInGoogle(m, e) &&
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
    await r.world.waitInGoogle(e);
    const google = await r.world.google(e.organizer);
    // The user changes what Google shows; a CRM change landing between the read and the write
    // makes the write answer 412 (If-Match), and the user starts again from the new copy, as
    // Google's own apps do.
    for (let attempt = 1; ; attempt++) {
      const { data: current } = await google.events.get({ calendarId: 'primary', eventId: e.googleId });
      const planned = this.plan(m, r, e, current);
      if (planned === undefined) return;
      r.world.note(`  E${e.key}: Google patch ${JSON.stringify(planned.requestBody)}`);
      try {
        await google.events.patch(
          {
            calendarId: 'primary',
            eventId: e.googleId,
            sendUpdates: 'all',
            conferenceDataVersion: planned.conference ? 1 : 0,
            requestBody: planned.requestBody,
          },
          { headers: { 'If-Match': current.etag ?? '*' } },
        );
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status !== 412 || attempt >= 5) throw error;
        r.world.note(`  E${e.key}: Google answered 412 (changed since read); read again`);
        continue;
      }
      Object.assign(e, planned.next);
      return;
    }
  }

  /** The patch of Google's copy `current`, and the model event it makes; undefined when nothing is left to change. */
  private plan(
    m: Readonly<Model>,
    r: Real,
    e: ModelEvent,
    current: calendar_v3.Schema$Event,
  ): { requestBody: calendar_v3.Schema$Event; next: ModelEvent; conference: boolean } | undefined {
    const changes = plannedChanges(m, e, this.changes);
    let next = structuredClone(e);
    let requestBody: calendar_v3.Schema$Event = {};
    for (const change of changes) {
      const removed = removedAttendee(next, change);
      if (change.kind === 'addAttendee' || change.kind === 'removeAttendee') {
        // Google's guest list as it is now (a CRM change may not have been pushed yet).
        const email = r.world
          .emailOf(change.kind === 'addAttendee' ? change.who : (removed ?? 'guest'))
          .toLowerCase();
        const listed = (current.attendees ?? []).some((a) => a.email?.toLowerCase() === email);
        if (listed === (change.kind === 'addAttendee')) {
          r.world.note(
            `  E${e.key}: ${describeChange(change)} skipped: Google's guest list is not there yet`,
          );
          continue;
        }
      }
      const trial = structuredClone(next);
      applyChange(trial, change, removed);
      const patch = googlePatchOf(
        trial,
        change,
        trial.timing,
        { ...current, ...requestBody },
        r.world,
        removed,
      );
      requestBody = { ...requestBody, ...patch };
      next = trial;
    }
    if (Object.keys(requestBody).length === 0) return undefined;
    return { requestBody, next, conference: changes.some((c) => c.kind === 'conference') };
  }

  toString(): string {
    return `GoogleUpdate(#${this.pick}: ${this.changes.map(describeChange).join(', ')})`;
  }
}

export class GoogleDelete extends ModelCommand {
  readonly name = 'google.delete';
  constructor(readonly pick: number) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return targets(m, (e) => reachableInGoogle(m, e) && deleteAllowed(m, e));
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    await r.world.waitInGoogle(e);
    const google = await r.world.google(e.organizer);
    await google.events.delete({ calendarId: 'primary', eventId: e.googleId, sendUpdates: 'all' });
    e.deleted = true;
  }

  toString(): string {
    return `GoogleDelete(#${this.pick})`;
  }
}

/** Attendees who can answer in Google (anyone invited but the organizer). */
function answerers(e: ModelEvent): Person[] {
  return attendeesOf(e).filter((p) => p !== e.organizer);
}

export class GoogleRsvp extends ModelCommand {
  readonly name = 'google.rsvp';
  constructor(
    readonly pick: number,
    readonly who: number,
    readonly response: Exclude<ResponseStatus, 'needsAction'>,
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return targets(m, (e) => reachableInGoogle(m, e) && !hasModifiedExceptions(e) && answerers(e).length > 0);
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined) return;
    const who = choose(answerers(e), this.who);
    if (who === undefined) return;
    await r.world.waitInGoogle(e);
    const google = await r.world.google(who);
    const email = r.world.emailOf(who).toLowerCase();
    r.world.note(`  ${who} answers E${e.key} in Google: ${this.response}`);
    // The guest list sent is the one read: written only if it is still Google's (see GoogleUpdate).
    for (let attempt = 1; ; attempt++) {
      const { data } = await google.events.get({ calendarId: 'primary', eventId: e.googleId });
      const attendees = (data.attendees ?? []).map((a) =>
        a.email?.toLowerCase() === email ? { ...a, responseStatus: this.response } : a,
      );
      try {
        await google.events.patch(
          { calendarId: 'primary', eventId: e.googleId, sendUpdates: 'all', requestBody: { attendees } },
          { headers: { 'If-Match': data.etag ?? '*' } },
        );
        break;
      } catch (error) {
        if ((error as { status?: number }).status !== 412 || attempt >= 5) throw error;
        r.world.note(`  E${e.key}: Google answered 412 (changed since read); read again`);
      }
    }
    const attendee = e.attendees[who];
    if (attendee !== undefined) attendee.response = this.response;
  }

  toString(): string {
    return `GoogleRsvp(#${this.pick}, attendee #${this.who}: ${this.response})`;
  }
}
