import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { KEY_FILE_NAME, loadTokenCipher } from './token-keys.js';

const logged: string[] = [];
const logger = {
  info: (_obj: unknown, msg?: string) => void logged.push(String(msg)),
  warn: (_obj: unknown, msg?: string) => void logged.push(String(msg)),
} as unknown as Parameters<typeof loadTokenCipher>[1];

let dataDir: string;

beforeEach(async () => {
  logged.length = 0;
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'token-keys-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const embedded = () => ({ tokenEncryptionKey: undefined, databaseUrl: undefined, dataDir });

describe('loadTokenCipher', () => {
  it('generates DATA_DIR/token-encryption.key with mode 0600 on first start and reuses it', async () => {
    const first = await loadTokenCipher(embedded(), logger);
    const file = path.join(dataDir, KEY_FILE_NAME);
    const stat = await fs.stat(file);
    if (process.platform !== 'win32') expect(stat.mode & 0o777).toBe(0o600);
    expect(await fs.readFile(file, 'utf8')).toMatch(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/]+=*\n$/);
    expect(logged.some((m) => m.includes('Generated a token encryption key'))).toBe(true);

    const sealed = first.encrypt('refresh-token', 'ctx');
    logged.length = 0;
    const second = await loadTokenCipher(embedded(), logger);
    expect(second.decrypt(sealed, 'ctx')).toBe('refresh-token');
    expect(logged).toHaveLength(0);
    expect((await fs.readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('creates the data directory when it does not exist yet', async () => {
    const nested = path.join(dataDir, 'a', 'b');
    await loadTokenCipher({ ...embedded(), dataDir: nested }, logger);
    await expect(fs.stat(path.join(nested, KEY_FILE_NAME))).resolves.toBeTruthy();
  });

  it('concurrent first starts agree on one key', async () => {
    const [a, b] = await Promise.all([
      loadTokenCipher(embedded(), logger),
      loadTokenCipher(embedded(), logger),
    ]);
    expect(b.decrypt(a.encrypt('x', 'ctx'), 'ctx')).toBe('x');
  });

  it.runIf(process.platform !== 'win32')('tightens a key file that others can read', async () => {
    const file = path.join(dataDir, KEY_FILE_NAME);
    await fs.writeFile(file, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
    await fs.chmod(file, 0o644);
    await loadTokenCipher(embedded(), logger);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reports a corrupt key file clearly', async () => {
    await fs.writeFile(path.join(dataDir, KEY_FILE_NAME), 'k1:short\n', { mode: 0o600 });
    await expect(loadTokenCipher(embedded(), logger)).rejects.toThrow(
      /token-encryption\.key: key 'k1' decodes to/,
    );
  });

  it('uses TOKEN_ENCRYPTION_KEY when set and writes no file', async () => {
    const spec = `prod:${randomBytes(32).toString('base64')}`;
    const cipher = await loadTokenCipher({ ...embedded(), tokenEncryptionKey: spec }, logger);
    expect(cipher.activeKeyId).toBe('prod');
    expect(await fs.readdir(dataDir)).toEqual([]);
  });

  it('fails with a clear error for a bad TOKEN_ENCRYPTION_KEY or PostgreSQL without one', async () => {
    await expect(loadTokenCipher({ ...embedded(), tokenEncryptionKey: 'k:abcd' }, logger)).rejects.toThrow(
      /exactly 32/,
    );
    await expect(
      loadTokenCipher({ ...embedded(), databaseUrl: 'postgres://localhost/db' }, logger),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('keeps an in-memory store key in memory only', async () => {
    const cipher = await loadTokenCipher({ ...embedded(), dataDir: ':memory:' }, logger);
    expect(cipher.decrypt(cipher.encrypt('t', 'c'), 'c')).toBe('t');
    expect(await fs.readdir(dataDir)).toEqual([]);
  });
});
