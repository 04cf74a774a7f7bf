import {
  PEOPLE,
  attendeesOf,
  describeEvent,
  expectedInstances,
  isCrmUser,
  liveEvents,
  participants,
  type Model,
  type ModelEvent,
  type Reminders,
  type Timing,
} from '../model.js';
import type { World } from '../world.js';
import {
  attendeeSet,
  conferenceState,
  googleBound,
  googleReminders,
  reminderText,
  text,
  type GoogleEvent,
  type Report,
  type Snapshot,
} from './shared.js';

/**
 * What the run did against what both sides show: every person's calendar holds exactly the
 * events they take part in (nothing duplicated, nothing deleted still there), each with the
 * model's fields and occurrences (no edit lost), and each CRM copy with its CRM link.
 */

function modelTiming(
  report: Report,
  subject: string,
  timing: Timing,
  g: GoogleEvent,
  calendarZone: string,
  where: string,
): void {
  report.expect(subject, 'all-day', timing.allDay, typeof g.start?.date === 'string', where);
  report.expect(subject, 'start', timing.start, googleBound(g.start), where);
  report.expect(subject, 'end', timing.end, googleBound(g.end), where);
  if (!timing.allDay)
    report.expect(subject, 'time zone', timing.zone, g.start?.timeZone ?? calendarZone, where);
}

function modelAttendees(world: World, e: ModelEvent): string {
  return attendeeSet(
    attendeesOf(e).map((p) => {
      const a = e.attendees[p]!;
      return { email: world.emailOf(p), status: a.response ?? '*', optional: a.optional };
    }),
  );
}

/** Google's attendees with the answers the model does not know shown as `*`. */
function googleAttendeesAsModel(world: World, e: ModelEvent, g: GoogleEvent): string {
  return attendeeSet(
    (g.attendees ?? []).map((a) => {
      const person = world.personOf(a.email ?? '');
      const known = person === undefined ? undefined : e.attendees[person];
      return {
        email: a.email,
        status: known !== undefined && known.response === null ? '*' : a.responseStatus,
        optional: a.optional,
      };
    }),
  );
}

function remindersText(r: Reminders): string {
  return reminderText(r);
}

