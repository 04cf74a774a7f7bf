import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The whole configuration, parsed once from the environment. Only this module reads
 * `process.env`; everything else receives a `Config`. Each variable has a one-line description,
 * which the README's configuration table repeats.
 */
const emptyToUndefined = (value: unknown): unknown => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const flag = z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false'));

const envSchema = z.object({
  /** Interface the HTTP server binds to. */
  HOST: z.string().default('127.0.0.1'),
  /** Port of the API and the web page. */
  PORT: port(3000),
  /** Public base URL of this service (OAuth redirect and push-channel webhooks point here). */
  PUBLIC_URL: optionalUrl,
  /** Directory for PGlite's files and the generated token key when DATABASE_URL is unset. */
  DATA_DIR: z.string().default('./data'),
  /** PostgreSQL connection string; when unset the embedded PGlite store in DATA_DIR is used. */
  DATABASE_URL: optionalString,
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Google OAuth client id; when unset (with the secret) the bundled emulator is used. */
  GOOGLE_CLIENT_ID: optionalString,
  /** Google OAuth client secret. */
  GOOGLE_CLIENT_SECRET: optionalString,
  /** OAuth redirect URI registered with Google; defaults to PUBLIC_URL + /integrations/calendar/callback. */
  GOOGLE_REDIRECT_URI: optionalUrl,
  /** Use an emulator already running at this URL instead of starting one in-process. */
  GOOGLE_EMULATOR_URL: optionalUrl,
  /** Port of the in-process emulator in the embedded default. */
  EMULATOR_PORT: port(8085),
  /**
   * Token encryption keys as `kid:base64key[,kid:base64key...]` (32-byte keys); the first
   * encrypts, all decrypt. When unset, a key file is generated in DATA_DIR (embedded default only).
   */
  TOKEN_ENCRYPTION_KEY: optionalString,
  /** `jwt` verifies CRM bearer tokens; `dev` offers a demo sign-in page (local use only). */
  AUTH_MODE: z.enum(['jwt', 'dev']).optional(),
  /** HS256 secret for CRM JWTs. */
  CRM_JWT_SECRET: optionalString,
  /** JWKS URL for RS256/ES256 CRM JWTs. */
  CRM_JWKS_URL: optionalUrl,
  /** Expected `iss` claim of CRM JWTs (checked when set). */
  CRM_JWT_ISSUER: optionalString,
  /** Expected `aud` claim of CRM JWTs (checked when set). */
  CRM_JWT_AUDIENCE: optionalString,
  /** Tenant of CRM JWTs without a `tenant` claim; unset = such tokens are refused. */
  CRM_JWT_DEFAULT_TENANT: z.preprocess(emptyToUndefined, z.string().max(255).optional()),
  /** `true` lets AUTH_MODE=dev serve where it is exposed (see devSignInExposures); it warns at start. */
  ALLOW_DEV_AUTH: flag,
  /** Minutes between safety-net pulls of every active calendar. */
  SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Longest a pull's follow-up round waits for a burst of notifications to stop (milliseconds). */
  PULL_FOLLOW_UP_MAX_WAIT_MS: z.coerce.number().int().min(300).max(60_000).default(3_000),
  /** Requests per minute one connection may send to Google (Google allows 600 per user). */
  GOOGLE_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(500),
  /** Concurrent jobs per worker process. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** API requests per minute one CRM user may make, counted per API process; 0 turns the limit off. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** "Sync now" requests (POST /calendar/sync) per minute one CRM user may make, per API process; 0 = off. */
  SYNC_NOW_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(10),
  /** Optional URL that receives signed reminder notifications. */
  CRM_WEBHOOK_URL: optionalUrl,
  /** HMAC-SHA256 secret that signs CRM webhook deliveries. */
  CRM_WEBHOOK_SECRET: optionalString,
});

export type Env = z.infer<typeof envSchema>;

