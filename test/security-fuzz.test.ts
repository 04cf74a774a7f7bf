import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { TestApp } from './support/harness.js';
import { authHeader } from './support/oauth-flow.js';
import { fillPath, openApiRoutes, type JsonSchema, type OpenApiRoute } from './support/openapi-routes.js';
import { connectedUser, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * Property-based fuzzing of every route in the OpenAPI document (GET /openapi.json): random
 * strings (NUL, lone surrogates, huge, any Unicode), numbers, dates at the edges of what exists,
 * missing and extra fields, wrong types, deep nesting, other content types, in path parameters,
 * query strings, the webhook's headers and JSON bodies (often a valid body with a field or three
 * changed, to get past validation). The service never answers 5xx, and every refusal is the error
 * envelope (the OAuth callback's refusals are its HTML pages). FUZZ_RUNS and FUZZ_SECONDS make
 * longer runs; the defaults are CI's short form.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** A run stops (passing) after this long, whatever RUNS says. */
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 30);

let t: TestApp;
let user: PushUser;
let routes: OpenApiRoute[];
/** Ids that exist, so that some requests get past the lookups to the code behind them. */
const known: string[] = [];

// Without the per-user rate limits: past them every request would be the same 429.
useTestApp(
  { workers: false, env: { API_RATE_LIMIT_PER_MINUTE: '0', SYNC_NOW_RATE_LIMIT_PER_MINUTE: '0' } },
  async (app) => {
    t = app;
    user = await connectedUser(t, 'fuzz');
    routes = await openApiRoutes(t);
    const auth = await authHeader(t, user.userId);
    const made = [
      await t.app.inject({
        method: 'POST',
        url: '/calendar/events',
        headers: auth,
        payload: { title: 'Fuzzed', start: '2026-12-07T09:00:00Z', end: '2026-12-07T10:00:00Z' },
      }),
      await t.app.inject({ method: 'POST', url: '/crm/contacts', headers: auth, payload: { name: 'Ana' } }),
      await t.app.inject({ method: 'POST', url: '/crm/companies', headers: auth, payload: { name: 'Acme' } }),
      await t.app.inject({ method: 'POST', url: '/crm/deals', headers: auth, payload: { name: 'Deal' } }),
      await t.app.inject({ method: 'GET', url: '/calendar/calendars', headers: auth }),
    ];
    for (const res of made) {
      const body = res.json<{ id?: string; items?: { id: string }[] }>();
      if (body.id !== undefined) known.push(body.id);
      for (const item of body.items ?? []) known.push(item.id);
    }
    expect(known.length).toBeGreaterThanOrEqual(5);
  },
);

/** Lone surrogates, NUL and other control characters, in the middle of ordinary text. */
const hostileCharacter = fc.constantFrom(
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\uDBFF\u0041',
  '\u0001',
  '\u001F',
  '\uFFFF',
  '\u200B',
  '\uFEFF',
);

const edgeDate = fc.constantFrom(
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '0001-01-01T00:00:00',
  '0001-01-01T00:00:00+14:00',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-12:00',
  '9999-12-31T23:59:59',
  '10000-01-01',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30',
  '2026-13-01',
  '2026-03-08T02:30:00',
  '2026-11-01T01:30:00',
  '2026-12-07T25:00:00Z',
  '2026-12-07T09:00:00+99:99',
  '1970-01-01T00:00:00Z',
  '2026-12-07',
  '2026-12-07T09:00:00Z',
);

/** A string, one time in four with a hostile character put somewhere in it. */
function sprinkled(strings: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      strings,
      fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostileCharacter }),
      fc.nat(),
    )
    .map(([text, character, at]) => {
      if (character === null) return text;
      const cut = at % (text.length + 1);
      return text.slice(0, cut) + character + text.slice(cut);
    });
}

