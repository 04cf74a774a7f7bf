import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY } from '../src/app/http/routes/dev-sign-in.page.js';
import { webConfig } from '../src/app/http/routes/web.routes.js';
import { startTestApp, type TestApp } from './support/harness.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ workers: false });
});
afterAll(async () => {
  await t?.close();
});

describe('the page at /', () => {
  it('serves the page with a strict content security policy', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('<script type="module" src="/assets/app.js"></script>');
    expect(response.body).toContain('href="/docs"');
  });

  it.each([
    ['app.js', 'text/javascript; charset=utf-8'],
    ['api.js', 'text/javascript; charset=utf-8'],
    ['calendars.js', 'text/javascript; charset=utf-8'],
    ['crm-records.js', 'text/javascript; charset=utf-8'],
    ['connection.js', 'text/javascript; charset=utf-8'],
    ['meetings.js', 'text/javascript; charset=utf-8'],
    ['schedule.js', 'text/javascript; charset=utf-8'],
    ['reminders.js', 'text/javascript; charset=utf-8'],
    ['time.js', 'text/javascript; charset=utf-8'],
    ['styles.css', 'text/css; charset=utf-8'],
  ])('serves /assets/%s', async (file, type) => {
    const response = await t.app.inject({ method: 'GET', url: `/assets/${file}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.body.length).toBeGreaterThan(100);
  });

  it.each([
    'missing.js',
    '..%2Fpackage.json',
    '../package.json',
    '.env',
    'index',
    '%2E%2E/src/config.ts',
    'tsconfig.json',
    'api-types.d.ts',
    'time.test.js',
  ])('serves nothing else: /assets/%s', async (file) => {
    const response = await t.app.inject({ method: 'GET', url: `/assets/${file}` });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('"dependencies"');
  });

  it('tells the page which sign-in and which Google to use', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/web/config' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      auth_mode: 'jwt',
      sign_in_url: null,
      token_storage_key: TOKEN_STORAGE_KEY,
      google_mode: 'emulator',
      emulator_url: t.emulator.url,
      embedded_emulator: false,
      public_url: t.baseUrl,
    });
    expect(
      webConfig({
        config: { ...t.config, auth: { mode: 'dev' } },
        embeddedEmulatorUrl: 'http://127.0.0.1:8085',
      }),
    ).toMatchObject({
      sign_in_url: '/auth/dev?next=/',
      emulator_url: 'http://127.0.0.1:8085',
      embedded_emulator: true,
    });
    const google = { ...t.config.google, mode: 'google' as const };
    expect(webConfig({ config: { ...t.config, google }, embeddedEmulatorUrl: undefined })).toMatchObject({
      google_mode: 'google',
      emulator_url: null,
    });
  });

  it('documents the CRM endpoints in the OpenAPI document', async () => {
    const paths = Object.keys((await t.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/crm/contacts',
        '/crm/contacts/{id}',
        '/crm/companies',
        '/crm/deals/{id}',
        '/crm/{type}/{id}/activities',
        '/web/config',
      ]),
    );
    expect(paths).not.toContain('/');
  });
});
