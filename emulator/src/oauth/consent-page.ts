import { escapeHtml, page } from '../html.js';

/** The parameters of an authorization request, carried through the consent form. */
export type AuthParams = Record<string, string>;

/**
 * Google-like consent screen: choose or type the test account, then Allow or Deny. Typing an
 * unknown email creates that account.
 */
export function consentPage(
  action: string,
  params: AuthParams,
  accounts: string[],
  scopes: string[],
): string {
  const hidden = Object.entries(params)
    .filter(([name]) => name !== 'email' && name !== 'decision')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const hint = params.login_hint ?? accounts[0] ?? '';
  const list = accounts.length
    ? `<ul>${accounts.map((a) => `<li><code>${escapeHtml(a)}</code></li>`).join('')}</ul>`
    : '<p class="muted">No test accounts yet: type an email to create one.</p>';
  return page(
    'Sign in - Google Accounts (emulated)',
    `<main style="max-width:520px">
  <div class="card">
    <h2>Choose an account</h2>
    <p class="muted">to continue to <strong>${escapeHtml(params.client_id ?? '')}</strong></p>
    <form method="post" action="${escapeHtml(action)}">
      ${hidden}
      <label>Account email<br><input type="email" name="email" value="${escapeHtml(hint)}" list="accounts" required style="width:100%"></label>
      <datalist id="accounts">${accounts.map((a) => `<option value="${escapeHtml(a)}">`).join('')}</datalist>
      <h3>This app wants to</h3>
      <ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
      <p>
        <button type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button>
      </p>
    </form>
    <h3>Test accounts</h3>
    ${list}
  </div>
</main>`,
  );
}

/** Google shows authorization errors on its own page instead of redirecting. */
export function errorPage(status: number, error: string, description: string): string {
  return page(
    `Error: ${error}`,
    `<main style="max-width:520px"><div class="card"><h2>Access blocked: authorization error</h2>
<p>${escapeHtml(description)}</p><p class="muted">Error ${status}: ${escapeHtml(error)}</p></div></main>`,
  );
}
