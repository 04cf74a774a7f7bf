import Fastify from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatUtcCompact } from '../src/kernel/time.js';
import { registerErrorHandling } from '../src/app/http/errors.js';
import { refuseUnknownQueryParameters } from '../src/app/http/query-params.js';
import type { TestApp } from './support/harness.js';
import { googleAs } from './support/emulator-client.js';
import {
  authHeader,
  bindingCookieFor,
  emulatorAdmin,
  followAutoConsent,
  freshAccount,
  requestAuthUrl,
} from './support/oauth-flow.js';
import { useTestApp } from './support/use-test-app.js';
import {
  api,
  connectedUser,
  expectOk,
  googleUser,
  mailbox,
  settled,
  type PushUser,
} from './support/sync-push.js';

type Item = Record<string, unknown> & {
  id: string;
  google_event_id: string;
  title: string;
  start_time: string;
};
interface ErrorJson {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

let t: TestApp;
let alice: PushUser;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'alice', { timeZone: 'UTC' });
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Routes that must let unknown parameters through: Google adds its own to the OAuth redirect. */
const LOOSE = ['GET /integrations/calendar/callback'];

describe('unknown query parameters', () => {
  it('are refused with 400 naming them on every operation of the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Partial<Record<(typeof METHODS)[number], unknown>>>;
    }>();
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => ({ path, method })),
    );
    expect(operations.length).toBeGreaterThan(30);
    const headers = await authHeader(t, alice.userId);
    const refused: string[] = [];
    const passed: string[] = [];
    for (const { path, method } of operations) {
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url: `${url}?not_a_parameter=1`,
        headers,
      });
      const error = String(res.headers['content-type'] ?? '').startsWith('application/json')
        ? res.json<Partial<ErrorJson>>().error
        : undefined;
      const refusal = /^Unknown query parameter "not_a_parameter": /;
      const isRefused =
        res.statusCode === 400 && error?.code === 'unknown_query_parameter' && refusal.test(error.message);
      (isRefused ? refused : passed).push(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
    }
    expect(passed).toEqual(LOOSE);
    expect(refused.length).toBe(operations.length - LOOSE.length);
  });

  it('are refused on the routes the document hides, except on the page, whose links may carry any', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/openapi.json?download=1' });
    expect(spec.statusCode).toBe(400);
    expect(spec.json<ErrorJson>().error.message).toBe(
      'Unknown query parameter "download": GET /openapi.json takes no query parameters',
    );
    const page = await t.app.inject({ method: 'GET', url: '/?calendar=connected&utm_source=mail' });
    expect(page.statusCode).toBe(200);
  });

  it('name what the endpoint takes', async () => {
    const res = await api<ErrorJson>(t, alice, 'GET', '/calendar/calendars?refresh=true&limit=5');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'unknown_query_parameter',
      message: 'Unknown query parameter "limit": GET /calendar/calendars takes refresh',
      details: { parameters: ['limit'], accepted: ['refresh'] },
    });
  });

  it('pass on the OAuth callback, where Google adds parameters of its own (RFC 6749 section 4.1.2)', async () => {
    const { userId, email } = freshAccount('callback-extras');
    await emulatorAdmin(t, 'POST', '/users', { email });
    const callbackUrl = await followAutoConsent(await requestAuthUrl(t, userId, { loginHint: email }));
    const res = await t.app.inject({
      method: 'GET',
      url: `/integrations/calendar/callback${callbackUrl.search}&authuser=0&prompt=consent&iss=https%3A%2F%2Faccounts.google.com`,
      headers: { cookie: bindingCookieFor(callbackUrl) ?? '' },
    });
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/?calendar=connected');
  });

  it('cannot be forgotten by a new route: one without a querystring, or with a plain z.object, is strict', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    registerErrorHandling(app);
    refuseUnknownQueryParameters(app);
    await app.register(async (routes) => {
      routes.get('/bare', async () => 'ok');
      routes.get('/plain', { schema: { querystring: z.object({ a: z.string() }) } }, async () => 'ok');
      routes.get('/loose', { schema: { querystring: z.looseObject({}) } }, async () => 'ok');
    });
    try {
      expect((await app.inject({ url: '/bare' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/bare?a=1' })).json<ErrorJson>().error.message).toBe(
        'Unknown query parameter "a": GET /bare takes no query parameters',
      );
      expect((await app.inject({ url: '/plain?a=1' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/plain?a=1&b=2' })).json<ErrorJson>().error).toMatchObject({
        code: 'unknown_query_parameter',
        message: 'Unknown query parameter "b": GET /plain takes a',
      });
      expect((await app.inject({ url: '/loose?anything=1' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

/** A weekly series of 4 at 09:00 UTC, synced to Google; returns it and its third occurrence's API id. */
async function weeklySeries(title: string, attendees: string[] = []) {
  const series = expectOk(
    await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
      title,
      start: '2031-06-02T09:00:00Z',
      end: '2031-06-02T10:00:00Z',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      attendees,
    }),
  );
  const third = new Date(Date.parse(series.start_time) + 14 * 86_400_000);
  return { series, third: `${series.id}:${series.google_event_id}_${formatUtcCompact(third)}` };
}

async function googleSummaries(googleEventId: string): Promise<string[]> {
  const google = await googleAs(t, alice.email);
  const { data } = await google.events.instances({ calendarId: 'primary', eventId: googleEventId });
  return (data.items ?? []).map((item) => item.summary ?? '');
}

describe('scope and send_updates on PATCH and DELETE, in the query or the body', () => {
  it('PATCH ?scope=all changes the whole series', async () => {
    const { series, third } = await weeklySeries('Standup');
    const res = await api<Item>(t, alice, 'PATCH', `/calendar/events/${third}?scope=all`, {
      title: 'Standup (all)',
    });
    expectOk(res, 200);
    expect((await settled(t, series.id)).title).toBe('Standup (all)');
    expect(await googleSummaries(series.google_event_id)).toEqual(Array(4).fill('Standup (all)'));
  });

  it('PATCH ?send_updates=none tells no guest', async () => {
    const guest = await googleUser(t, 'quiet-guest');
    const event = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Quiet change',
        start: '2031-07-01T09:00:00Z',
        end: '2031-07-01T10:00:00Z',
        attendees: [guest],
      }),
    );
    expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${event.id}?send_updates=none&wait=true`, {
        title: 'Quiet change (renamed)',
      }),
      200,
    );
    const google = await googleAs(t, alice.email);
    const { data } = await google.events.get({ calendarId: 'primary', eventId: event.google_event_id });
    expect(data.summary).toBe('Quiet change (renamed)');
    const mail = await mailbox(t, guest);
    expect(mail.filter((m) => m.eventId === event.google_event_id).map((m) => m.kind)).toEqual([
      'invitation',
    ]);
  });

  it('the same value in both places is fine; different values are a 400 and nothing changes', async () => {
    const { series, third } = await weeklySeries('Review');
    const conflicting = await api<ErrorJson>(t, alice, 'PATCH', `/calendar/events/${third}?scope=all`, {
      title: 'Review (changed)',
      scope: 'this',
    });
    expect(conflicting.status).toBe(400);
    expect(conflicting.body.error).toMatchObject({
      code: 'conflicting_parameter',
      message: 'scope is "all" in the query but "this" in the body: give it in one place',
      details: { field: 'scope' },
    });
    expect((await settled(t, series.id)).title).toBe('Review');

    const same = await api<Item>(t, alice, 'PATCH', `/calendar/events/${third}?scope=all`, {
      title: 'Review (all)',
      scope: 'all',
    });
    expectOk(same, 200);
    expect((await settled(t, series.id)).title).toBe('Review (all)');
  });

  it('DELETE takes them as a JSON body too', async () => {
    const { series, third } = await weeklySeries('Retro');
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/calendar/events/${third}`,
      headers: { ...(await authHeader(t, alice.userId)), 'content-type': 'application/json' },
      payload: { scope: 'all', send_updates: 'none' },
    });
    expect(res.statusCode, res.body).toBe(204);
    const gone = await api<ErrorJson>(t, alice, 'GET', `/calendar/events/${series.id}`);
    expect(gone.status).toBe(404);

    const conflicting = await t.app.inject({
      method: 'DELETE',
      url: `/calendar/events/${series.id}?send_updates=all`,
      headers: { ...(await authHeader(t, alice.userId)), 'content-type': 'application/json' },
      payload: { send_updates: 'none' },
    });
    expect(conflicting.statusCode).toBe(400);
    expect(conflicting.json<ErrorJson>().error.code).toBe('conflicting_parameter');
  });

  it('a misspelt option is refused, not dropped', async () => {
    const { series, third } = await weeklySeries('Planning');
    const res = await api<ErrorJson>(t, alice, 'PATCH', `/calendar/events/${third}?scopes=all`, {
      title: 'Planning (all)',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Unknown query parameter "scopes": PATCH /calendar/events/:id takes wait, send_updates, scope',
    );
    expect((await settled(t, series.id)).title).toBe('Planning');
  });
});
