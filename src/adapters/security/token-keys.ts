import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.js';
import { TokenCipher, generateEncryptionKeySpec, parseEncryptionKeys } from './token-cipher.js';

/** Name of the key file generated in DATA_DIR by the embedded default. */
export const KEY_FILE_NAME = 'token-encryption.key';

/** True for the in-memory store the tests use (DATA_DIR=:memory:); nothing is written to disk then. */
function isInMemoryDataDir(dataDir: string): boolean {
  return dataDir === ':memory:' || path.basename(dataDir) === ':memory:';
}

/**
 * Builds the token cipher from configuration:
 * - TOKEN_ENCRYPTION_KEY when set (the only option with PostgreSQL, enforced by loadConfig);
 * - otherwise, for the embedded store, `DATA_DIR/token-encryption.key`, generated with mode 0600 on
 *   first start and reused afterwards;
 * - for an in-memory store, a random key that lives as long as the process (so does the data).
 */
export async function loadTokenCipher(
  config: Pick<Config, 'tokenEncryptionKey' | 'databaseUrl' | 'dataDir'>,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<TokenCipher> {
  if (config.tokenEncryptionKey !== undefined) {
    return new TokenCipher(parseEncryptionKeys(config.tokenEncryptionKey));
  }
  if (config.databaseUrl !== undefined) {
    throw new ConfigError(['TOKEN_ENCRYPTION_KEY is required with DATABASE_URL']);
  }
  if (isInMemoryDataDir(config.dataDir)) {
    return new TokenCipher([{ kid: 'memory', key: randomBytes(32) }]);
  }
  const file = path.join(config.dataDir, KEY_FILE_NAME);
  const created = await createKeyFileIfMissing(file);
  if (created) {
    logger.warn(
      { file },
      'Generated a token encryption key; back it up with the data directory (tokens cannot be read without it)',
    );
  }
  return new TokenCipher(await readKeyFile(file));
}

/** Reads and validates a key file, tightening its mode to 0600 when it is readable by others. */
async function readKeyFile(file: string): Promise<ReturnType<typeof parseEncryptionKeys>> {
  const stat = await fs.stat(file);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    await fs.chmod(file, 0o600);
  }
  const text = await fs.readFile(file, 'utf8');
  return parseEncryptionKeys(text.trim(), file);
}

/**
 * Creates the key file atomically: the key is written to a private temporary file which is then
 * hard-linked into place, so a concurrent starter either wins the link or reads the winner's
 * complete file, never a half-written one.
 */
async function createKeyFileIfMissing(file: string): Promise<boolean> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.access(file);
    return false;
  } catch {
    // Missing: create it below.
  }
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const kid = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  await fs.writeFile(temporary, `${generateEncryptionKeySpec(kid)}\n`, { mode: 0o600, flag: 'wx' });
  // The umask may only narrow the mode; set it exactly so the file is what the docs promise.
  await fs.chmod(temporary, 0o600);
  try {
    await fs.link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}