const hostileString = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc
      .tuple(fc.string({ maxLength: 10 }), hostileCharacter, fc.string({ maxLength: 10 }))
      .map((parts) => parts.join('')),
    edgeDate,
    fc.constantFrom(
      '',
      ' ',
      'primary',
      'all',
      'this',
      'following',
      'true',
      'false',
      'null',
      'contact',
      'deal',
      'company',
      'outOfOffice',
      'UTC',
      'America/New_York',
      'Not/AZone',
      'RRULE:FREQ=DAILY;COUNT=3',
      'RRULE:FREQ=SECONDLY',
      'RRULE:FREQ=YEARLY;UNTIL=99991231T235959Z',
      'a@b.c',
      'x@example.com',
      '%00',
      '../../etc/passwd',
      "'; DROP TABLE events; --",
      '<script>alert(1)</script>',
      '{"a":1}',
      '-1',
      '0',
      '1e309',
      'NaN',
    ),
    fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)),
    fc.uuid(),
  )
  .chain((text) => sprinkled(fc.constant(text)));

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -0, 0.5, 99.999),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, a bit deeper than usual. */
const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** The value one time in eight, else null. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 1, arbitrary }, { weight: 7, arbitrary: fc.constant(null) });
}

const plausibleTime = fc.oneof(
  edgeDate,
  fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2035-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString()),
  fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2035-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString().slice(0, 10)),
);
const plausibleZone = fc.constantFrom(
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Not/AZone',
);

/** Strings for fields whose name says what they hold (times, zones, emails): mostly plausible ones. */
function plausibleFor(name: string): fc.Arbitrary<string> | undefined {
  if (/^(start|end)$|_date$|_at$|^(from|to|until)$/.test(name)) return sprinkled(plausibleTime);
  if (/zone/.test(name)) return sprinkled(plausibleZone);
  if (/email|attendee/.test(name)) {
    return sprinkled(fc.oneof(fc.emailAddress(), fc.constant(`${'a'.repeat(300)}@b.co`)));
  }
  return undefined;
}

/** A value for a schema: usually of its type (with hostile contents), sometimes anything. */
function valueFor(schema: JsonSchema | undefined, depth = 0, name = ''): fc.Arbitrary<unknown> {
  const alternatives = [schema?.anyOf, schema?.oneOf, schema?.allOf].find((list) => list !== undefined);
  if (alternatives !== undefined && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((item) => valueFor(item, depth, name)));
  }
  const types = schema?.type === undefined ? [] : [schema.type].flat();
  const typed: fc.Arbitrary<unknown>[] = [];
  if (schema?.enum !== undefined && schema.enum.length > 0) {
    const values = fc.constantFrom(...schema.enum);
    typed.push(values, values, values);
  }
  if (types.includes('string')) {
    const plausible = plausibleFor(name);
    typed.push(hostileString);
    if (plausible !== undefined) typed.push(plausible, plausible, plausible);
    if (schema?.format === 'uuid') typed.push(fc.constantFrom(...known), fc.uuid());
    if (schema?.format === 'email') typed.push(fc.emailAddress());
  }
  if (types.includes('integer') || types.includes('number')) typed.push(hostileNumber);
  if (types.includes('boolean')) typed.push(fc.boolean());
  if (types.includes('array'))
    typed.push(fc.array(valueFor(schema?.items, depth + 1, name), { maxLength: depth > 1 ? 2 : 6 }));
  if (types.includes('object') && depth < 3) typed.push(objectFor(schema, depth + 1));
  if (schema?.nullable === true || types.includes('null')) typed.push(fc.constant(null));
  if (typed.length === 0) return anyJson;
  return fc.oneof({ weight: 5, arbitrary: fc.oneof(...typed) }, { weight: 1, arbitrary: anyJson });
}

/** An object for a schema: each property present or not (required ones mostly), maybe extra keys. */
function objectFor(schema: JsonSchema | undefined, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema?.properties ?? {});
  const required = new Set(schema?.required ?? []);
  const fields = properties.map(([name, property]) =>
    fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), valueFor(property, depth, name))
      .map(([roll, value]) =>
        (required.has(name) ? roll < 0.9 : roll < 0.5) ? ([name, value] as const) : undefined,
      ),
  );
  const extra = rarely(
    fc.tuple(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'a\u0000b')),
      anyJson,
    ),
  );
  return fc.tuple(fc.tuple(...fields), extra).map(([present, more]) => {
    const object: Record<string, unknown> = {};
    for (const field of present) if (field !== undefined) object[field[0]] = field[1];
    if (more !== null) Object.defineProperty(object, more[0], { value: more[1], enumerable: true });
    return object;
  });
}

