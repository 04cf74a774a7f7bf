import { describe, expect, it } from 'vitest';
import { NotFoundError, RateLimitedError, UpstreamError } from '../../kernel/errors.js';
import {
  GoogleApiError,
  GoogleUnavailableError,
  TokenRevokedError,
  classifyGoogleError,
  googleErrorFacts,
  isTransientGoogleError,
} from './errors.js';

/** The shape gaxios gives an error answer (status, parsed body, Headers). */
function answered(status: number, data: unknown, headers: Record<string, string> = {}) {
  const error = new Error(`Request failed with status code ${status}`) as Error & Record<string, unknown>;
  error.status = status;
  error.response = { status, data, headers: new Headers(headers) };
  return error;
}

const envelope = (code: number, reason: string, message = 'msg') => ({
  error: { code, message, errors: [{ domain: 'global', reason, message }] },
});

describe('classifyGoogleError', () => {
  it('invalid_grant from the token endpoint -> TokenRevokedError', () => {
    const error = classifyGoogleError(
      answered(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
    );
    expect(error).toBeInstanceOf(TokenRevokedError);
    expect(error.code).toBe('calendar_reauth_required');
    expect(error.message).toContain('Token has been expired or revoked');
  });

  it('429 and 403 rate-limit reasons -> RateLimitedError with Retry-After', () => {
    const tooMany = classifyGoogleError(
      answered(429, envelope(429, 'rateLimitExceeded'), { 'retry-after': '7' }),
    );
    expect(tooMany).toBeInstanceOf(RateLimitedError);
    expect((tooMany as RateLimitedError).retryAfterSeconds).toBe(7);
    expect(classifyGoogleError(answered(403, envelope(403, 'userRateLimitExceeded')))).toBeInstanceOf(
      RateLimitedError,
    );
    expect(classifyGoogleError(answered(403, envelope(403, 'rateLimitExceeded')))).toBeInstanceOf(
      RateLimitedError,
    );
  });

  it('other 403s are permanent API errors, not rate limits', () => {
    const error = classifyGoogleError(answered(403, envelope(403, 'insufficientPermissions')));
    expect(error).toBeInstanceOf(GoogleApiError);
    expect((error as GoogleApiError).reason).toBe('insufficientPermissions');
    expect(isTransientGoogleError(answered(403, envelope(403, 'insufficientPermissions')))).toBe(false);
  });

  it('5xx and network failures -> GoogleUnavailableError (an UpstreamError)', () => {
    const backend = classifyGoogleError(answered(503, envelope(503, 'backendError')));
    expect(backend).toBeInstanceOf(GoogleUnavailableError);
    expect(backend).toBeInstanceOf(UpstreamError);
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const classified = classifyGoogleError(network, 'events.list');
    expect(classified).toBeInstanceOf(GoogleUnavailableError);
    expect(classified.message).toBe('events.list failed before Google answered: ECONNREFUSED');
    expect(isTransientGoogleError(network)).toBe(true);
  });

  it('keeps status and reason of other answers (410 fullSyncRequired, 412, 409, 404)', () => {
    for (const [status, reason] of [
      [410, 'fullSyncRequired'],
      [412, 'conditionNotMet'],
      [409, 'duplicate'],
      [404, 'notFound'],
    ] as const) {
      const error = classifyGoogleError(answered(status, envelope(status, reason, `m${status}`)), 'events.x');
      expect(error).toBeInstanceOf(GoogleApiError);
      expect(error).toMatchObject({ status, reason, details: { status, reason } });
      expect(error.message).toBe(`events.x: Google answered ${status} (m${status})`);
    }
  });

  it('passes domain errors through unchanged', () => {
    const original = new NotFoundError('nope');
    expect(classifyGoogleError(original)).toBe(original);
  });

  it("reads Retry-After from another fetch implementation's Headers (gaxios answers with node-fetch's)", () => {
    // Not the global Headers class: only its get() is known.
    const headers = { get: (name: string) => (name === 'retry-after' ? '120' : null) };
    const facts = googleErrorFacts({
      message: 'Too Many Requests',
      response: { status: 429, data: envelope(429, 'rateLimitExceeded'), headers },
    });
    expect(facts.retryAfterSeconds).toBe(120);
  });

  it('reads an HTTP-date Retry-After and plain-object headers', () => {
    const future = new Date(Date.now() + 30_000).toUTCString();
    const facts = googleErrorFacts({
      response: { status: 429, data: '', headers: { 'retry-after': future } },
    });
    expect(facts.retryAfterSeconds).toBeGreaterThan(25);
    expect(facts.retryAfterSeconds).toBeLessThanOrEqual(30);
  });
});
