import { createHash } from 'node:crypto';
import type { DemoUser } from '../../demo-users.js';

/** localStorage key under which browser pages keep the CRM bearer token. */
export const TOKEN_STORAGE_KEY = 'crm-calendar-sync.token';

/** The page's stylesheet and script: constant, so the content security policy names them by hash. */
const STYLE = `
    body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
    .warning { background: #fff8c5; border: 1px solid #d4a72c; padding: .75rem 1rem; border-radius: 6px; }
    ul { list-style: none; padding: 0; }
    li { margin: .5rem 0; }
    button { width: 100%; text-align: left; padding: .75rem 1rem; border: 1px solid #d0d7de; border-radius: 6px;
      background: #f6f8fa; cursor: pointer; font: inherit; display: flex; flex-direction: column; gap: .25rem; }
    button:hover { background: #eaeef2; }
    span { color: #57606a; font-size: .9em; }
    #status { min-height: 1.5em; }
  `;
const SCRIPT = `
    const KEY = ${JSON.stringify(TOKEN_STORAGE_KEY)};
    const params = new URLSearchParams(location.search);
    const rawNext = params.get('next') || '/';
    // Only local paths: never an absolute or protocol-relative URL.
    const next = rawNext.startsWith('/') && !rawNext.startsWith('//') && !rawNext.startsWith('/\\\\') ? rawNext : '/';
    const status = document.getElementById('status');
    const current = document.getElementById('current');
    if (localStorage.getItem(KEY)) current.textContent = 'You are signed in; pick a user to switch.';
    for (const button of document.querySelectorAll('button[data-user]')) {
      button.addEventListener('click', async () => {
        status.textContent = 'Signing in...';
        const response = await fetch('/auth/dev/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tenant_id: button.dataset.tenant, user_id: button.dataset.user }),
        });
        const body = await response.json();
        if (!response.ok) { status.textContent = body.error ? body.error.message : 'Sign-in failed'; return; }
        localStorage.setItem(KEY, body.token);
        location.assign(next);
      });
    }
    document.getElementById('signout').addEventListener('click', () => {
      localStorage.removeItem(KEY);
      current.textContent = '';
      status.textContent = 'Signed out.';
    });
  `;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** No script or style but the page's own two elements; requests to this service only. */
export const DEV_SIGN_IN_PAGE_CSP =
  `default-src 'none'; script-src 'sha256-${sha256(SCRIPT)}'; style-src 'sha256-${sha256(STYLE)}'; ` +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The dev sign-in page: pick a demo user, get a token from /auth/dev/token, keep it in
 * localStorage, and go back to `?next=` (a local path) or `/`.
 */
export function renderDevSignInPage(users: readonly DemoUser[]): string {
  const buttons = users
    .map(
      (user) => `
      <li>
        <button type="button" data-tenant="${escapeHtml(user.tenantId)}" data-user="${escapeHtml(user.userId)}">
          <strong>${escapeHtml(user.name)}</strong>
          <span>${escapeHtml(user.email)} &middot; tenant ${escapeHtml(user.tenantId)}</span>
        </button>
      </li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in (dev) · CRM Calendar Sync</title>
  <style>${STYLE}</style>
</head>
<body>
  <h1>Sign in</h1>
  <p class="warning" role="note"><strong>Development sign-in.</strong> Anyone can pick any demo user here:
    this page exists only with AUTH_MODE=dev and is for local use only.</p>
  <p id="current"></p>
  <ul>${buttons}</ul>
  <p><button type="button" id="signout">Sign out</button></p>
  <p id="status" role="status"></p>
  <script>${SCRIPT}</script>
</body>
</html>
`;
}