/** A body each of these routes accepts: the fuzz changes one field of it, to reach past validation. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /calendar/events': { title: 'T', start: '2026-12-07T09:00:00Z', end: '2026-12-07T10:00:00Z' },
  'PATCH /calendar/events/{id}': { title: 'T2' },
  'POST /calendar/events/{id}/rsvp': { response: 'accepted' },
  'POST /calendar/availability': {
    attendees: ['a@example.com'],
    start: '2026-12-07T08:00:00',
    end: '2026-12-08T18:00:00',
    duration_minutes: 30,
    time_zone: 'UTC',
  },
  'POST /crm/contacts': { name: 'C' },
  'POST /crm/companies': { name: 'C' },
  'POST /crm/deals': { name: 'D' },
  'PATCH /crm/contacts/{id}': { name: 'C' },
  'PATCH /crm/companies/{id}': { name: 'C' },
  'PATCH /crm/deals/{id}': { name: 'D' },
  'PATCH /calendar/calendars/{id}': { selected: true },
  'PUT /calendar/reminder-defaults': { reminders: [{ method: 'popup', minutes: 10 }] },
  'POST /calendar/sync': {},
};

/** A valid body with one field set to a value for its schema (or removed, or a stranger added). */
function mutatedBody(route: OpenApiRoute): fc.Arbitrary<Record<string, unknown>> | undefined {
  const valid = VALID_BODIES[`${route.method} ${route.path}`];
  const properties = Object.entries(route.body?.properties ?? {});
  if (valid === undefined || properties.length === 0) return undefined;
  // Times are where dates at the edges hide: they are changed more often.
  const change = fc.oneof(
    ...properties.map(([name, property]) => ({
      weight: plausibleFor(name) === undefined ? 1 : 5,
      arbitrary: fc.option(valueFor(property, 0, name), { freq: 10 }).map((value) => [name, value] as const),
    })),
  );
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) => {
    const body: Record<string, unknown> = { ...valid };
    for (const [name, value] of changes) {
      if (value === null) delete body[name];
      else body[name] = value;
    }
    return body;
  });
}

