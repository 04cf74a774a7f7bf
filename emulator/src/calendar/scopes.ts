/**
 * Scopes accepted per Calendar API method, from the discovery document plus the newer granular
 * scopes Google added since (calendar.events.owned, calendar.calendarlist, calendar.freebusy,
 * calendar.acls...).
 */
const P = 'https://www.googleapis.com/auth/';

const CALENDAR_SCOPES = {
  calendar: `${P}calendar`,
  readonly: `${P}calendar.readonly`,
  events: `${P}calendar.events`,
  eventsReadonly: `${P}calendar.events.readonly`,
  eventsOwned: `${P}calendar.events.owned`,
  eventsOwnedReadonly: `${P}calendar.events.owned.readonly`,
  freebusy: `${P}calendar.freebusy`,
  eventsFreebusy: `${P}calendar.events.freebusy`,
  calendarList: `${P}calendar.calendarlist`,
  calendarListReadonly: `${P}calendar.calendarlist.readonly`,
  calendars: `${P}calendar.calendars`,
  calendarsReadonly: `${P}calendar.calendars.readonly`,
  settingsReadonly: `${P}calendar.settings.readonly`,
  acls: `${P}calendar.acls`,
  aclsReadonly: `${P}calendar.acls.readonly`,
} as const;

const S = CALENDAR_SCOPES;
const EVENT_READ = [S.calendar, S.readonly, S.events, S.eventsReadonly, S.eventsOwned, S.eventsOwnedReadonly];
const EVENT_WRITE = [S.calendar, S.events, S.eventsOwned];

const METHOD_SCOPES: Record<string, readonly string[]> = {
  'calendar.calendarList.list': [S.calendar, S.readonly, S.calendarList, S.calendarListReadonly],
  'calendar.calendarList.get': [S.calendar, S.readonly, S.calendarList, S.calendarListReadonly],
  'calendar.calendarList.watch': [S.calendar, S.readonly, S.calendarList, S.calendarListReadonly],
  'calendar.calendarList.insert': [S.calendar, S.calendarList],
  'calendar.calendarList.patch': [S.calendar, S.calendarList],
  'calendar.calendarList.update': [S.calendar, S.calendarList],
  'calendar.calendarList.delete': [S.calendar, S.calendarList],
  'calendar.calendars.get': [S.calendar, S.readonly, S.calendars, S.calendarsReadonly],
  'calendar.calendars.insert': [S.calendar, S.calendars],
  'calendar.calendars.delete': [S.calendar, S.calendars],
  'calendar.events.list': EVENT_READ,
  'calendar.events.get': EVENT_READ,
  'calendar.events.instances': EVENT_READ,
  'calendar.events.watch': EVENT_READ,
  'calendar.events.insert': EVENT_WRITE,
  'calendar.events.update': EVENT_WRITE,
  'calendar.events.patch': EVENT_WRITE,
  'calendar.events.delete': EVENT_WRITE,
  'calendar.events.move': EVENT_WRITE,
  'calendar.events.import': EVENT_WRITE,
  'calendar.events.quickAdd': EVENT_WRITE,
  'calendar.acl.list': [S.calendar, S.acls, S.aclsReadonly],
  'calendar.acl.get': [S.calendar, S.readonly, S.acls, S.aclsReadonly],
  'calendar.acl.insert': [S.calendar, S.acls],
  'calendar.acl.delete': [S.calendar, S.acls],
  'calendar.channels.stop': Object.values(S),
  'calendar.freebusy.query': [S.calendar, S.readonly, S.freebusy, S.eventsFreebusy],
};

/** Every scope the authorization endpoint accepts (Calendar ones plus OpenID Connect). */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  ...Object.values(S),
  'openid',
  'email',
  'profile',
  `${P}userinfo.email`,
  `${P}userinfo.profile`,
]);

/** Google echoes the short OpenID scopes in their long form in token responses. */
export function canonicalScope(scope: string): string {
  if (scope === 'email') return `${P}userinfo.email`;
  if (scope === 'profile') return `${P}userinfo.profile`;
  return scope;
}

export function hasScopeFor(methodId: string, granted: readonly string[]): boolean {
  const accepted = METHOD_SCOPES[methodId];
  if (!accepted) return false;
  return granted.some((scope) => accepted.includes(scope));
}
