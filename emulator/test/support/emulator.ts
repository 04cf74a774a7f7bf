import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client } from 'google-auth-library';
import { startEmulator } from '../../src/index.js';
import { expectGoogleEnvelope } from './errors.js';
import { expectResponseSchema } from './schema.js';

/** Options a test file may pass to the emulator it starts. */
export interface SetupOptions {
  autoConsent?: boolean;
  rateLimitPerMinute?: number;
  webhookRetryBaseMs?: number;
  snapshotFile?: string;
  loopbackHttpWebhooks?: boolean;
}

/** A raw HTTP answer with the body parsed as JSON when it is JSON. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** An emulated Google user with an authorized official Calendar client. */
export interface Connected {
  email: string;
  accessToken: string;
  refreshToken: string;
  auth: OAuth2Client;
  cal: calendar_v3.Calendar;
}

export interface TestEmulator {
  url: string;
  /** JSON request to the emulator (admin routes or the Calendar API); never throws on status. */
  http(method: string, path: string, options?: RawOptions): Promise<RawResponse>;
  admin: {
    get(path: string): Promise<unknown>;
    post(path: string, body?: unknown): Promise<unknown>;
    del(path: string): Promise<unknown>;
  };
  /** Creates an emulated user; returns its email. */
  createUser(email?: string, timeZone?: string): Promise<string>;
  /** Mints tokens for `email` and builds an official client with them. */
  connect(email: string, scopes?: string[], clientOptions?: ClientOptions): Promise<Connected>;
  /** createUser + connect. */
  newUser(options?: { scopes?: string[]; timeZone?: string } & ClientOptions): Promise<Connected>;
  oauthClient(clientId?: string, clientSecret?: string, redirectUri?: string): OAuth2Client;
  close(): Promise<void>;
}

export interface RawOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is (no JSON encoding) when a string. */
  rawBody?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Validate a 2xx Calendar API body against its discovery schema (default true). */
  validate?: boolean;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** Let the official client retry 429/5xx as it does by default (default false: deterministic). */
  retry?: boolean;
}

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';
export const CALENDAR_READONLY_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly';
export const DEFAULT_CLIENT = {
  id: 'conformance-client.apps.googleusercontent.com',
  secret: 'conformance-secret',
  redirectUri: 'http://127.0.0.1:9/oauth/callback',
};

/**
 * googleapis-common pins its own copy of google-auth-library, so TypeScript sees two OAuth2Client
 * classes; at runtime the Calendar client only calls `request()`, which this one provides.
 */
export function asCalendarAuth(client: OAuth2Client): NonNullable<calendar_v3.Options['auth']> {
  return client as unknown as NonNullable<calendar_v3.Options['auth']>;
}

let userCounter = 0;

/** A unique email for a fresh emulated user. */
export function uniqueEmail(prefix = 'user'): string {
  userCounter += 1;
  return `${prefix}-${userCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/**
 * Installs schema validation on an OAuth2Client's transport: every successful Calendar API
 * response is checked against the discovery schema of the method it answers, and every Calendar
 * API error against Google's error envelope.
 */
function validateTraffic(auth: OAuth2Client): void {
  auth.transporter.interceptors.response.add({
    resolved: (res) => {
      const url = String(res.config.url);
      const method = res.config.method ?? 'GET';
      if (res.status >= 200 && res.status < 300 && res.data !== '' && res.data !== undefined) {
        expectResponseSchema(method, url, res.data);
      }
      return Promise.resolve(res);
    },
    rejected: (err: unknown) => {
      const res = (err as { response?: { status: number; data: unknown; config: { url: unknown } } })
        .response;
      if (res && new URL(String(res.config.url)).pathname.startsWith('/calendar/v3/')) {
        expectGoogleEnvelope(res.data, res.status);
      }
      throw err;
    },
  });
}

export async function setup(options: SetupOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator({ port: 0, ...options });
  const url = emulator.url;
  const endpoints = {
    oauth2AuthBaseUrl: `${url}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${url}/token`,
    oauth2RevokeUrl: `${url}/revoke`,
  };

  async function http(method: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
    const target = new URL(path, `${url}/`);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) target.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const init: RequestInit = { method, headers, redirect: 'manual' };
    if (body !== undefined) init.body = body;
    if (options.signal) init.signal = options.signal;
    const res = await fetch(target, init);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
    if (options.validate !== false && target.pathname.startsWith('/calendar/v3/')) {
      if (res.status >= 200 && res.status < 300 && text !== '') expectResponseSchema(method, target, parsed);
      if (res.status >= 400) expectGoogleEnvelope(parsed, res.status);
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function adminCall(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await http(method, `/__admin${path}`, body === undefined ? {} : { body });
    if (res.status >= 300) {
      throw new Error(`admin ${method} ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
    }
    return res.body;
  }

  function oauthClient(
    clientId = DEFAULT_CLIENT.id,
    clientSecret = DEFAULT_CLIENT.secret,
    redirectUri = DEFAULT_CLIENT.redirectUri,
  ): OAuth2Client {
    return new OAuth2Client({ clientId, clientSecret, redirectUri, endpoints });
  }

  async function connect(
    email: string,
    scopes: string[] = [CALENDAR_SCOPE],
    clientOptions: ClientOptions = {},
  ): Promise<Connected> {
    const tokens = (await adminCall('POST', '/tokens', { email, scopes })) as {
      access_token: string;
      refresh_token: string;
      expires_in: number;
    };
    const auth = oauthClient();
    // With an expiry date the client never refreshes on its own after a 401/403, so each test
    // sees exactly the status the emulator answered.
    auth.setCredentials({
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      expiry_date: Date.now() + tokens.expires_in * 1000,
    });
    validateTraffic(auth);
    const cal = calendar({
      version: 'v3',
      auth: asCalendarAuth(auth),
      rootUrl: `${url}/`,
      retry: clientOptions.retry ?? false,
    });
    return { email, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, auth, cal };
  }

  async function createUser(email = uniqueEmail(), timeZone?: string): Promise<string> {
    await adminCall('POST', '/users', timeZone ? { email, timeZone } : { email });
    return email;
  }

  return {
    url,
    http,
    admin: {
      get: (path) => adminCall('GET', path),
      post: (path, body) => adminCall('POST', path, body ?? {}),
      del: (path) => adminCall('DELETE', path),
    },
    createUser,
    connect,
    newUser: async (options = {}) => {
      const email = await createUser(uniqueEmail(), options.timeZone);
      return connect(email, options.scopes, options);
    },
    oauthClient,
    close: () => emulator.close(),
  };
}
