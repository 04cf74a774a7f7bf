import { AdminError } from '../errors.js';
import { randomBase32Hex } from '../ids.js';
import { isValidTimeZone } from '../time.js';
import { EventStore } from './event-store.js';
import type { CalendarRecord, EmulatorState } from './emulator-state.js';
import { addToCalendarList } from './list-membership.js';
import type { EventReminder, UserRecord } from './types.js';

const EMAIL_RE = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_RE.test(email);
}

/** Google's defaults for a new primary calendar: a popup 10 minutes before. */
const PRIMARY_DEFAULT_REMINDERS: EventReminder[] = [{ method: 'popup', minutes: 10 }];

interface NewUser {
  email: string;
  name?: string | undefined;
  timeZone?: string | undefined;
}

/** Creates an emulated Google account with its primary calendar (id = the account's email). */
export function createUser(state: EmulatorState, input: NewUser): UserRecord {
  const email = normalizeEmail(input.email);
  if (!isValidEmail(email)) throw new AdminError(400, `Invalid email address: ${input.email}`);
  if (state.users.has(email)) throw new AdminError(409, `User ${email} already exists`);
  const timeZone = input.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new AdminError(400, `Invalid time zone: ${timeZone}`);
  const user: UserRecord = {
    email,
    name: input.name?.trim() || defaultName(email),
    timeZone,
    createdMs: state.now(),
  };
  state.users.set(email, user);
  state.calendars.set(email, {
    meta: {
      id: email,
      ownerEmail: email,
      summary: email,
      timeZone,
      primary: true,
      defaultReminders: PRIMARY_DEFAULT_REMINDERS.map((r) => ({ ...r })),
      colorId: '14',
      backgroundColor: '#9fe1e7',
      foregroundColor: '#000000',
      seq: state.nextSeq(),
    },
    store: new EventStore(),
  });
  addToCalendarList(state, email, email);
  // Calendars shared with the address before the account existed are on its list from the start.
  for (const calendar of state.calendars.values()) {
    if (calendar.meta.acl?.some((grant) => grant.email === email))
      addToCalendarList(state, email, calendar.meta.id);
  }
  return user;
}

export function ensureUser(state: EmulatorState, email: string): UserRecord {
  return state.users.get(normalizeEmail(email)) ?? createUser(state, { email });
}

interface NewCalendar {
  summary: string;
  description?: string | undefined;
  location?: string | undefined;
  timeZone?: string | undefined;
}

/** Secondary calendars get ids like Google's: `c_<hash>@group.calendar.google.com`. */
export function createSecondaryCalendar(
  state: EmulatorState,
  owner: UserRecord,
  input: NewCalendar,
): CalendarRecord {
  const id = `c_${randomBase32Hex(26)}@group.calendar.google.com`;
  const record: CalendarRecord = {
    meta: {
      id,
      ownerEmail: owner.email,
      summary: input.summary,
      timeZone: input.timeZone ?? owner.timeZone,
      primary: false,
      defaultReminders: [],
      colorId: '7',
      backgroundColor: '#42d692',
      foregroundColor: '#000000',
      seq: state.nextSeq(),
    },
    store: new EventStore(),
  };
  if (input.description !== undefined) record.meta.description = input.description;
  if (input.location !== undefined) record.meta.location = input.location;
  state.calendars.set(id, record);
  addToCalendarList(state, owner.email, id);
  return record;
}

export function calendarsOf(state: EmulatorState, email: string): CalendarRecord[] {
  const out: CalendarRecord[] = [];
  for (const cal of state.calendars.values()) if (cal.meta.ownerEmail === email) out.push(cal);
  return out.sort((a, b) => Number(b.meta.primary) - Number(a.meta.primary) || a.meta.seq - b.meta.seq);
}

function defaultName(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
}
