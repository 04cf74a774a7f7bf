import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './support/harness.js';

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function hs256(
  claims: Record<string, unknown>,
  options: { key?: Uint8Array; expiresIn?: number } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 600));
  return jwt.sign(options.key ?? secret);
}

async function me(t: TestApp, authorization?: string) {
  return t.app.inject({ url: '/auth/me', headers: authorization === undefined ? {} : { authorization } });
}

describe('bearer JWT (HS256)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      workers: false,
      env: { CRM_JWT_ISSUER: 'https://crm.example', CRM_JWT_AUDIENCE: 'calendar-sync' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const valid = (extra: Record<string, unknown> = {}) =>
    hs256({ sub: 'alice', iss: 'https://crm.example', aud: 'calendar-sync', ...extra });

  it('accepts a valid token, defaults the tenant, and records the user', async () => {
    const response = await me(t, `Bearer ${await valid({ email: 'alice@example.com' })}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ tenant_id: 'default', user_id: 'alice', auth_mode: 'jwt' });
    const row = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: 'default', email: 'alice@example.com' });
    expect(row.last_seen_at).toBeInstanceOf(Date);
  });

  it('takes the tenant from the tenant claim', async () => {
    const response = await me(t, `Bearer ${await valid({ sub: 'dave', tenant: 'acme' })}`);
    expect(response.json()).toMatchObject({ tenant_id: 'acme', user_id: 'dave' });
  });

  it.each([
    ['missing header', undefined, /Missing bearer token/],
    ['wrong scheme', 'Basic YWxpY2U6c2VjcmV0', /must be "Bearer <JWT>"/],
    ['garbage', 'Bearer not-a-jwt', /Malformed token/],
  ])('rejects a %s with 401', async (_name, header, message) => {
    const response = await me(t, header);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toContain('Bearer');
    expect(response.json().error).toMatchObject({ code: 'unauthorized' });
    expect(response.json().error.message).toMatch(message);
  });

  it('rejects alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
      sub: 'alice',
      iss: 'https://crm.example',
      aud: 'calendar-sync',
      exp: now + 600,
    })}.`;
    const response = await me(t, `Bearer ${token}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/algorithm is not allowed/);
  });

  it('rejects a token signed with another key', async () => {
    const other = new TextEncoder().encode('another-secret-that-is-long-enough-0123456789');
    const token = await hs256(
      { sub: 'alice', iss: 'https://crm.example', aud: 'calendar-sync' },
      { key: other },
    );
    const response = await me(t, `Bearer ${token}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe('Token signature is invalid');
  });

  it('rejects an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'alice', iss: 'https://crm.example', aud: 'calendar-sync' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(secret);
    const response = await me(t, `Bearer ${token}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe('Token expired');
  });

  it('rejects a wrong issuer or audience, and a token without sub or exp', async () => {
    const wrongIssuer = await me(t, `Bearer ${await valid({ iss: 'https://evil.example' })}`);
    expect(wrongIssuer.statusCode).toBe(401);
    expect(wrongIssuer.json().error.message).toMatch(/"iss"/);

    const wrongAudience = await me(t, `Bearer ${await valid({ aud: 'someone-else' })}`);
    expect(wrongAudience.statusCode).toBe(401);
    expect(wrongAudience.json().error.message).toMatch(/"aud"/);

    const noSub = await me(t, `Bearer ${await hs256({ iss: 'https://crm.example', aud: 'calendar-sync' })}`);
    expect(noSub.statusCode).toBe(401);
    expect(noSub.json().error.message).toMatch(/"sub"/);

    const noExp = await new SignJWT({ sub: 'alice', iss: 'https://crm.example', aud: 'calendar-sync' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret);
    const noExpResponse = await me(t, `Bearer ${noExp}`);
    expect(noExpResponse.statusCode).toBe(401);
    expect(noExpResponse.json().error.message).toMatch(/"exp"/);
  });

  it('rejects an empty tenant claim', async () => {
    const response = await me(t, `Bearer ${await valid({ tenant: '' })}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/tenant/);
  });

  it('has no dev sign-in in JWT mode', async () => {
    expect((await t.app.inject({ url: '/auth/dev' })).statusCode).toBe(404);
    const mint = await t.app.inject({
      method: 'POST',
      url: '/auth/dev/token',
      payload: { user_id: 'alice' },
    });
    expect(mint.statusCode).toBe(404);
  });
});

describe('bearer JWT through a JWKS (RS256 / ES256)', () => {
  let t: TestApp;
  let jwks: Server;
  let rsa: CryptoKey;
  let ec: CryptoKey;

  beforeAll(async () => {
    const rsaPair = await generateKeyPair('RS256');
    const ecPair = await generateKeyPair('ES256');
    rsa = rsaPair.privateKey;
    ec = ecPair.privateKey;
    const keys: JWK[] = [
      { ...(await exportJWK(rsaPair.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ecPair.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    t = await startTestApp({
      workers: false,
      env: { CRM_JWT_SECRET: undefined, CRM_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => jwks?.close(() => resolve()));
  });

  const sign = (key: CryptoKey, alg: string, kid: string, claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: 'carol', ...claims })
      .setProtectedHeader({ alg, kid })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key);
  };

  it('accepts RS256 and ES256 tokens signed by a key in the JWKS', async () => {
    const rs = await me(t, `Bearer ${await sign(rsa, 'RS256', 'rsa-1', { tenant: 'acme' })}`);
    expect(rs.statusCode).toBe(200);
    expect(rs.json()).toMatchObject({ tenant_id: 'acme', user_id: 'carol' });
    const es = await me(t, `Bearer ${await sign(ec, 'ES256', 'ec-1')}`);
    expect(es.statusCode).toBe(200);
  });

  it('rejects a key that is not in the JWKS, and HS256 when no secret is configured', async () => {
    const stranger = await generateKeyPair('RS256');
    const response = await me(t, `Bearer ${await sign(stranger.privateKey, 'RS256', 'unknown-kid')}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/No key in the JWKS/);

    const symmetric = await me(t, `Bearer ${await hs256({ sub: 'carol' })}`);
    expect(symmetric.statusCode).toBe(401);
    expect(symmetric.json().error.message).toMatch(/algorithm is not allowed/);
  });
});

describe('dev sign-in (AUTH_MODE=dev)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ workers: false, env: { CRM_JWT_SECRET: undefined } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is the default without JWT settings, with a page listing the demo users', async () => {
    expect(t.config.auth.mode).toBe('dev');
    const page = await t.app.inject({ url: '/auth/dev' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    for (const user of ['alice', 'bob', 'carol', 'dave']) expect(page.body).toContain(`data-user="${user}"`);
    expect(page.body).toContain('data-tenant="acme"');
    expect(page.body).toMatch(/local use only/i);
  });

  it('mints a token the normal verification path accepts', async () => {
    const minted = await t.app.inject({
      method: 'POST',
      url: '/auth/dev/token',
      payload: { tenant_id: 'acme', user_id: 'dave' },
    });
    expect(minted.statusCode).toBe(200);
    const body = minted.json();
    expect(body).toMatchObject({ token_type: 'Bearer', user: { tenant_id: 'acme', user_id: 'dave' } });
    expect(new Date(body.expires_at).getTime()).toBeGreaterThan(Date.now());

    const response = await me(t, `Bearer ${body.token}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      tenant_id: 'acme',
      user_id: 'dave',
      name: 'Dave Diaz',
      email: 'dave@acme.example',
      auth_mode: 'dev',
    });
  });

  it('refuses unknown demo users and tokens not minted by this install', async () => {
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/auth/dev/token',
      payload: { user_id: 'mallory' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');

    const forged = await hs256({ sub: 'alice', iss: 'crm-calendar-sync/dev-auth' });
    const response = await me(t, `Bearer ${forged}`);
    expect(response.statusCode).toBe(401);
  });
});
