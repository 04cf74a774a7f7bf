import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client } from 'google-auth-library';
import type { RunningEmulator } from '../src/index.js';

/** Small helpers for the implementation smoke tests (impl-*.test.ts). */
export async function adminCall<T>(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${emu.url}/__admin${path}`, init);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function oauthClient(
  emu: RunningEmulator,
  clientId = 'impl-client',
  redirectUri = 'http://127.0.0.1:9/cb',
): OAuth2Client {
  return new OAuth2Client({
    clientId,
    clientSecret: 'impl-secret',
    redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: `${emu.url}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${emu.url}/token`,
      oauth2RevokeUrl: `${emu.url}/revoke`,
      tokenInfoUrl: `${emu.url}/tokeninfo`,
    },
  });
}

export function calendarFor(emu: RunningEmulator, auth: OAuth2Client): calendar_v3.Calendar {
  // googleapis-common pins its own google-auth-library; the client only calls request().
  return calendar({
    version: 'v3',
    auth: auth as unknown as NonNullable<calendar_v3.Options['auth']>,
    rootUrl: `${emu.url}/`,
    retry: false,
  });
}

/** Creates a user and an official client authorized with admin-minted tokens. */
export async function connectedUser(
  emu: RunningEmulator,
  email: string,
  scopes = ['https://www.googleapis.com/auth/calendar'],
): Promise<calendar_v3.Calendar> {
  await adminCall(emu, 'POST', '/users', { email });
  const tokens = await adminCall<{ access_token: string; refresh_token: string; expires_in: number }>(
    emu,
    'POST',
    '/tokens',
    { email, scopes },
  );
  const auth = oauthClient(emu);
  auth.setCredentials({
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expiry_date: Date.now() + tokens.expires_in * 1000,
  });
  return calendarFor(emu, auth);
}

/** The HTTP status and Google error reason of a failed client call. */
export async function failure(
  call: Promise<unknown>,
): Promise<{ status: number; reason: string | undefined }> {
  try {
    await call;
  } catch (err) {
    const res = (
      err as { response?: { status: number; data?: { error?: { errors?: Array<{ reason?: string }> } } } }
    ).response;
    if (res) return { status: res.status, reason: res.data?.error?.errors?.[0]?.reason };
    throw err;
  }
  throw new Error('expected the call to fail');
}
