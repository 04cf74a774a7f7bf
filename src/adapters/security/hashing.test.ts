import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, randomToken, sha256Base64url } from './hashing.js';

describe('hashing', () => {
  it('hashes with SHA-256 in base64url', () => {
    expect(sha256Base64url('abc')).toBe(createHash('sha256').update('abc').digest('base64url'));
    expect(sha256Base64url('abc')).toHaveLength(43);
  });

  it('makes random url-safe tokens of the requested entropy', () => {
    const a = randomToken(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 100 }, () => randomToken())).size).toBe(100);
    expect(() => randomToken(8)).toThrow(RangeError);
  });

  it('compares secrets', () => {
    expect(constantTimeEqual('secret', 'secret')).toBe(true);
    expect(constantTimeEqual('secret', 'secreT')).toBe(false);
    expect(constantTimeEqual('secret', 'secret-longer')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});
