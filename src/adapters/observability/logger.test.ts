import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: createLogger({ logLevel: 'info' }, stream), lines };
}

describe('redactUrl', () => {
  it('replaces OAuth codes, states and tokens in query strings', () => {
    expect(redactUrl('/integrations/calendar/callback?code=4/abc&state=xyz&scope=email')).toBe(
      '/integrations/calendar/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&scope=email',
    );
    expect(redactUrl('/x?ACCESS_TOKEN=ya29&page=2')).toBe('/x?ACCESS_TOKEN=%5Bredacted%5D&page=2');
  });

  it('leaves URLs without secrets untouched', () => {
    expect(redactUrl('/crm/contacts?limit=10&q=ann')).toBe('/crm/contacts?limit=10&q=ann');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });
});

describe('createLogger', () => {
  it('redacts secret keys at several depths but keeps error codes and states', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        refresh_token: 'r1',
        connection: { access_token: 'a1', tokens: { refresh_token: 'r2' } },
        request: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } },
        callback: { query: { code: 'c1', state: 's1' } },
        err: { code: 'ECONNRESET' },
        state: 'active',
      },
      'hello',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['r1', 'a1', 'r2', 'Bearer abc', 'sid=1', '"c1"', '"s1"'])
      expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ err: { code: 'ECONNRESET' }, state: 'active', msg: 'hello' });
  });

  it('serializes requests with the query secrets removed from the URL', () => {
    const { logger, lines } = capture();
    logger.info({ req: { method: 'GET', url: '/cb?code=zzz', hostname: 'h', ip: '1.2.3.4' } }, 'incoming');
    expect(lines[0]?.req).toEqual({
      method: 'GET',
      url: '/cb?code=%5Bredacted%5D',
      host: 'h',
      remoteAddress: '1.2.3.4',
    });
  });
});
