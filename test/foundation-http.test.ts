import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildServer } from '../src/app/http/server.js';
import { NotFoundError, RateLimitedError } from '../src/kernel/errors.js';
import { startTestApp, type TestApp } from './support/harness.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ workers: false });
});
afterAll(async () => {
  await t?.close();
});

describe('operations endpoints', () => {
  it('answers liveness and readiness', async () => {
    const live = await t.app.inject({ url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });

    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', jobs: 'ok' } });
  });

  it('serves over a real port too', async () => {
    const response = await fetch(`${t.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
  });

  it('echoes a plain client request id and replaces an unsafe one', async () => {
    const kept = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\nc' } });
    expect(replaced.headers['x-request-id']).not.toBe('a b\nc');
  });

  it('exposes Prometheus metrics with HTTP requests by route pattern and status', async () => {
    await t.app.inject({ url: '/healthz' });
    await t.app.inject({ url: '/no/such/route/123' });
    const response = await t.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(text).not.toContain('/no/such/route/123');
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toContain('# TYPE google_api_calls_total counter');
    expect(text).toContain('# TYPE jobs_total counter');
    expect(text).toContain('# TYPE job_duration_seconds histogram');
  });

  it('counts Google calls by method and outcome', async () => {
    t.ctx.metrics.recordGoogleCall('calendar.events.list', 'ok', 0.12);
    t.ctx.metrics.recordGoogleCall('calendar.events.list', 'rate_limited', 0.05);
    const text = (await t.app.inject({ url: '/metrics' })).body;
    expect(text).toContain('google_api_calls_total{method="calendar.events.list",outcome="ok"} 1');
    expect(text).toContain('google_api_calls_total{method="calendar.events.list",outcome="rate_limited"} 1');
    expect(text).toContain(
      'google_api_call_duration_seconds_count{method="calendar.events.list",outcome="ok"} 1',
    );
  });

  it('serves the OpenAPI 3 document and the interactive reference', async () => {
    const response = await t.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/healthz'].get).toBeDefined();
    expect(doc.paths['/auth/me'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/openapi.json']).toBeUndefined();

    const docs = await t.app.inject({ url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
    const spec = await t.app.inject({ url: '/docs/json' });
    expect(spec.json().openapi).toBe(doc.openapi);
  });
});

describe('operations-only server (worker role)', () => {
  it('answers probes and metrics, and nothing else', async () => {
    const ops = await buildServer(t.ctx, { operationsOnly: true });
    try {
      expect((await ops.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await ops.inject({ url: '/readyz' })).statusCode).toBe(200);
      expect((await ops.inject({ url: '/metrics' })).body).toContain('jobs_total');
      const api = await ops.inject({ url: '/auth/me' });
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('not_found');
      expect((await ops.inject({ url: '/docs' })).statusCode).toBe(404);
    } finally {
      await ops.close();
    }
  });
});

describe('error mapping', () => {
  it('answers unknown routes with the JSON envelope', async () => {
    const response = await t.app.inject({ url: '/nope?code=secret' });
    expect(response.statusCode).toBe(404);
    const body = response.json();
    expect(body).toEqual({
      error: {
        code: 'not_found',
        message: 'No route GET /nope',
        request_id: response.headers['x-request-id'],
      },
    });
  });

  it('answers validation failures with 400 invalid_request and the issues', async () => {
    const t2 = await startTestApp({ workers: false, env: { AUTH_MODE: 'dev', CRM_JWT_SECRET: undefined } });
    try {
      const response = await t2.app.inject({
        method: 'POST',
        url: '/auth/dev/token',
        payload: { tenant_id: 5 },
      });
      expect(response.statusCode).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('user_id');
      expect(error.details.issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ location: 'body', path: '/user_id' })]),
      );

      const badJson = await t2.app.inject({
        method: 'POST',
        url: '/auth/dev/token',
        headers: { 'content-type': 'application/json' },
        payload: '{"user_id":',
      });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json().error.code).toBe('invalid_request');
    } finally {
      await t2.close();
    }
  });

  it('maps domain errors once, and hides unknown errors behind 500 internal_error with the request id', async () => {
    const app = await buildServer(t.ctx);
    app.get('/test/not-found', async () => {
      throw new NotFoundError('Contact 42 not found', { id: '42' });
    });
    app.get('/test/rate-limited', async () => {
      throw new RateLimitedError('Slow down', 30);
    });
    app.get('/test/boom', async () => {
      throw new Error('database password is hunter2 at /srv/app.ts:12');
    });
    app.get(
      '/test/schema',
      { schema: { querystring: z.object({ n: z.coerce.number().int() }) } },
      async () => 'ok',
    );
    try {
      const notFound = await app.inject({ url: '/test/not-found' });
      expect(notFound.statusCode).toBe(404);
      expect(notFound.json().error).toMatchObject({
        code: 'not_found',
        message: 'Contact 42 not found',
        details: { id: '42' },
      });

      const limited = await app.inject({ url: '/test/rate-limited' });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('30');

      const boom = await app.inject({ url: '/test/boom', headers: { 'x-request-id': 'req-boom-1' } });
      expect(boom.statusCode).toBe(500);
      expect(boom.json()).toEqual({
        error: {
          code: 'internal_error',
          message: 'Internal server error; quote request id req-boom-1 when reporting it',
          request_id: 'req-boom-1',
        },
      });
      expect(boom.body).not.toContain('hunter2');
      expect(boom.body).not.toContain('.ts:');

      const schema = await app.inject({ url: '/test/schema?n=abc' });
      expect(schema.statusCode).toBe(400);
      expect(schema.json().error.details.issues[0]).toMatchObject({ location: 'querystring', path: '/n' });
    } finally {
      await app.close();
    }
  });
});