export interface GoogleConfig {
  /** 'google' talks to Google; 'emulator' to the bundled emulator. */
  mode: 'google' | 'emulator';
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Root of the Calendar API (`https://www.googleapis.com/` or the emulator origin + '/'). */
  apiRootUrl: string;
  authBaseUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** When set, `serve` starts the emulator in-process on this port. */
  embeddedEmulatorPort: number | undefined;
}

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  google: GoogleConfig;
  tokenEncryptionKey: string | undefined;
  auth:
    | { mode: 'dev' }
    | {
        mode: 'jwt';
        secret: string | undefined;
        jwksUrl: string | undefined;
        issuer: string | undefined;
        audience: string | undefined;
        /** Tenant of tokens without a `tenant` claim; undefined = such tokens are refused. */
        defaultTenant: string | undefined;
      };
  /**
   * Why the dev sign-in (anyone may mint a token for a demo user) would be reachable or shared
   * beyond one person's machine; empty in JWT mode. The roles that serve it refuse to start when
   * this is not empty, unless `allowed` (ALLOW_DEV_AUTH=true), and then warn.
   */
  devSignIn: { exposures: string[]; allowed: boolean };
  syncIntervalMinutes: number;
  /** Longest a pull's follow-up round waits for requests to stop (PULL_FOLLOW_UP_MAX_WAIT_MS). */
  pullFollowUpMaxWaitMs: number;
  googleRequestsPerMinute: number;
  workerConcurrency: number;
  /** Requests per minute per CRM user (0: no limit), counted in each API process. */
  rateLimits: { apiPerMinute: number; syncNowPerMinute: number };
  crmWebhook: { url: string; secret: string } | undefined;
  /**
   * Whether Google can deliver push notifications to PUBLIC_URL. Real Google delivers only to
   * https addresses, so with a plain http PUBLIC_URL push is off (`offReason` says why) and changes
   * arrive with the scheduled pull; the emulator takes http on loopback.
   */
  push: { enabled: boolean; offReason: string | undefined };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const EMULATOR_CLIENT_ID = 'crm-calendar-sync.apps.emulator';
const EMULATOR_CLIENT_SECRET = 'emulator-secret';

/** Parses and cross-checks the environment; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const redirectUri = e.GOOGLE_REDIRECT_URI ?? `${publicUrl}/integrations/calendar/callback`;

  if ((e.GOOGLE_CLIENT_ID === undefined) !== (e.GOOGLE_CLIENT_SECRET === undefined)) {
    problems.push('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together');
  }
  const realGoogle = e.GOOGLE_CLIENT_ID !== undefined && e.GOOGLE_EMULATOR_URL === undefined;
  let google: GoogleConfig;
  if (realGoogle) {
    google = {
      mode: 'google',
      clientId: e.GOOGLE_CLIENT_ID ?? '',
      clientSecret: e.GOOGLE_CLIENT_SECRET ?? '',
      redirectUri,
      apiRootUrl: 'https://www.googleapis.com/',
      authBaseUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      embeddedEmulatorPort: undefined,
    };
  } else {
    const origin = (e.GOOGLE_EMULATOR_URL ?? `http://127.0.0.1:${e.EMULATOR_PORT}`).replace(/\/$/, '');
    google = {
      mode: 'emulator',
      clientId: e.GOOGLE_CLIENT_ID ?? EMULATOR_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET ?? EMULATOR_CLIENT_SECRET,
      redirectUri,
      apiRootUrl: `${origin}/`,
      authBaseUrl: `${origin}/o/oauth2/v2/auth`,
      tokenUrl: `${origin}/token`,
      revokeUrl: `${origin}/revoke`,
      embeddedEmulatorPort: e.GOOGLE_EMULATOR_URL === undefined ? e.EMULATOR_PORT : undefined,
    };
  }

  const jwtConfigured = e.CRM_JWT_SECRET !== undefined || e.CRM_JWKS_URL !== undefined;
  const authMode = e.AUTH_MODE ?? (jwtConfigured ? 'jwt' : 'dev');
  if (authMode === 'jwt' && !jwtConfigured) {
    problems.push('AUTH_MODE=jwt needs CRM_JWT_SECRET or CRM_JWKS_URL');
  }
  if (e.CRM_JWT_DEFAULT_TENANT !== undefined && e.CRM_JWT_DEFAULT_TENANT.trim() === '') {
    problems.push('CRM_JWT_DEFAULT_TENANT must name a tenant');
  }
  if (e.CRM_JWT_SECRET !== undefined && e.CRM_JWT_SECRET.length < 32) {
    problems.push('CRM_JWT_SECRET must be at least 32 characters');
  }
  if (e.DATABASE_URL !== undefined && e.TOKEN_ENCRYPTION_KEY === undefined) {
    problems.push(
      'TOKEN_ENCRYPTION_KEY is required with DATABASE_URL (generated key files are for the embedded store only)',
    );
  }
  if (e.CRM_WEBHOOK_URL !== undefined && e.CRM_WEBHOOK_SECRET === undefined) {
    problems.push('CRM_WEBHOOK_SECRET is required with CRM_WEBHOOK_URL');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    google,
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY,
    auth:
      authMode === 'dev'
        ? { mode: 'dev' }
        : {
            mode: 'jwt',
            secret: e.CRM_JWT_SECRET,
            jwksUrl: e.CRM_JWKS_URL,
            issuer: e.CRM_JWT_ISSUER,
            audience: e.CRM_JWT_AUDIENCE,
            defaultTenant: e.CRM_JWT_DEFAULT_TENANT,
          },
    devSignIn: {
      exposures: authMode === 'dev' ? devSignInExposures(e, publicUrl) : [],
      allowed: e.ALLOW_DEV_AUTH === 'true',
    },
    syncIntervalMinutes: e.SYNC_INTERVAL_MINUTES,
    pullFollowUpMaxWaitMs: e.PULL_FOLLOW_UP_MAX_WAIT_MS,
    googleRequestsPerMinute: e.GOOGLE_REQUESTS_PER_MINUTE,
    workerConcurrency: e.WORKER_CONCURRENCY,
    rateLimits: {
      apiPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      syncNowPerMinute: e.SYNC_NOW_RATE_LIMIT_PER_MINUTE,
    },
    crmWebhook:
      e.CRM_WEBHOOK_URL !== undefined && e.CRM_WEBHOOK_SECRET !== undefined
        ? { url: e.CRM_WEBHOOK_URL, secret: e.CRM_WEBHOOK_SECRET }
        : undefined,
    push: pushSetting(google.mode, publicUrl, e.SYNC_INTERVAL_MINUTES),
  };
}

/** Push notifications are off with real Google and a PUBLIC_URL that is not https (Config.push). */
function pushSetting(
  mode: GoogleConfig['mode'],
  publicUrl: string,
  syncIntervalMinutes: number,
): Config['push'] {
  if (mode === 'emulator' || publicUrl.startsWith('https://')) return { enabled: true, offReason: undefined };
  return {
    enabled: false,
    offReason:
      `Push notifications are off: Google delivers them only to https addresses and PUBLIC_URL is ${publicUrl}. ` +
      `Changes made in Google arrive with the scheduled pull (every ${syncIntervalMinutes} minutes) or "Sync now"; ` +
      'set PUBLIC_URL to an https address Google can reach to turn push on.',
  };
}

