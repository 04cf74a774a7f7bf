import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client } from 'google-auth-library';
import type { TestApp } from './harness.js';

/**
 * Talking to the emulator directly, as Google's side of a test or a benchmark: its admin API and
 * the official Calendar client acting as an emulated user. No test-runner imports, so the
 * benchmarks use it too.
 */

/** Calls the emulator's admin API at `emulatorUrl`; returns the parsed JSON answer (undefined when empty). */
export async function callEmulatorAdmin<T = unknown>(
  emulatorUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(`${emulatorUrl}/__admin${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${method} ${path}: ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export interface CalendarAsOptions {
  /** The OAuth client the tokens belong to, so the client can refresh them (default: none). */
  client?: { clientId: string; clientSecret: string };
  /** Lifetime of the minted access token (default: the emulator's, an hour of its clock). */
  expiresInSeconds?: number;
}

/**
 * The official Calendar client acting as `email`, with tokens minted by the emulator's admin API.
 * It does not retry: a test sees Google's answer as it is, and never spends an injected fault.
 */
export async function calendarAs(
  emulatorUrl: string,
  email: string,
  options: CalendarAsOptions = {},
): Promise<calendar_v3.Calendar> {
  const tokens = await callEmulatorAdmin<{ access_token: string; refresh_token: string; expires_in: number }>(
    emulatorUrl,
    'POST',
    '/tokens',
    {
      email,
      scopes: ['https://www.googleapis.com/auth/calendar'],
      ...(options.expiresInSeconds === undefined ? {} : { expiresInSeconds: options.expiresInSeconds }),
    },
  );
  const auth = new OAuth2Client({
    ...(options.client ?? {}),
    endpoints: { oauth2TokenUrl: `${emulatorUrl}/token` },
  });
  auth.setCredentials({
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expiry_date: Date.now() + tokens.expires_in * 1000,
  });
  // googleapis-common pins its own google-auth-library copy; the client only calls request().
  return calendar({
    version: 'v3',
    auth: auth as unknown as NonNullable<calendar_v3.Options['auth']>,
    rootUrl: `${emulatorUrl}/`,
    retry: false,
  });
}

/** The official Calendar client acting as the emulated Google user `email` of a test app. */
export async function googleAs(t: TestApp, email: string): Promise<calendar_v3.Calendar> {
  return calendarAs(t.emulator.url, email, {
    client: { clientId: t.config.google.clientId, clientSecret: t.config.google.clientSecret },
  });
}

/** Calendar API calls the emulator counted since the last reset, by method id. */
export async function googleCalls(t: TestApp): Promise<Record<string, number>> {
  return (await callEmulatorAdmin<{ byMethod: Record<string, number> }>(t.emulator.url, 'GET', '/requests'))
    .byMethod;
}

export async function resetGoogleCalls(t: TestApp): Promise<void> {
  await callEmulatorAdmin(t.emulator.url, 'POST', '/requests/reset');
}
