import { expect } from 'vitest';
import type { GoogleErrorItem } from '../../src/errors.js';
import type { RawResponse } from './emulator.js';

/** Google's JSON error envelope, as the Calendar API answers every failed request. */
export interface GoogleErrorBody {
  error: { code: number; message: string; errors: GoogleErrorItem[]; status?: string };
}

const ENVELOPE_KEYS = ['code', 'errors', 'message', 'status'];
const ITEM_KEYS = ['domain', 'location', 'locationType', 'message', 'reason'];

/**
 * Asserts the exact shape of Google's error envelope:
 * `{"error":{"code","message","errors":[{"domain","reason","message","locationType?","location?"}]}}`
 * (plus the optional canonical `status` string Google adds on newer front ends).
 */
export function expectGoogleEnvelope(body: unknown, status: number): asserts body is GoogleErrorBody {
  expect(body, `HTTP ${status} body is not Google's error envelope`).toMatchObject({
    error: { code: status, message: expect.any(String), errors: expect.any(Array) },
  });
  const envelope = body as GoogleErrorBody;
  expect(Object.keys(body as object)).toEqual(['error']);
  for (const key of Object.keys(envelope.error)) expect(ENVELOPE_KEYS).toContain(key);
  if (envelope.error.status !== undefined) expect(typeof envelope.error.status).toBe('string');
  expect(envelope.error.message.length).toBeGreaterThan(0);
  expect(envelope.error.errors.length).toBeGreaterThan(0);
  for (const item of envelope.error.errors) {
    for (const key of Object.keys(item)) expect(ITEM_KEYS).toContain(key);
    expect(item).toMatchObject({
      domain: expect.any(String),
      reason: expect.any(String),
      message: expect.any(String),
    });
    expect(item.reason.length).toBeGreaterThan(0);
    if (item.location !== undefined) expect(typeof item.location).toBe('string');
    if (item.locationType !== undefined) expect(typeof item.locationType).toBe('string');
  }
}

function checkReason(body: GoogleErrorBody, reason: string | string[] | undefined): void {
  if (reason === undefined) return;
  const reasons = Array.isArray(reason) ? reason : [reason];
  expect(reasons, `unexpected error reason: ${JSON.stringify(body.error)}`).toContain(
    body.error.errors[0]?.reason,
  );
}

/**
 * Awaits an official-client call that must fail with HTTP `code` (and `reason`, when given) in
 * Google's envelope. Returns the envelope for further checks.
 */
export async function expectGoogleError(
  call: Promise<unknown>,
  code: number,
  reason?: string | string[],
): Promise<GoogleErrorBody> {
  let failure: unknown;
  try {
    await call;
  } catch (err) {
    failure = err;
  }
  expect(failure, `expected the call to fail with ${code}`).toBeDefined();
  const response = (failure as { response?: { status: number; data: unknown } }).response;
  expect(response, `the call failed without an HTTP answer: ${String(failure)}`).toBeDefined();
  expect(response!.status).toBe(code);
  expectGoogleEnvelope(response!.data, code);
  checkReason(response!.data, reason);
  return response!.data;
}

/** Same as expectGoogleError for a raw HTTP answer. */
export function expectRawError(res: RawResponse, code: number, reason?: string | string[]): GoogleErrorBody {
  expect(res.status, `expected ${code}, got ${res.status}: ${res.text.slice(0, 300)}`).toBe(code);
  expectGoogleEnvelope(res.body, code);
  checkReason(res.body, reason);
  return res.body;
}
