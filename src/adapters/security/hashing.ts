import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a UTF-8 string, base64url-encoded (43 characters). */
export function sha256Base64url(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** `bytes` cryptographically random bytes as a base64url string (no padding). */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) {
    throw new RangeError(`randomToken needs at least 16 bytes, got ${bytes}`);
  }
  return randomBytes(bytes).toString('base64url');
}

/**
 * Compares two secrets in time independent of where they differ. Both sides are hashed first so
 * that the comparison also leaks nothing about their lengths (timingSafeEqual needs equal lengths).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
