import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../adapters/clock.js';
import { loadConfig } from '../../adapters/config.js';
import { DEMO_USERS } from '../demo-users.js';
import { ServiceUnavailableError, UnauthorizedError } from '../../kernel/errors.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { TokenVerifier } from './auth-tokens.js';

const logger = createLogger({ logLevel: 'silent' });
const SECRET = 'unit-test-secret-that-is-long-enough-1234';

async function verifier(env: Record<string, string>, clock = new ManualClock()) {
  return TokenVerifier.create(loadConfig({ DATA_DIR: ':memory:', ...env }), clock, logger);
}

describe('TokenVerifier', () => {
  it('checks expiry against the injected clock', async () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const v = await verifier({ CRM_JWT_SECRET: SECRET, CRM_JWT_DEFAULT_TENANT: 'default' }, clock);
    const iat = Math.floor(clock.now().getTime() / 1000);
    const token = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
    await expect(v.verify(token)).resolves.toMatchObject({ tenantId: 'default', userId: 'alice' });
    clock.advance(61_000 + 30_000); // past expiry and the 30 s clock tolerance
    await expect(v.verify(token)).rejects.toThrow(new UnauthorizedError('Token expired'));
  });

  it('reports an unreachable JWKS as a temporary failure, not as a bad token', async () => {
    const v = await verifier({ CRM_JWKS_URL: 'http://127.0.0.1:9/jwks.json' });
    const token = [
      Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1' })).toString('base64url'),
      Buffer.from(JSON.stringify({ sub: 'alice', exp: 4_000_000_000 })).toString('base64url'),
      'c2lnbmF0dXJl',
    ].join('.');
    await expect(v.verify(token)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('mints dev tokens only in dev mode, and verifies them with the same path', async () => {
    const dev = await verifier({});
    expect(dev.devMode).toBe(true);
    const { token } = await dev.mintDevToken(DEMO_USERS[3]!);
    await expect(dev.verifyAuthorizationHeader(`Bearer ${token}`)).resolves.toMatchObject({
      tenantId: 'acme',
      userId: 'dave',
      email: 'dave@acme.example',
    });
    const other = await verifier({});
    await expect(other.verify(token)).rejects.toThrow('Token signature is invalid');

    const jwt = await verifier({ CRM_JWT_SECRET: SECRET });
    await expect(jwt.mintDevToken(DEMO_USERS[0]!)).rejects.toThrow(/AUTH_MODE=dev/);
  });
});