/** A deeply nested body (a stack overflow in a recursive validator would be a 500). */
const deepBody = fc.integer({ min: 1000, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

interface FuzzRequest {
  route: OpenApiRoute;
  url: string;
  payload: string | undefined;
  contentType: string | undefined;
  signedIn: boolean;
  /** The route's own header parameters (the webhook's `x-goog-*`). */
  headers: Record<string, string>;
}

function queryString(entries: [string, unknown][]): string {
  const search = new URLSearchParams();
  for (const [name, value] of entries) {
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(name, typeof item === 'string' ? item : JSON.stringify(item));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Every route, those that write (with a valid body to start from) three times as often. */
const someRoute = fc.constant(null).chain(() =>
  fc.oneof(
    ...routes.map((route) => ({
      weight: VALID_BODIES[`${route.method} ${route.path}`] === undefined ? 1 : 3,
      arbitrary: fc.constant(route),
    })),
  ),
);

const fuzzRequest: fc.Arbitrary<FuzzRequest> = someRoute
  .chain((route) => {
    const pathParams = route.parameters.filter((p) => p.in === 'path');
    const queryParams = route.parameters.filter((p) => p.in === 'query');
    const headerParams = route.parameters.filter((p) => p.in === 'header');
    // Header values are bytes without CR, LF or NUL (Node refuses to send others).
    const headers = fc.tuple(
      ...headerParams.map((param) =>
        fc.option(
          fc
            .oneof(hostileString, fc.constantFrom(...known))
            .map(
              (value) =>
                [param.name, value.replace(/[^\x20-\x7e\x80-\xff\t]/g, '?').slice(0, 5000)] as [
                  string,
                  string,
                ],
            ),
          { freq: 3 },
        ),
      ),
    );
    const pathValues = fc.tuple(
      ...pathParams.map(() =>
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...known) },
          { weight: 2, arbitrary: hostileString },
        ),
      ),
    );
    const query = fc.tuple(
      ...queryParams.map((param) =>
        fc.oneof(
          { weight: 2, arbitrary: fc.constant(null) },
          {
            weight: 1,
            arbitrary: valueFor(param.schema, 0, param.name).map(
              (value) => [param.name, value] as [string, unknown],
            ),
          },
        ),
      ),
      rarely(fc.tuple(fc.string({ maxLength: 8 }), hostileString)),
    );
    const mutated = mutatedBody(route);
    const body = fc.oneof(
      {
        weight: 8,
        arbitrary: valueFor(route.body ?? { type: 'object' }).map((value) => JSON.stringify(value)),
      },
      ...(mutated === undefined
        ? []
        : [{ weight: 16, arbitrary: mutated.map((value) => JSON.stringify(value)) }]),
      { weight: 1, arbitrary: deepBody },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{"title":',
          'null',
          '[]',
          '"text"',
          '1',
          '{"a":"\\u0000"}',
          '{"a":"\\ud800"}',
        ),
      },
    );
    return fc.record({
      route: fc.constant(route),
      pathValues,
      query,
      headers,
      body:
        route.body === undefined && route.method === 'GET'
          ? fc.constant(undefined)
          : fc.option(body, { freq: 6 }),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml'),
        },
      ),
      // The stream, signed in, answers a stream that never ends.
      signedIn:
        route.path === '/notifications/stream'
          ? fc.constant(false)
          : fc.oneof(
              { weight: 9, arbitrary: fc.constant(true) },
              { weight: 1, arbitrary: fc.constant(false) },
            ),
    });
  })
  .map(({ route, pathValues, query, headers, body, contentType, signedIn }) => {
    const names = route.parameters.filter((p) => p.in === 'path').map((p) => p.name);
    const values = new Map(names.map((name, i) => [name, String(pathValues[i] ?? '')]));
    const url =
      fillPath(route, (name) => values.get(name) ?? '') +
      queryString(query.filter((entry): entry is [string, unknown] => entry !== null));
    return {
      route,
      url,
      payload: body ?? undefined,
      contentType: body === undefined || body === null ? undefined : contentType,
      signedIn,
      headers: Object.fromEntries(headers.filter((entry): entry is [string, string] => entry !== null)),
    };
  });

it(
  `never answers 5xx, and refuses with the error envelope (${RUNS} requests over every documented route)`,
  async () => {
    expect(routes.length).toBeGreaterThan(30);
    const auth = await authHeader(t, user.userId);
    // Disconnecting is fuzzed as a user of its own: the fuzzed user stays connected.
    const other = await authHeader(t, 'fuzz-disconnecting');
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        const res = await t.app.inject({
          method: request.route.method,
          url: request.url,
          headers: {
            ...request.headers,
            ...(request.signedIn ? (request.route.path === '/integrations/calendar' ? other : auth) : {}),
            ...(request.contentType === undefined ? {} : { 'content-type': request.contentType }),
          },
          ...(request.payload === undefined ? {} : { payload: request.payload }),
        });
        const what = `${request.route.method} ${request.url.slice(0, 300)} ${String(request.payload).slice(0, 300)} -> ${res.statusCode} ${res.body.slice(0, 500)}`;
        seen.set(
          `${request.route.method} ${request.route.path}`,
          (seen.get(`${request.route.method} ${request.route.path}`) ?? 0) + 1,
        );
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode < 400) return;
        if (
          request.route.path === '/integrations/calendar/callback' &&
          String(res.headers['content-type']).startsWith('text/html')
        ) {
          expect(res.body, what).toMatch(/<code id="reason">\w+<\/code>/);
          return;
        }
        const envelope = res.json<{ error: { code: string; message: string; request_id: string } }>();
        expect(envelope.error, what).toMatchObject({
          code: expect.stringMatching(/^[a-z_]+$/),
          message: expect.any(String),
          request_id: res.headers['x-request-id'],
        });
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false },
    );
    // Every route was tried at least once in a full run.
    if (RUNS >= 200) expect(seen.size).toBeGreaterThan(routes.length * 0.8);
  },
  (SECONDS + 60) * 1000,
);
