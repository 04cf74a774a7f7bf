import { ODD_DATES, ODD_TEXT, oddValue, wellFormed } from './fuzz-values.js';
import type { Random } from './random.js';

/** One fuzzed HTTP request. */
export interface FuzzCase {
  target: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
  /** Token endpoint cases answer OAuth errors, not the Calendar envelope. */
  oauth?: boolean;
}

function oddDateTime(rng: Random): unknown {
  return rng.bool()
    ? { dateTime: rng.pick(ODD_DATES), timeZone: rng.pick(['UTC', 'Mars/Olympus', '', 'America/New_York']) }
    : oddValue(rng);
}

const EVENT_FIELDS = [
  'id',
  'summary',
  'description',
  'location',
  'start',
  'end',
  'attendees',
  'reminders',
  'recurrence',
  'extendedProperties',
  'conferenceData',
  'status',
  'visibility',
  'transparency',
  'colorId',
  'sequence',
  'iCalUID',
  'originalStartTime',
  'source',
  'guestsCanModify',
  'organizer',
  'unknownField',
];

/** An event body: mostly valid, with one to three fields replaced by something wrong. */
function fuzzedEvent(rng: Random): Record<string, unknown> {
  const event: Record<string, unknown> = {
    summary: 'fuzz',
    start: { dateTime: '2033-01-01T10:00:00Z' },
    end: { dateTime: '2033-01-01T11:00:00Z' },
  };
  for (let i = rng.int(1, 3); i > 0; i -= 1) {
    const field = rng.pick(EVENT_FIELDS);
    switch (field) {
      case 'start':
      case 'end':
      case 'originalStartTime':
        event[field] = oddDateTime(rng);
        break;
      case 'attendees':
        event.attendees = rng.bool()
          ? [{ email: oddValue(rng), responseStatus: oddValue(rng) }]
          : oddValue(rng);
        break;
      case 'reminders':
        event.reminders = rng.bool()
          ? { useDefault: oddValue(rng), overrides: [{ method: oddValue(rng), minutes: oddValue(rng) }] }
          : oddValue(rng);
        break;
      case 'recurrence':
        event.recurrence = rng.bool()
          ? [
              rng.pick([
                'RRULE:',
                'RRULE:FREQ=DAILY;COUNT=-1',
                'EXDATE:nope',
                'RRULE:FREQ=SECONDLY',
                String(oddValue(rng)),
              ]),
            ]
          : oddValue(rng);
        break;
      case 'extendedProperties':
        event.extendedProperties = { private: { k: oddValue(rng) }, shared: oddValue(rng) };
        break;
      case 'conferenceData':
        event.conferenceData = {
          createRequest: { requestId: oddValue(rng), conferenceSolutionKey: { type: oddValue(rng) } },
        };
        break;
      default:
        event[field] = oddValue(rng);
    }
  }
  return event;
}

/** Text that is not valid JSON, or JSON of the wrong shape. */
function brokenJson(rng: Random): string {
  return rng.pick([
    '{',
    '{"summary": "x",}',
    "{'summary': 'x'}",
    '{"summary": NaN}',
    '[]',
    'null',
    '"just a string"',
    '12345',
    '{"start": {"dateTime": "2033-01-01T10:00:00Z"}',
    '['.repeat(50_000) + ']'.repeat(50_000),
    '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
    '\u0000\u0001\u0002',
    '{"summary": "\\ud800"}',
    '{"__proto__": {"polluted": true}, "summary": "x"}',
    '{"constructor": {"prototype": {"polluted": true}}}',
    `{"summary": "${'x'.repeat(3_000_000)}"}`,
  ]);
}

function body(rng: Random, makeValid: () => unknown): { body: string; contentType?: string } {
  const roll = rng.int(0, 9);
  if (roll < 5) return { body: JSON.stringify(makeValid()), contentType: 'application/json' };
  if (roll < 8) return { body: brokenJson(rng), contentType: 'application/json' };
  if (roll === 8)
    return {
      body: JSON.stringify(makeValid()),
      contentType: rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ]),
    };
  return { body: JSON.stringify(makeValid()) };
}

