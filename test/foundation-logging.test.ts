import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/adapters/observability/logger.js';
import { startTestApp, type TestApp } from './support/harness.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    callback();
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ workers: false, logger: createLogger({ logLevel: 'debug' }, sink) });
});
afterAll(async () => {
  await t?.close();
});

const SECRETS = [
  '4/0AQlEd8x-oauth-code-value',
  'state-value-8f2c1d',
  'ya29.access-token-value',
  '1//refresh-token-value',
  'client-secret-value',
  'cookie-session-value',
  'verifier-value-abcdef',
];

describe('log redaction', () => {
  it('keeps tokens, codes, secrets and cookies out of the logs', async () => {
    const token = await t.tokenFor('alice');
    await t.app.inject({
      url: `/integrations/calendar/callback?code=${encodeURIComponent(SECRETS[0]!)}&state=${SECRETS[1]}&scope=email`,
      headers: { cookie: `session=${SECRETS[5]}`, authorization: `Bearer ${token}` },
    });
    await t.app.inject({ url: '/auth/me', headers: { authorization: `Bearer ${token}` } });
    t.ctx.logger.info(
      {
        access_token: SECRETS[2],
        tokens: { access_token: SECRETS[2], refresh_token: SECRETS[3] },
        google: { clientSecret: SECRETS[4], refreshToken: SECRETS[3] },
        pkce: { code_verifier: SECRETS[6] },
        query: { code: SECRETS[0], state: SECRETS[1] },
        headers: { authorization: `Bearer ${token}`, cookie: `session=${SECRETS[5]}` },
      },
      'token exchange finished',
    );
    const failure = Object.assign(new Error('insert failed'), { code: '23505' });
    t.ctx.logger.warn({ err: failure, state: 'reauth_required' }, 'something failed');

    const output = lines.join('\n');
    expect(output).toContain('token exchange finished');
    expect(output).toContain('/integrations/calendar/callback');
    expect(output).toContain('[redacted]');
    for (const secret of [...SECRETS, token]) expect(output).not.toContain(secret);
    // Error codes and statuses are not secrets: they stay readable.
    expect(output).toContain('"code":"23505"');
    expect(output).toContain('"state":"reauth_required"');
    // Every line is JSON with a level and, for requests, the request id.
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.some((line) => 'requestId' in (JSON.parse(line) as object))).toBe(true);
  });
});
