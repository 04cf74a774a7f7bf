import { googleErrors } from '../errors.js';
import { calendarsOf } from '../state/directory.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { AclRole, UserRecord } from '../state/types.js';

/**
 * Who may do what on a calendar, from its owner and its access control list.
 * See https://developers.google.com/workspace/calendar/api/concepts/sharing
 */
export const ACL_ROLES: readonly AclRole[] = ['freeBusyReader', 'reader', 'writer', 'owner'];

export function isAclRole(value: unknown): value is AclRole {
  return typeof value === 'string' && (ACL_ROLES as readonly string[]).includes(value);
}

/** True when `role` gives at least the access of `needed`. */
export function roleCovers(role: AclRole, needed: AclRole): boolean {
  return ACL_ROLES.indexOf(role) >= ACL_ROLES.indexOf(needed);
}

/** The role `email` has on `calendar`: owner for its owner, else its ACL rule, else none. */
export function roleOf(calendar: CalendarRecord, email: string): AclRole | undefined {
  if (calendar.meta.ownerEmail === email) return 'owner';
  return calendar.meta.acl?.find((grant) => grant.email === email)?.role;
}

/** Domains of consumer accounts, whose calendars share nothing with their domain by default. */
const CONSUMER_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * Whether `email` may read the calendar's free/busy: any role on it (its owner, or a sharing rule,
 * `freeBusyReader` included), or, as a Google Workspace domain shares by default, the primary
 * calendar of someone in the same domain. Secondary calendars and other domains need a share.
 */
export function freeBusyVisible(calendar: CalendarRecord, email: string): boolean {
  if (roleOf(calendar, email) !== undefined) return true;
  const owner = calendar.meta.ownerEmail;
  const domain = domainOf(owner);
  return calendar.meta.primary && domainOf(email) === domain && !CONSUMER_DOMAINS.has(domain);
}

export interface CalendarAccess {
  calendar: CalendarRecord;
  role: AclRole;
}

/**
 * Resolves `calendarId` (`primary` is the caller's primary calendar) for a call that needs
 * `needed`: a calendar the caller has no role on is 404 `notFound`, as if it did not exist; one
 * whose role is too low is 403 `forbidden`.
 */
export function accessCalendar(
  state: EmulatorState,
  user: UserRecord,
  calendarId: string,
  needed: AclRole,
): CalendarAccess {
  const id = calendarId === 'primary' ? user.email : calendarId.toLowerCase();
  const calendar = state.calendars.get(id);
  const role = calendar ? roleOf(calendar, user.email) : undefined;
  if (!calendar || !role) throw googleErrors.notFound();
  if (!roleCovers(role, needed)) throw googleErrors.forbidden();
  return { calendar, role };
}

/**
 * The calendars in `email`'s calendar list: their own (primary first), then the ones shared with
 * them, ordered by when their rule last changed. Google adds a calendar to the list of a user it is
 * shared with, and removes it when the rule goes.
 */
export function calendarsVisibleTo(state: EmulatorState, email: string): CalendarAccess[] {
  const owned = calendarsOf(state, email).map((calendar) => ({ calendar, role: 'owner' as const }));
  const shared: Array<CalendarAccess & { seq: number }> = [];
  for (const calendar of state.calendars.values()) {
    if (calendar.meta.ownerEmail === email) continue;
    const grant = calendar.meta.acl?.find((g) => g.email === email);
    if (grant) shared.push({ calendar, role: grant.role, seq: grant.seq });
  }
  shared.sort((a, b) => a.seq - b.seq);
  return [...owned, ...shared.map(({ calendar, role }) => ({ calendar, role }))];
}