export async function checkModelEvent(
  report: Report,
  model: Model,
  world: World,
  snap: Snapshot,
  e: ModelEvent,
): Promise<void> {
  const subject = describeEvent(e);
  const g = snap.google[e.organizer].find((x) => x.id === e.googleId && x.status !== 'cancelled');
  if (g === undefined) return; // reported by the presence check
  const where = `the organizer's Google copy`;
  const zone = world.zoneOf(e.organizer);
  report.expect(subject, 'title', e.title, text(g.summary), where);
  report.expect(subject, 'description', e.description, text(g.description), where);
  report.expect(subject, 'location', e.location, text(g.location), where);
  modelTiming(report, subject, e.timing, g, zone, where);
  report.expect(subject, 'reminders', remindersText(e.reminders), googleReminders(g), where);
  report.expect(subject, 'attendees', modelAttendees(world, e), googleAttendeesAsModel(world, e, g), where);
  const conference = conferenceState(g);
  if (e.conference !== (conference !== 'none'))
    report.add(
      'model',
      subject,
      'Meet link',
      `expected ${e.conference ? 'one' : 'none'}, ${where} has ${conference}`,
    );
  if (e.series === null) return;
  const google = await world.google(e.organizer);
  const instances: GoogleEvent[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await google.events.instances({
      calendarId: 'primary',
      eventId: e.googleId,
      maxResults: 2500,
      ...(pageToken ? { pageToken } : {}),
    });
    instances.push(...(data.items ?? []));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  const live = instances.filter((i) => i.status !== 'cancelled');
  const expected = expectedInstances(e);
  const byId = new Map(live.map((i) => [i.id, i]));
  for (const x of expected) {
    const instance = byId.get(x.id);
    const at = `${subject}, occurrence ${x.index} (${x.id})`;
    if (instance === undefined) {
      report.add('model', at, 'occurrence', 'expected, Google does not have it');
      continue;
    }
    report.expect(at, 'title', x.title, text(instance.summary), 'Google');
    modelTiming(report, at, x.timing, instance, zone, 'Google');
  }
  const expectedIds = new Set(expected.map((x) => x.id));
  for (const instance of live) {
    if (!expectedIds.has(instance.id ?? '')) {
      report.add(
        'model',
        subject,
        'occurrence',
        `Google shows ${instance.id ?? '?'} ("${instance.summary ?? ''}"), which the run removed or never made`,
      );
    }
  }
}

/** The CRM link each participant's row must have. */
export function checkLinks(report: Report, model: Model, world: World, snap: Snapshot, e: ModelEvent): void {
  for (const user of participants(e).filter(isCrmUser)) {
    const row = snap.rows.find(
      (r) =>
        r.user_id === world.users[user].userId &&
        r.google_event_id === e.googleId &&
        r.recurring_event_id === null,
    );
    if (row === undefined) continue; // reported by the presence checks
    const subject = `${user}'s copy of ${describeEvent(e)}`;
    const link = user === e.organizer ? e.link : (e.inviteeLinks[user] ?? null);
    const actual = `${row.entity_source ?? 'null'}:${world.recordById(row.entity_id ?? '')?.name ?? row.entity_id ?? 'none'}`;
    if (link === 'none') {
      report.expect(subject, 'CRM link', 'none:none', actual, 'the CRM');
    } else if (link !== null) {
      report.expect(subject, 'CRM link', `crm:${link.record}`, actual, 'the CRM');
    } else {
      const own = world.users[user].email.toLowerCase();
      const emails = attendeesOf(e)
        .map((p) => world.emailOf(p))
        .filter((x) => x.toLowerCase() !== own);
      const contacts = world.contactsAmong(emails).map((c) => c.name);
      // Known defect #8 item 3: a meeting made in the CRM reports no link although a contact
      // among its attendees has its activity (the activity checks still hold it to the contact).
      const knownUnreported =
        !model.gates.knownDefects && user === e.organizer && e.origin === 'crm' && actual === 'null:none';
      if (contacts.length === 0) report.expect(subject, 'CRM link', 'null:none', actual, 'the CRM');
      else if (knownUnreported) continue;
      else if (row.entity_source !== 'attendee' || !contacts.some((c) => actual === `attendee:${c}`))
        report.add(
          'model',
          subject,
          'CRM link',
          `expected a link to one of its attendees (${contacts.join(', ')}), the CRM has ${actual}`,
        );
    }
  }
}

/** Every person's Google calendar holds exactly the live events they take part in. */
export function checkGoogleMembership(report: Report, model: Model, world: World, snap: Snapshot): void {
  for (const person of PEOPLE) {
    const expected = new Map(
      liveEvents(model)
        .filter((e) => participants(e).includes(person))
        .map((e) => [e.googleId, e]),
    );
    const live = snap.google[person].filter((g) => !g.recurringEventId && g.status !== 'cancelled');
    for (const g of live) {
      if (!expected.has(g.id ?? '')) {
        const known = model.events.find((e) => e.googleId === g.id);
        report.add(
          'model',
          `${person}'s Google calendar`,
          'events',
          known === undefined
            ? `has "${g.summary ?? ''}" (${g.id ?? '?'}), which the run never made (a duplicate?)`
            : `still has ${describeEvent(known)}, which the run ${known.deleted ? 'deleted' : `no longer invites ${person} to`}`,
        );
      }
    }
    const ids = new Set(live.map((g) => g.id));
    for (const e of expected.values()) {
      if (!ids.has(e.googleId))
        report.add('model', `${person}'s Google calendar`, 'events', `lacks ${describeEvent(e)}`);
    }
  }
}