const JWT_SETTINGS = [
  'CRM_JWT_SECRET',
  'CRM_JWKS_URL',
  'CRM_JWT_ISSUER',
  'CRM_JWT_AUDIENCE',
  'CRM_JWT_DEFAULT_TENANT',
] as const;

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: reachable from this machine only. */
function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/** What makes the dev sign-in reachable by others or shared with real data (see Config.devSignIn). */
function devSignInExposures(e: Env, publicUrl: string): string[] {
  const exposures: string[] = [];
  if (!isLoopbackHost(e.HOST)) exposures.push(`HOST=${e.HOST} (not a loopback address)`);
  if (e.DATABASE_URL !== undefined) exposures.push('DATABASE_URL set (a shared database)');
  if (publicUrl.startsWith('https:')) exposures.push(`an https PUBLIC_URL (${publicUrl})`);
  for (const name of JWT_SETTINGS) {
    if (e[name] !== undefined) exposures.push(`${name} set (JWT settings are ignored in dev mode)`);
  }
  return exposures;
}

/**
 * Refuses to serve the dev sign-in where it is exposed (Config.devSignIn) unless ALLOW_DEV_AUTH=true.
 * Called by the roles that serve HTTP; the others (worker, migrate, sync) never mint tokens.
 */
export function assertDevSignInAllowed(config: Config): void {
  const { exposures, allowed } = config.devSignIn;
  if (config.auth.mode !== 'dev' || exposures.length === 0 || allowed) return;
  throw new ConfigError([
    ...exposures.map(
      (exposure) =>
        `AUTH_MODE=dev does not start with ${exposure}: anyone who reaches it could sign in as a demo user`,
    ),
    'Configure CRM JWTs (CRM_JWT_SECRET or CRM_JWKS_URL) instead, or set ALLOW_DEV_AUTH=true to run the dev sign-in anyway',
  ]);
}
