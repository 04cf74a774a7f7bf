import { googleErrors } from '../errors.js';
import { calendarsOf } from '../state/directory.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import type { CalendarListRecord } from '../state/calendar-lists.js';
import type { AclRole, UserRecord } from '../state/types.js';

/**
 * Who may do what on a calendar, from its owner and its access control list.
 * See https://developers.google.com/workspace/calendar/api/concepts/sharing
 */
const ACL_ROLES: readonly AclRole[] = ['freeBusyReader', 'reader', 'writer', 'owner'];

export function isAclRole(value: unknown): value is AclRole {
  return typeof value === 'string' && (ACL_ROLES as readonly string[]).includes(value);
}

/** True when `role` gives at least the access of `needed`. */
export function roleCovers(role: AclRole, needed: AclRole): boolean {
  return ACL_ROLES.indexOf(role) >= ACL_ROLES.indexOf(needed);
}

/** The role `email` has on `calendar`: owner for its owner, else its ACL rule, else none. */
function roleOf(calendar: CalendarRecord, email: string): AclRole | undefined {
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
 * The number that changes whenever `email`'s access to the calendar is granted again or changed:
 * 0 for its owner, the change number of their sharing rule for a grantee, -1 without access. Sync
 * tokens carry it, so that a token issued before an unshare (or a role change) is refused.
 */
export function accessEpoch(calendar: CalendarRecord, email: string): number {
  if (calendar.meta.ownerEmail === email) return 0;
  return calendar.meta.acl?.find((grant) => grant.email === email)?.seq ?? -1;
}

/** A calendar on the caller's list, with their role on it. */
export interface ListedCalendar extends CalendarAccess {
  entry: CalendarListRecord;
}

/**
 * The calendars on `email`'s calendar list that they still have a role on: their own (primary
 * first), then the ones shared with them, ordered by when their rule last changed. Google adds a
 * calendar to the list of a user it is shared with and removes it when the rule goes; a user may
 * also remove (unsubscribe from) a calendar, which keeps their access.
 */
export function calendarsVisibleTo(state: EmulatorState, email: string): ListedCalendar[] {
  const listed = (calendar: CalendarRecord) => {
    const entry = state.calendarLists.get(email, calendar.meta.id);
    return entry && !entry.deleted ? entry : undefined;
  };
  const owned: ListedCalendar[] = [];
  for (const calendar of calendarsOf(state, email)) {
    const entry = listed(calendar);
    if (entry) owned.push({ calendar, role: 'owner', entry });
  }
  const shared: Array<ListedCalendar & { seq: number }> = [];
  for (const calendar of state.calendars.values()) {
    if (calendar.meta.ownerEmail === email) continue;
    const grant = calendar.meta.acl?.find((g) => g.email === email);
    const entry = grant ? listed(calendar) : undefined;
    if (grant && entry) shared.push({ calendar, role: grant.role, entry, seq: grant.seq });
  }
  shared.sort((a, b) => a.seq - b.seq);
  return [...owned, ...shared.map(({ calendar, role, entry }) => ({ calendar, role, entry }))];
}
