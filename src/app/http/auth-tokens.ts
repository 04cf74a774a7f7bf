import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  SignJWT,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import { assertDevSignInAllowed, type Config } from '../../adapters/config.js';
import type { DemoUser } from '../demo-users.js';
import { ServiceUnavailableError, UnauthorizedError } from '../../kernel/errors.js';
import { unstorableCharacter } from './unstorable-text.js';

/** Who is asking: every query is scoped by both. */
export interface AuthContext {
  tenantId: string;
  userId: string;
  /** From the token's `name` / `email` claims, when present. */
  name?: string | undefined;
  email?: string | undefined;
}

const DEV_ISSUER = 'crm-calendar-sync/dev-auth';
const DEV_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
const DEV_SECRET_FILE = 'dev-auth.secret';
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_ID_LENGTH = 255;

type Verification =
  | { kind: 'hs256'; key: Uint8Array; issuer: string | undefined; audience: string | undefined }
  | { kind: 'jwks'; keys: JWTVerifyGetKey; issuer: string | undefined; audience: string | undefined };

/**
 * Verifies CRM bearer tokens: HS256 with CRM_JWT_SECRET and/or RS256/ES256 from CRM_JWKS_URL; in
 * dev mode, HS256 tokens minted by the sign-in page with a per-install secret. Every failure is an
 * UnauthorizedError with a message saying what was wrong.
 */
export class TokenVerifier {
  private constructor(
    private readonly clock: Clock,
    private readonly hs256: Verification | undefined,
    private readonly jwks: Verification | undefined,
    private readonly devSecret: Uint8Array | undefined,
    /** Tenant of tokens without a `tenant` claim; undefined refuses them. */
    private readonly defaultTenant: string | undefined,
  ) {}

  static async create(config: Config, clock: Clock, logger: Logger): Promise<TokenVerifier> {
    const auth = config.auth;
    if (auth.mode === 'dev') {
      assertDevSignInAllowed(config);
      const secret = await loadDevSecret(config.dataDir);
      const { exposures } = config.devSignIn;
      if (exposures.length > 0) {
        logger.warn(
          { exposures },
          `ALLOW_DEV_AUTH=true: the dev sign-in at /auth/dev runs with ${exposures.join(', ')}. ` +
            'Anyone who reaches this service can sign in as a demo user and read and change their calendars.',
        );
      } else {
        logger.warn('AUTH_MODE=dev: anyone can sign in as a demo user at /auth/dev. For local use only.');
      }
      const hs256: Verification = { kind: 'hs256', key: secret, issuer: DEV_ISSUER, audience: undefined };
      // Dev tokens always carry their demo user's tenant.
      return new TokenVerifier(clock, hs256, undefined, secret, undefined);
    }
    const hs256: Verification | undefined =
      auth.secret === undefined
        ? undefined
        : {
            kind: 'hs256',
            key: new TextEncoder().encode(auth.secret),
            issuer: auth.issuer,
            audience: auth.audience,
          };
    const jwks: Verification | undefined =
      auth.jwksUrl === undefined
        ? undefined
        : {
            kind: 'jwks',
            keys: createRemoteJWKSet(new URL(auth.jwksUrl), {
              timeoutDuration: 5000,
              cooldownDuration: 30_000,
            }),
            issuer: auth.issuer,
            audience: auth.audience,
          };
    return new TokenVerifier(clock, hs256, jwks, undefined, auth.defaultTenant);
  }

  get devMode(): boolean {
    return this.devSecret !== undefined;
  }

  /** Verifies `Authorization` header contents; returns who is asking. */
  async verifyAuthorizationHeader(header: string | undefined): Promise<AuthContext> {
    if (header === undefined || header.trim() === '') {
      throw new UnauthorizedError('Missing bearer token: send "Authorization: Bearer <JWT>"');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined)
      throw new UnauthorizedError('The Authorization header must be "Bearer <JWT>"');
    return this.verify(match[1]);
  }

