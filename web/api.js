// @ts-check
/**
 * Talking to the service from the browser: the CRM bearer token (kept in localStorage, where the
 * sign-in page puts it) and JSON requests that turn the service's error envelope
 * `{ error: { code, message } }` into an ApiError.
 */

/** The localStorage key of the token; GET /web/config names the one the sign-in page uses. */
let tokenKey = 'crm_token';

/**
 * Uses the key GET /web/config names (`token_storage_key`), when it names one.
 * @param {string | undefined} key
 */
export function useTokenKey(key) {
  if (typeof key === 'string' && key !== '') tokenKey = key;
}

/** @returns {string | null} */
export function getToken() {
  try {
    return window.localStorage.getItem(tokenKey);
  } catch {
    return null;
  }
}

/** @param {string} token */
export function setToken(token) {
  window.localStorage.setItem(tokenKey, token);
}

export function clearToken() {
  window.localStorage.removeItem(tokenKey);
}

/** What api() throws: the HTTP status (0 when the service cannot be reached) and the error code. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * fetch() for the JSON API. Sends the bearer token unless `auth` is false; answers the parsed
 * body (null for 204); throws ApiError for error answers and network failures. The body is
 * unknown here: each caller names the JSON shape (web/api-types.d.ts) its endpoint answers.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, auth?: boolean }} [options]
 * @returns {Promise<unknown>}
 */
export async function api(path, { method = 'GET', body, auth = true } = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  const token = auth ? getToken() : null;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The service cannot be reached. Is it running?');
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    /** @type {{ code?: unknown, message?: unknown }} */
    const error = data && typeof data === 'object' && data.error ? data.error : {};
    throw new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : 'http_error',
      typeof error.message === 'string' ? error.message : `The service answered ${response.status}`,
    );
  }
  return data;
}

/**
 * The claims of a JWT, for display only (the service verifies every request itself).
 * Returns null when the token is not a readable JWT.
 * @param {string} token
 * @returns {Record<string, unknown> | null}
 */
export function readTokenClaims(token) {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(window.atob(base64), (char) => char.charCodeAt(0));
    /** @type {unknown} */
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    // Reading any claim of an object is safe: each one is unknown until checked.
    return claims && typeof claims === 'object' ? /** @type {Record<string, unknown>} */ (claims) : null;
  } catch {
    return null;
  }
}
