import type { EventType, Transparency } from './values.js';

/**
 * What Google's kinds of calendar items (`eventType`,
 * https://developers.google.com/workspace/calendar/api/guides/event-types) are to the CRM.
 * Only a default event is a meeting: it logs a meeting activity on CRM records, is linked to the
 * CRM contacts among its attendees and gets CRM reminders. Out-of-office and focus time are busy
 * time but not meetings; working-location and birthday items are neither; an event from Gmail (a
 * reservation) is not a meeting and is busy as its transparency says.
 */

/** Whether an event of this type is a meeting (activities, links by attendees, CRM reminders). */
export function isMeetingType(type: EventType): boolean {
  return type === 'default';
}

/** Whether an event of this type and transparency is busy time for availability. */
export function blocksTime(type: EventType, transparency: Transparency): boolean {
  if (type === 'workingLocation' || type === 'birthday') return false;
  return transparency !== 'transparent';
}
