import { googleErrorFacts } from './errors.js';

/** How one Google call ended, as the `outcome` label of the Google-call metrics. */
export type GoogleCallOutcome =
  'ok' | 'not_modified' | 'unauthorized' | 'rate_limited' | 'client_error' | 'server_error' | 'network_error';

export interface GoogleCall {
  /** Discovery-style method id (`calendar.events.list`) or `oauth.token` / `oauth.revoke` / `oauth.userinfo`. */
  method: string;
  outcome: GoogleCallOutcome;
  durationMs: number;
}

/** Receives every Google call; the composition root wires it to the Prometheus metrics. */
export type GoogleCallRecorder = (call: GoogleCall) => void;

export function outcomeOfStatus(status: number | undefined, reason?: string): GoogleCallOutcome {
  if (status === undefined) return 'network_error';
  if (status === 304) return 'not_modified';
  if (status < 400) return 'ok';
  if (status === 401) return 'unauthorized';
  if (
    status === 429 ||
    (status === 403 && (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded'))
  ) {
    return 'rate_limited';
  }
  return status >= 500 ? 'server_error' : 'client_error';
}

/** Runs one Google call and records its method, outcome and duration, success or failure. */
export async function timedGoogleCall<T>(
  record: GoogleCallRecorder,
  method: string,
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    record({ method, outcome: 'ok', durationMs: performance.now() - started });
    return result;
  } catch (error) {
    const facts = googleErrorFacts(error);
    record({
      method,
      outcome: outcomeOfStatus(facts.status, facts.reason),
      durationMs: performance.now() - started,
    });
    throw error;
  }
}

const CALENDAR_ROUTES: { pattern: RegExp; methods: Partial<Record<string, string>> }[] = [
  {
    pattern: /^users\/me\/calendarList$/,
    methods: { GET: 'calendarList.list', POST: 'calendarList.insert' },
  },
  { pattern: /^users\/me\/calendarList\/watch$/, methods: { POST: 'calendarList.watch' } },
  {
    pattern: /^users\/me\/calendarList\/[^/]+$/,
    methods: {
      GET: 'calendarList.get',
      PUT: 'calendarList.update',
      PATCH: 'calendarList.patch',
      DELETE: 'calendarList.delete',
    },
  },
  { pattern: /^calendars$/, methods: { POST: 'calendars.insert' } },
  {
    pattern: /^calendars\/[^/]+$/,
    methods: {
      GET: 'calendars.get',
      PUT: 'calendars.update',
      PATCH: 'calendars.patch',
      DELETE: 'calendars.delete',
    },
  },
  { pattern: /^calendars\/[^/]+\/events$/, methods: { GET: 'events.list', POST: 'events.insert' } },
  { pattern: /^calendars\/[^/]+\/events\/watch$/, methods: { POST: 'events.watch' } },
  { pattern: /^calendars\/[^/]+\/events\/import$/, methods: { POST: 'events.import' } },
  { pattern: /^calendars\/[^/]+\/events\/quickAdd$/, methods: { POST: 'events.quickAdd' } },
  { pattern: /^calendars\/[^/]+\/events\/[^/]+\/instances$/, methods: { GET: 'events.instances' } },
  { pattern: /^calendars\/[^/]+\/events\/[^/]+\/move$/, methods: { POST: 'events.move' } },
  {
    pattern: /^calendars\/[^/]+\/events\/[^/]+$/,
    methods: { GET: 'events.get', PUT: 'events.update', PATCH: 'events.patch', DELETE: 'events.delete' },
  },
  { pattern: /^channels\/stop$/, methods: { POST: 'channels.stop' } },
  { pattern: /^freeBusy$/, methods: { POST: 'freebusy.query' } },
  { pattern: /^colors$/, methods: { GET: 'colors.get' } },
];

/**
 * Names a Calendar API request by its discovery method id from its HTTP method and URL, so
 * metrics are labelled by method (bounded cardinality: ids in the path never reach a label).
 */
export function calendarMethodId(httpMethod: string | undefined, url: string | URL): string {
  const pathname = new URL(url).pathname;
  const marker = '/calendar/v3/';
  const index = pathname.indexOf(marker);
  if (index === -1) return 'calendar.other';
  const rest = pathname.slice(index + marker.length).replace(/\/$/, '');
  const verb = (httpMethod ?? 'GET').toUpperCase();
  for (const route of CALENDAR_ROUTES) {
    if (route.pattern.test(rest)) return `calendar.${route.methods[verb] ?? 'other'}`;
  }
  return 'calendar.other';
}