function listQuery(rng: Random): Record<string, string> {
  const query: Record<string, string> = {};
  const params = [
    'maxResults',
    'timeMin',
    'timeMax',
    'orderBy',
    'singleEvents',
    'showDeleted',
    'pageToken',
    'syncToken',
    'q',
    'iCalUID',
    'updatedMin',
    'privateExtendedProperty',
    'timeZone',
    'maxAttendees',
    'fields',
  ];
  for (let i = rng.int(1, 4); i > 0; i -= 1) {
    const name = rng.pick(params);
    query[name] = rng.pick([
      ...ODD_DATES,
      '-1',
      '0',
      '1',
      '2501',
      '99999999999999999999',
      'abc',
      '1.5',
      'true',
      'maybe',
      'startTime',
      'updated',
      'noequals',
      '=',
      'a=b=c',
      rng.pick(ODD_TEXT).slice(0, 2000),
      'items(id,summary',
      'nextPageToken,bogus/x',
    ]);
  }
  return query;
}

/** A random case against one of the parsing surfaces of the emulator. */
export function fuzzCase(rng: Random, existingEventId: string): FuzzCase {
  const events = '/calendar/v3/calendars/primary/events';
  switch (rng.int(0, 8)) {
    case 0:
      return {
        target: 'events.insert',
        method: 'POST',
        path: events,
        query: rng.bool() ? listQuery(rng) : {},
        ...body(rng, () => fuzzedEvent(rng)),
      };
    case 1:
      return {
        target: 'events.patch',
        method: 'PATCH',
        path: `${events}/${existingEventId}`,
        ...body(rng, () => fuzzedEvent(rng)),
      };
    case 2:
      return {
        target: 'events.update',
        method: 'PUT',
        path: `${events}/${existingEventId}`,
        ...body(rng, () => fuzzedEvent(rng)),
      };
    case 3:
      return { target: 'events.list', method: 'GET', path: events, query: listQuery(rng) };
    case 4:
      return {
        target: 'events.watch',
        method: 'POST',
        path: `${events}/watch`,
        ...body(rng, () => ({
          id: oddValue(rng),
          type: rng.pick(['web_hook', 'webhook', oddValue(rng)]),
          address: rng.pick(['http://127.0.0.1:9/x', 'not a url', 'ftp://x', oddValue(rng)]),
          expiration: oddValue(rng),
        })),
      };
    case 5:
      return {
        target: 'freeBusy.query',
        method: 'POST',
        path: '/calendar/v3/freeBusy',
        ...body(rng, () => ({
          timeMin: rng.pick(ODD_DATES),
          timeMax: rng.pick(ODD_DATES),
          items: rng.bool() ? [{ id: oddValue(rng) }] : oddValue(rng),
        })),
      };
    case 6:
      return {
        target: 'events.get (odd ids)',
        method: rng.pick(['GET', 'DELETE', 'PATCH']),
        path: `${events}/${encodeURIComponent(wellFormed(rng.pick([...ODD_TEXT.slice(1, 13), 'abc%2F..', '%', '_', 'a'.repeat(5000)])))}`,
        body: '{}',
        contentType: 'application/json',
      };
    case 7:
      return {
        target: 'calendar paths',
        method: rng.pick(['GET', 'POST', 'DELETE', 'PUT']),
        path: rng.pick([
          '/calendar/v3/calendars/%E0%A4%A/events',
          '/calendar/v3/calendars//events',
          '/calendar/v3/users/me/calendarList/%00',
          '/calendar/v3/nothing',
          '/calendar/v3/calendars/primary/events/x/instances',
        ]),
        query: listQuery(rng),
      };
    default: {
      const form = rng.bool()
        ? new URLSearchParams({
            grant_type: rng.pick(['authorization_code', 'refresh_token', 'password', '', 'a'.repeat(10_000)]),
            code: String(oddValue(rng)),
            refresh_token: String(oddValue(rng)),
            code_verifier: String(oddValue(rng)),
            client_id: String(oddValue(rng)),
          }).toString()
        : brokenJson(rng);
      return {
        target: 'oauth token',
        method: 'POST',
        path: '/token',
        body: form,
        contentType: rng.pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']),
        oauth: true,
      };
    }
  }
}
