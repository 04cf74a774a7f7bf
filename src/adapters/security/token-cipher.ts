import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config.js';

/**
 * Authenticated encryption of OAuth tokens and PKCE verifiers at rest: AES-256-GCM with a random
 * 96-bit IV per message (NIST SP 800-38D, section 8.2.2) and a key id in every ciphertext so keys
 * can rotate: the first configured key encrypts, every configured key decrypts.
 *
 * Ciphertext format: `v1:<kid>:<iv b64url>:<ciphertext b64url>:<tag b64url>`.
 *
 * The caller passes a context string (for a connection: its tenant and user) that is bound to the
 * ciphertext as additional authenticated data, so a ciphertext copied into another row fails to
 * decrypt instead of handing one user's token to another.
 */

interface EncryptionKey {
  kid: string;
  key: Buffer;
}

/** Raised when a ciphertext is malformed, tampered with, bound to another context or its key is gone. */
export class TokenDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptionError';
  }
}

const FORMAT_VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

export class TokenCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly active: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    const [first] = keys;
    if (first === undefined) throw new ConfigError(['TOKEN_ENCRYPTION_KEY: at least one key is required']);
    const map = new Map<string, Buffer>();
    for (const { kid, key } of keys) {
      if (!KID_PATTERN.test(kid)) throw new ConfigError([`TOKEN_ENCRYPTION_KEY: invalid key id '${kid}'`]);
      if (key.length !== KEY_BYTES) {
        throw new ConfigError([
          `TOKEN_ENCRYPTION_KEY: key '${kid}' is ${key.length} bytes; AES-256 keys are exactly ${KEY_BYTES} bytes`,
        ]);
      }
      if (map.has(kid)) throw new ConfigError([`TOKEN_ENCRYPTION_KEY: key id '${kid}' appears twice`]);
      map.set(kid, Buffer.from(key));
    }
    this.keys = map;
    this.active = { kid: first.kid, key: Buffer.from(first.key) };
  }

  /** Id of the key new ciphertexts are made with. */
  get activeKeyId(): string {
    return this.active.kid;
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      FORMAT_VERSION,
      this.active.kid,
      iv.toString('base64url'),
      body.toString('base64url'),
      tag.toString('base64url'),
    ].join(':');
  }

  decrypt(payload: string, context: string): string {
    const parts = payload.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) {
      throw new TokenDecryptionError('Encrypted token has an unknown format');
    }
    const [, kid = '', ivText = '', bodyText = '', tagText = ''] = parts;
    const key = this.keys.get(kid);
    if (key === undefined) {
      throw new TokenDecryptionError(
        `Encrypted token uses key id '${kid}', which is not configured in TOKEN_ENCRYPTION_KEY`,
      );
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new TokenDecryptionError('Encrypted token has a malformed IV or tag');
    }
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      // GCM authentication failed: the bytes were altered or the ciphertext belongs to another row.
      throw new TokenDecryptionError(
        'Encrypted token failed authentication (tampered or bound to another owner)',
      );
    }
  }

  /** Whether a ciphertext was made with the active key (false means: re-encrypt on the next write). */
  usesActiveKey(payload: string): boolean {
    return payload.split(':')[1] === this.active.kid;
  }
}

/**
 * Parses `kid:base64key[,kid:base64key...]` (standard or url-safe base64 of exactly 32 bytes).
 * Throws ConfigError naming what is wrong, never echoing key material.
 */
export function parseEncryptionKeys(spec: string, source = 'TOKEN_ENCRYPTION_KEY'): EncryptionKey[] {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new ConfigError([`${source}: no key given (expected kid:base64key)`]);
  const problems: string[] = [];
  const keys: EncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    if (separator <= 0) {
      problems.push(`${source}: entry ${index + 1} is not in the form kid:base64key`);
      return;
    }
    const kid = entry.slice(0, separator);
    const encoded = entry.slice(separator + 1);
    if (!KID_PATTERN.test(kid)) {
      problems.push(
        `${source}: key id '${kid}' may only contain letters, digits, '-' and '_' (1-64 characters)`,
      );
      return;
    }
    if (!BASE64_PATTERN.test(encoded)) {
      problems.push(`${source}: key '${kid}' is not valid base64`);
      return;
    }
    const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== KEY_BYTES) {
      problems.push(
        `${source}: key '${kid}' decodes to ${key.length} bytes; it must be exactly ${KEY_BYTES}`,
      );
      return;
    }
    if (keys.some((k) => k.kid === kid)) {
      problems.push(`${source}: key id '${kid}' appears twice`);
      return;
    }
    keys.push({ kid, key });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return keys;
}

/** A fresh random key in the `kid:base64key` form TOKEN_ENCRYPTION_KEY takes. */
export function generateEncryptionKeySpec(kid: string): string {
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
