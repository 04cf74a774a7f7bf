import type { Config } from '../../../adapters/config.js';

/**
 * The cookie that binds a consent to the browser that starts it (login CSRF, RFC 6749 section
 * 10.12): set by `GET /integrations/calendar/connect`, sent back only to the OAuth callback's path.
 * SameSite=Lax: Google's redirect to the callback is a top-level navigation, which carries Lax
 * cookies. With an https PUBLIC_URL it is `Secure` and named with the `__Secure-` prefix, which
 * browsers refuse to set without `Secure`.
 */
export interface BrowserBindingCookie {
  name: string;
  path: string;
  secure: boolean;
}

const NAME = 'calendar_oauth_binding';

export function browserBindingCookie(config: Pick<Config, 'publicUrl' | 'google'>): BrowserBindingCookie {
  const secure = config.publicUrl.startsWith('https:');
  return {
    name: secure ? `__Secure-${NAME}` : NAME,
    path: new URL(config.google.redirectUri).pathname,
    secure,
  };
}
