import { createHash } from 'node:crypto';
import type { ConnectFailureReason } from '../../../modules/connections/index.js';

/** Status and heading of the page shown for each way a consent can fail. */
const FAILURES: Record<ConnectFailureReason, { status: number; title: string }> = {
  missing_state: { status: 400, title: 'This sign-in link is incomplete' },
  unknown_state: { status: 400, title: 'This sign-in link is not valid' },
  state_used: { status: 400, title: 'This sign-in link was already used' },
  state_expired: { status: 400, title: 'This sign-in link expired' },
  browser_mismatch: { status: 403, title: 'This sign-in was started in another browser' },
  access_denied: { status: 403, title: 'Google Calendar was not connected' },
  consent_error: { status: 400, title: 'Google Calendar could not be connected' },
  invalid_grant: { status: 400, title: 'Google did not accept the sign-in' },
  missing_scope: { status: 403, title: 'Calendar permission missing' },
  missing_refresh_token: { status: 400, title: 'Google did not grant offline access' },
  google_unavailable: { status: 502, title: 'Google could not be reached' },
};

export function failureStatus(reason: ConnectFailureReason): number {
  return FAILURES[reason].status;
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937; }
  h1 { font-size: 1.4rem; }
  .reason { color: #6b7280; font-size: 0.85rem; }
  a.button { display: inline-block; margin-top: 1rem; padding: 0.5rem 1rem; background: #1a73e8; color: #fff;
             border-radius: 4px; text-decoration: none; }
`;

/** The pages' policy: no script at all, their one `<style>` element by its hash, no framing. */
export const CALLBACK_PAGE_CSP =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page a browser lands on when the OAuth callback fails: what happened and a way back. */
export function renderCallbackFailure(
  reason: ConnectFailureReason | 'internal',
  message: string,
  requestId: string,
): string {
  const title = reason === 'internal' ? 'Something went wrong' : FAILURES[reason].title;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} - CRM Calendar Sync</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p id="message">${escapeHtml(message)}</p>
<p class="reason">Reason: <code id="reason">${escapeHtml(reason)}</code> &middot; request id <code>${escapeHtml(requestId)}</code></p>
<a class="button" href="/">Back to the app</a>
</main>
</body>
</html>
`;
}
