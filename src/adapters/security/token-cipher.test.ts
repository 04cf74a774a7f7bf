import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import {
  TokenCipher,
  TokenDecryptionError,
  generateEncryptionKeySpec,
  parseEncryptionKeys,
} from './token-cipher.js';

const key = (kid: string) => ({ kid, key: randomBytes(32) });
const OWNER = 'connection:default:alice';

describe('TokenCipher', () => {
  it('round-trips and produces the documented format with a fresh IV each time', () => {
    const cipher = new TokenCipher([key('k1')]);
    const secret = 'ya29.a0AfH6SMB-refresh-token/with+chars=';
    const a = cipher.encrypt(secret, OWNER);
    const b = cipher.encrypt(secret, OWNER);
    expect(a).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
    expect(a).not.toEqual(b);
    expect(a).not.toContain(secret);
    expect(cipher.decrypt(a, OWNER)).toBe(secret);
    expect(cipher.decrypt(b, OWNER)).toBe(secret);
  });

  it('rejects a tampered ciphertext, tag or IV', () => {
    const cipher = new TokenCipher([key('k1')]);
    const payload = cipher.encrypt('token-value', OWNER);
    const parts = payload.split(':');
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64url');
    };
    for (const index of [2, 3, 4]) {
      const tampered = [...parts];
      tampered[index] = flip(tampered[index]!);
      expect(() => cipher.decrypt(tampered.join(':'), OWNER)).toThrow(TokenDecryptionError);
    }
    expect(() => cipher.decrypt('not-a-ciphertext', OWNER)).toThrow(/unknown format/);
    expect(() => cipher.decrypt(payload.replace(/^v1/, 'v2'), OWNER)).toThrow(/unknown format/);
  });

  it('refuses a ciphertext moved to another owner (AAD mismatch)', () => {
    const cipher = new TokenCipher([key('k1')]);
    const payload = cipher.encrypt('alice-token', OWNER);
    expect(() => cipher.decrypt(payload, 'connection:default:bob')).toThrow(/another owner/);
    expect(() => cipher.decrypt(payload, 'connection:acme:alice')).toThrow(TokenDecryptionError);
  });

  it('rotates: the first key encrypts, older keys still decrypt, removed keys are reported', () => {
    const old = key('old');
    const current = key('new');
    const before = new TokenCipher([old]);
    const legacy = before.encrypt('legacy-token', OWNER);

    const rotated = new TokenCipher([current, old]);
    expect(rotated.activeKeyId).toBe('new');
    expect(rotated.decrypt(legacy, OWNER)).toBe('legacy-token');
    expect(rotated.usesActiveKey(legacy)).toBe(false);
    const rewritten = rotated.encrypt(rotated.decrypt(legacy, OWNER), OWNER);
    expect(rewritten.startsWith('v1:new:')).toBe(true);
    expect(rotated.usesActiveKey(rewritten)).toBe(true);

    const withoutOld = new TokenCipher([current]);
    expect(() => withoutOld.decrypt(legacy, OWNER)).toThrow(/key id 'old'/);
    expect(withoutOld.decrypt(rewritten, OWNER)).toBe('legacy-token');
  });

  it('refuses keys that are not 32 bytes and duplicate ids', () => {
    expect(() => new TokenCipher([])).toThrow(ConfigError);
    expect(() => new TokenCipher([{ kid: 'k', key: randomBytes(16) }])).toThrow(/exactly 32/);
    expect(() => new TokenCipher([key('k'), key('k')])).toThrow(/twice/);
  });
});

describe('parseEncryptionKeys', () => {
  it('parses several keys in standard or url-safe base64, first one first', () => {
    const raw = randomBytes(32);
    const spec = `a:${raw.toString('base64')}, b:${randomBytes(32).toString('base64url')}`;
    const keys = parseEncryptionKeys(spec);
    expect(keys.map((k) => k.kid)).toEqual(['a', 'b']);
    expect(keys[0]!.key.equals(raw)).toBe(true);
    expect(parseEncryptionKeys(generateEncryptionKeySpec('gen'))[0]!.key).toHaveLength(32);
  });

  it.each([
    ['', /no key given/],
    ['just-a-key-without-id', /kid:base64key/],
    [':abc', /kid:base64key/],
    [`bad id:${randomBytes(32).toString('base64')}`, /may only contain/],
    ['k1:not*base64!', /not valid base64/],
    [`k1:${randomBytes(16).toString('base64')}`, /decodes to 16 bytes; it must be exactly 32/],
    [`k1:${randomBytes(33).toString('base64')}`, /decodes to 33 bytes/],
    [`k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, /appears twice/],
  ])('rejects %j with a clear message', (spec, message) => {
    let error: unknown;
    try {
      parseEncryptionKeys(spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes key material in errors', () => {
    const material = randomBytes(20).toString('base64');
    expect(() => parseEncryptionKeys(`k:${material}`)).toThrow(ConfigError);
    try {
      parseEncryptionKeys(`k:${material}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(material);
    }
  });
});