  async verify(token: string): Promise<AuthContext> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new UnauthorizedError('Malformed token: not a JWS compact JWT');
    }
    // HS256 tokens go to the shared secret, anything else to the JWKS; `none` and other
    // algorithms are refused by the allow-list of whichever verification applies.
    const verification = alg === 'HS256' ? (this.hs256 ?? this.jwks) : (this.jwks ?? this.hs256);
    if (verification === undefined) throw new UnauthorizedError('No token verification is configured');
    const options = {
      algorithms: verification.kind === 'hs256' ? ['HS256'] : ['RS256', 'ES256'],
      currentDate: this.clock.now(),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp'],
      ...(verification.issuer !== undefined ? { issuer: verification.issuer } : {}),
      ...(verification.audience !== undefined ? { audience: verification.audience } : {}),
    };
    let payload: JWTPayload;
    try {
      payload =
        verification.kind === 'hs256'
          ? (await jwtVerify(token, verification.key, options)).payload
          : (await jwtVerify(token, verification.keys, options)).payload;
    } catch (error) {
      throw translateJoseError(error, verification.kind);
    }
    return authContextFromClaims(payload, this.defaultTenant);
  }

  /** Mints a dev sign-in token for a demo user (dev mode only). */
  async mintDevToken(user: DemoUser): Promise<{ token: string; expiresAt: Date }> {
    if (this.devSecret === undefined) throw new Error('Dev tokens exist only in AUTH_MODE=dev');
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = new Date((issuedAt + DEV_TOKEN_TTL_SECONDS) * 1000);
    const token = await new SignJWT({ tenant: user.tenantId, name: user.name, email: user.email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.userId)
      .setIssuer(DEV_ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + DEV_TOKEN_TTL_SECONDS)
      .sign(this.devSecret);
    return { token, expiresAt };
  }
}

function authContextFromClaims(payload: JWTPayload, defaultTenant: string | undefined): AuthContext {
  const userId = payload.sub;
  if (typeof userId !== 'string' || userId === '' || userId.length > MAX_ID_LENGTH) {
    throw new UnauthorizedError('Token "sub" claim must be a non-empty user id');
  }
  const tenant: unknown = payload['tenant'];
  if (
    tenant !== undefined &&
    (typeof tenant !== 'string' || tenant === '' || tenant.length > MAX_ID_LENGTH)
  ) {
    throw new UnauthorizedError('Token "tenant" claim must be a non-empty string');
  }
  const tenantId = typeof tenant === 'string' ? tenant : defaultTenant;
  if (tenantId === undefined) {
    throw new UnauthorizedError(
      'Token has no "tenant" claim: add one, or set CRM_JWT_DEFAULT_TENANT to the tenant of such tokens',
    );
  }
  const name: unknown = payload['name'];
  const email: unknown = payload['email'];
  const claims = { sub: userId, tenant: tenantId, name, email };
  // The service stores these (user and tenant ids, the user's name and email).
  for (const [claim, value] of Object.entries(claims)) {
    const problem = typeof value === 'string' ? unstorableCharacter(value) : undefined;
    if (problem !== undefined) {
      throw new UnauthorizedError(`Token "${claim}" claim contains ${problem}, which cannot be stored`);
    }
  }
  return {
    tenantId,
    userId,
    name: typeof name === 'string' ? name : undefined,
    email: typeof email === 'string' ? email : undefined,
  };
}

function translateJoseError(error: unknown, kind: Verification['kind']): unknown {
  if (error instanceof joseErrors.JWTExpired) return new UnauthorizedError('Token expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new UnauthorizedError(`Token claim "${error.claim}" is invalid: ${error.reason}`);
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return new UnauthorizedError('Token algorithm is not allowed');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new UnauthorizedError('Token signature is invalid');
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return new UnauthorizedError('No key in the JWKS matches the token');
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return new ServiceUnavailableError('Cannot load the token signing keys (JWKS); try again later');
  }
  if (error instanceof joseErrors.JOSEError) return new UnauthorizedError(`Invalid token (${error.code})`);
  // Anything else on the JWKS path is the key server failing (network, TLS, bad JSON): not the
  // caller's fault. On the shared-secret path it is a bug and stays a 500.
  if (kind === 'jwks') {
    return new ServiceUnavailableError(
      'Cannot load the token signing keys (JWKS); try again later',
      undefined,
      {
        cause: error,
      },
    );
  }
  return error;
}

/**
 * The dev sign-in secret: kept in DATA_DIR (mode 0600) so tokens survive restarts; random per
 * process when DATA_DIR is ':memory:'.
 */
async function loadDevSecret(dataDir: string): Promise<Uint8Array> {
  if (path.basename(dataDir) === ':memory:') return randomBytes(32);
  const file = path.join(dataDir, DEV_SECRET_FILE);
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32);
  try {
    await writeFile(file, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
  }
}
