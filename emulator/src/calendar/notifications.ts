import type { EmulatorState } from '../state/emulator-state.js';
import type { MailKind } from '../state/mailbox.js';
import type { EventData, StoredEvent } from '../state/types.js';
import { formatTimestamp } from '../time.js';

export type SendUpdates = 'all' | 'externalOnly' | 'none';

/** Fields whose change makes Google email an updated invitation. */
const NOTIFIED_FIELDS: ReadonlyArray<keyof EventData> = [
  'summary',
  'description',
  'location',
  'start',
  'end',
  'recurrence',
  'status',
  'hangoutLink',
  'organizer',
];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function subjectFor(kind: MailKind, data: EventData, responseStatus?: string): string {
  const title = data.summary ?? '(No title)';
  const when = data.start.date ?? data.start.dateTime ?? '';
  switch (kind) {
    case 'invitation':
      return `Invitation: ${title} @ ${when}`;
    case 'update':
      return `Updated invitation: ${title} @ ${when}`;
    case 'cancellation':
      return `Canceled event: ${title} @ ${when}`;
    case 'reply':
      return `${responseStatus ?? 'Reply'}: ${title} @ ${when}`;
  }
}

/**
 * Records the emails Google would send for an organizer's change: invitations to new guests,
 * cancellations to removed guests (or all guests on delete), updates when something guests see
 * changed. `none` (the default) sends nothing; `externalOnly` skips emulated users.
 */
export function recordOrganizerMail(
  state: EmulatorState,
  before: EventData | null,
  after: StoredEvent,
  sendUpdates: SendUpdates,
): void {
  // Imported events and private copies are the calendar's own: no guest hears of them.
  if (sendUpdates === 'none' || after.imported || after.data.privateCopy) return;
  const organizer = after.data.organizer.email;
  const guests = (data: EventData | null): Set<string> =>
    new Set((data?.attendees ?? []).map((a) => a.email).filter((email) => email !== organizer));
  const wasLive = before !== null && before.status !== 'cancelled';
  const isLive = after.data.status !== 'cancelled';
  const previous = wasLive ? guests(before) : new Set<string>();
  const current = isLive ? guests(after.data) : new Set<string>();
  const changed = before !== null && NOTIFIED_FIELDS.some((field) => !same(before[field], after.data[field]));

  for (const email of current) {
    if (!previous.has(email)) send(state, { kind: 'invitation', to: email, event: after, sendUpdates });
    else if (changed) send(state, { kind: 'update', to: email, event: after, sendUpdates });
  }
  for (const email of previous) {
    if (current.has(email)) continue;
    send(state, {
      kind: 'cancellation',
      to: email,
      event: after,
      sendUpdates,
      shown: isLive ? after.data : before,
    });
  }
}

/** An attendee's RSVP, emailed to the organizer. */
export function recordReply(
  state: EmulatorState,
  event: StoredEvent,
  attendeeEmail: string,
  responseStatus: string,
  sendUpdates: SendUpdates,
): void {
  if (sendUpdates === 'none') return;
  const to = event.data.organizer.email;
  send(state, { kind: 'reply', to, from: attendeeEmail, event, sendUpdates, responseStatus });
}

interface Outgoing {
  kind: MailKind;
  to: string;
  from?: string;
  event: StoredEvent;
  sendUpdates: SendUpdates;
  shown?: EventData | null;
  responseStatus?: string;
}

function send(state: EmulatorState, mail: Outgoing): void {
  const { kind, to, event, responseStatus } = mail;
  const shown = mail.shown ?? event.data;
  if (mail.sendUpdates === 'externalOnly' && state.users.has(to)) return;
  state.mailbox.add({
    kind,
    to,
    from: mail.from ?? event.data.organizer.email,
    subject: subjectFor(kind, shown, responseStatus),
    eventId: event.id,
    iCalUID: event.data.iCalUID,
    calendarId: event.calendarId,
    summary: shown.summary ?? null,
    start: { ...shown.start },
    end: { ...shown.end },
    sequence: event.data.sequence,
    ...(responseStatus ? { responseStatus } : {}),
    sentAt: formatTimestamp(state.now()),
  });
}
