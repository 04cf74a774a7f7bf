import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { assertDevSignInAllowed, ConfigError, loadConfig } from '../src/adapters/config.js';
import { startTestApp, TEST_JWT_SECRET } from './support/harness.js';
import { runMain, stop, waitForOutput } from './support/main-process.js';
import { reservePort } from './support/ports.js';

/**
 * The dev sign-in (anyone may mint a token for a demo user) refuses to serve where others could
 * reach it or where it would share real data, unless ALLOW_DEV_AUTH=true says so, and then warns;
 * JWTs without a `tenant` claim are refused unless CRM_JWT_DEFAULT_TENANT names their tenant.
 */

const KEY = `k1:${randomBytes(32).toString('base64')}`;

function refusal(env: Record<string, string>): string[] {
  try {
    assertDevSignInAllowed(loadConfig(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the dev sign-in to be refused');
}

describe('AUTH_MODE=dev', () => {
  it.each([
    ['bound to every interface', { HOST: '0.0.0.0' }, 'HOST=0.0.0.0 (not a loopback address)'],
    ['bound to a LAN address', { HOST: '192.168.1.20' }, 'HOST=192.168.1.20 (not a loopback address)'],
    ['on PostgreSQL', { DATABASE_URL: 'postgres://db/crm', TOKEN_ENCRYPTION_KEY: KEY }, 'DATABASE_URL set'],
    ['behind an https PUBLIC_URL', { PUBLIC_URL: 'https://sync.example.com' }, 'an https PUBLIC_URL'],
    [
      'with a JWT secret it would ignore',
      { AUTH_MODE: 'dev', CRM_JWT_SECRET: TEST_JWT_SECRET },
      'CRM_JWT_SECRET set (JWT settings are ignored in dev mode)',
    ],
    ['with JWT issuer settings but no key', { CRM_JWT_ISSUER: 'https://crm.example' }, 'CRM_JWT_ISSUER set'],
  ])('refuses to start %s', (_what, env, exposure) => {
    const problems = refusal(env);
    expect(problems[0]).toContain(`AUTH_MODE=dev does not start with ${exposure}`);
    expect(problems.at(-1)).toContain('ALLOW_DEV_AUTH=true');
  });

  it('lists every exposure at once', () => {
    const problems = refusal({
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://sync.example.com',
      AUTH_MODE: 'dev',
      CRM_JWKS_URL: 'https://crm.example/jwks',
    });
    expect(problems).toHaveLength(4);
  });

  it('runs on loopback with the embedded store, as npm start does', () => {
    for (const HOST of ['127.0.0.1', '127.0.0.2', '::1', 'localhost', '[::1]']) {
      const config = loadConfig({ HOST });
      expect(config.auth.mode).toBe('dev');
      expect(config.devSignIn.exposures).toEqual([]);
      expect(() => assertDevSignInAllowed(config)).not.toThrow();
    }
  });

  it('runs exposed only with ALLOW_DEV_AUTH=true, keeping what it is exposed to', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://db/crm',
      TOKEN_ENCRYPTION_KEY: KEY,
      ALLOW_DEV_AUTH: 'true',
    });
    expect(() => assertDevSignInAllowed(config)).not.toThrow();
    expect(config.devSignIn).toEqual({
      allowed: true,
      exposures: ['HOST=0.0.0.0 (not a loopback address)', 'DATABASE_URL set (a shared database)'],
    });
    expect(() => loadConfig({ ALLOW_DEV_AUTH: 'yes' })).toThrow(ConfigError);
  });

  it('is no concern of the roles that do not serve HTTP (worker, migrate, sync on PostgreSQL)', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db/crm', TOKEN_ENCRYPTION_KEY: KEY });
    expect(config.auth.mode).toBe('dev');
    expect(config.devSignIn.exposures).toHaveLength(1);
  });

  describe('the process', () => {
    const dirs: string[] = [];
    afterAll(async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });

    it('exits at start, saying why and how, when the dev sign-in would be exposed', async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'crm-sync-dev-auth-'));
      dirs.push(dataDir);
      const run = runMain(['api'], { HOST: '0.0.0.0', DATA_DIR: dataDir, PORT: '0' });
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toContain(
        'AUTH_MODE=dev does not start with HOST=0.0.0.0 (not a loopback address)',
      );
      expect(run.stderr()).toContain('ALLOW_DEV_AUTH=true');
      expect(run.stdout()).not.toContain('listening');
    }, 60_000);

    it('starts with ALLOW_DEV_AUTH=true and warns loudly on stderr and in the log', async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'crm-sync-dev-auth-'));
      dirs.push(dataDir);
      const reserved = await reservePort();
      await reserved.release();
      const run = runMain(['api'], {
        HOST: '0.0.0.0',
        ALLOW_DEV_AUTH: 'true',
        DATA_DIR: dataDir,
        PORT: String(reserved.port),
        PUBLIC_URL: `http://127.0.0.1:${reserved.port}`,
      });
      try {
        await waitForOutput(run, /CRM Calendar Sync listening on/, 90_000);
        expect(run.stderr()).toMatch(
          /WARNING: ALLOW_DEV_AUTH=true runs the dev sign-in \(AUTH_MODE=dev\) with\n {2}- HOST=0\.0\.0\.0/,
        );
        expect(run.stdout()).toMatch(
          /"level":40.*ALLOW_DEV_AUTH=true: the dev sign-in at \/auth\/dev runs with HOST=0\.0\.0\.0/,
        );
      } finally {
        await stop(run);
      }
    }, 120_000);
  });
});

describe('JWTs without a tenant claim', () => {
  const sign = async (claims: Record<string, string>) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
  };

  it('are refused with 401 saying what to set, unless CRM_JWT_DEFAULT_TENANT maps them', async () => {
    const strict = await startTestApp({ workers: false, env: { CRM_JWT_DEFAULT_TENANT: undefined } });
    const mapped = await startTestApp({ workers: false, env: { CRM_JWT_DEFAULT_TENANT: 'acme' } });
    try {
      const refused = await strict.app.inject({
        url: '/auth/me',
        headers: { authorization: `Bearer ${await sign({})}` },
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toMatchObject({
        code: 'unauthorized',
        message:
          'Token has no "tenant" claim: add one, or set CRM_JWT_DEFAULT_TENANT to the tenant of such tokens',
      });
      const { rows } = await strict.ctx.database.executeSql<{ n: string }>('SELECT count(*) AS n FROM users');
      expect(Number(rows[0]?.n)).toBe(0);

      const withTenant = await strict.app.inject({
        url: '/auth/me',
        headers: { authorization: `Bearer ${await sign({ tenant: 'default' })}` },
      });
      expect(withTenant.json()).toMatchObject({ tenant_id: 'default', user_id: 'alice' });

      const viaSetting = await mapped.app.inject({
        url: '/auth/me',
        headers: { authorization: `Bearer ${await sign({})}` },
      });
      expect(viaSetting.json()).toMatchObject({ tenant_id: 'acme', user_id: 'alice' });
    } finally {
      await strict.close();
      await mapped.close();
    }
  });
});
