import { CodeChallengeMethod, type OAuth2Client } from 'google-auth-library';
import { expect } from 'vitest';
import type { TestEmulator } from './emulator.js';

export interface AuthorizeOptions {
  email: string;
  scopes?: string[];
  state?: string;
  offline?: boolean;
  prompt?: string;
  codeChallenge?: string;
}

/** Builds the authorization URL with the official client, as an application would. */
export function authUrl(client: OAuth2Client, options: AuthorizeOptions): string {
  return client.generateAuthUrl({
    scope: options.scopes ?? ['https://www.googleapis.com/auth/calendar'],
    login_hint: options.email,
    ...(options.offline === false ? {} : { access_type: 'offline' }),
    ...(options.state ? { state: options.state } : {}),
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...(options.codeChallenge
      ? { code_challenge: options.codeChallenge, code_challenge_method: CodeChallengeMethod.S256 }
      : {}),
  });
}

/** The redirect URI an OAuth2Client sends (the client keeps it private). */
export function redirectUriOf(client: OAuth2Client): string {
  return new URL(client.generateAuthUrl({ scope: 'openid' })).searchParams.get('redirect_uri')!;
}

/** Follows an auto-consented authorization request; returns the redirect's query parameters. */
export async function autoAuthorize(
  client: OAuth2Client,
  options: AuthorizeOptions,
): Promise<URLSearchParams> {
  const res = await fetch(authUrl(client, options), { redirect: 'manual' });
  expect(res.status, 'auto-consent should redirect straight back').toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(redirectUriOf(client));
  return location.searchParams;
}

/** An authorization code obtained with auto-consent, plus the PKCE verifier when one was used. */
export async function authorizationCode(
  client: OAuth2Client,
  options: AuthorizeOptions & { pkce?: boolean },
): Promise<{ code: string; codeVerifier?: string }> {
  if (options.pkce === false) {
    const params = await autoAuthorize(client, options);
    return { code: params.get('code')! };
  }
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const params = await autoAuthorize(client, { ...options, codeChallenge: codeChallenge! });
  return { code: params.get('code')!, codeVerifier };
}

/** A raw form POST to the token endpoint, returning status and JSON body. */
export async function tokenRequest(
  emu: TestEmulator,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await emu.http('POST', '/token', {
    rawBody: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, body: res.body as Record<string, unknown> };
}

/** The OAuth error (`{"error","error_description"}`) a rejected official-client call carried. */
export async function oauthFailure(call: Promise<unknown>): Promise<{ status: number; error: string }> {
  let failure: unknown;
  try {
    await call;
  } catch (err) {
    failure = err;
  }
  const response = (failure as { response?: { status: number; data: { error?: string } } } | undefined)
    ?.response;
  expect(response, `expected an OAuth error answer, got ${String(failure)}`).toBeDefined();
  return { status: response!.status, error: String(response!.data.error) };
}

interface ParsedForm {
  action: string;
  fields: Record<string, string>;
  buttons: Array<{ name: string; value: string; label: string }>;
  textInputs: string[];
}

const attr = (tag: string, name: string): string | undefined =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i')
    .exec(tag)
    ?.slice(1)
    .find((v) => v !== undefined);

const decode = (s: string): string =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** Reads the consent page's POST form: hidden fields, free-text inputs and submit buttons. */
export function parseConsentForm(html: string): ParsedForm {
  const form = /<form\b[^>]*method\s*=\s*["']?post["']?[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  expect(form, 'the consent page has no POST form').not.toBeNull();
  const open = /<form\b[^>]*>/i.exec(form![0])![0];
  const parsed: ParsedForm = {
    action: decode(attr(open, 'action') ?? ''),
    fields: {},
    buttons: [],
    textInputs: [],
  };
  for (const tag of form![1]!.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(tag, 'name');
    if (!name) continue;
    const type = (attr(tag, 'type') ?? 'text').toLowerCase();
    const value = decode(attr(tag, 'value') ?? '');
    if (type === 'submit') parsed.buttons.push({ name, value, label: value });
    else if (type === 'hidden') parsed.fields[name] = value;
    else if (type !== 'radio' && type !== 'checkbox') parsed.textInputs.push(name);
  }
  for (const match of form![1]!.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
    const name = attr(match[0], 'name');
    if (name)
      parsed.buttons.push({
        name,
        value: decode(attr(match[0], 'value') ?? ''),
        label: match[2]!.replace(/<[^>]+>/g, '').trim(),
      });
  }
  return parsed;
}

/** Submits the consent form as `email`, pressing the button whose label matches `choice`. */
export async function submitConsent(
  pageUrl: string,
  html: string,
  email: string,
  choice: RegExp,
): Promise<Response> {
  const form = parseConsentForm(html);
  const button = form.buttons.find((b) => choice.test(b.label) || choice.test(b.value));
  expect(button, `no button matching ${String(choice)} on the consent page`).toBeDefined();
  const body = new URLSearchParams(form.fields);
  for (const input of form.textInputs) body.set(input, email);
  body.set(button!.name, button!.value);
  return fetch(new URL(form.action || pageUrl, pageUrl), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
}
