import type { FastifyInstance } from 'fastify';
import type { Config } from '../../adapters/config.js';

/**
 * What every answer of the service carries, whatever it is (JSON, a page, an error, a 404): no
 * MIME sniffing, no framing, no Referer to other sites, HSTS behind https, and a content security
 * policy. The default policy lets a response load nothing, which suits JSON and plain text; pages
 * set their own policy (the page at `/` in web.routes.ts, the OAuth callback's pages, the dev
 * sign-in page, `/docs` below), and keep the other headers.
 */
export const API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Swagger UI at /docs: its own scripts and styles (it also sets style attributes and injects
 * styles at run time, hence 'unsafe-inline' for styles only), data: images, and requests to this
 * service ("Try it out"), also at PUBLIC_URL when /docs is opened under another name.
 */
export function docsCsp(config: Pick<Config, 'publicUrl'>): string {
  const api = new URL(config.publicUrl).origin;
  return (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    `font-src 'self' data:; connect-src 'self' ${api}; base-uri 'none'; form-action 'none'; ` +
    "frame-ancestors 'none'"
  );
}

/** A year, as browsers expect for HSTS; only sent when PUBLIC_URL is https. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** The headers of every answer (see API_CSP); routes that answer a page replace the policy. */
export function securityHeaders(config: Pick<Config, 'publicUrl'>): Record<string, string> {
  return {
    'content-security-policy': API_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    ...(config.publicUrl.startsWith('https:') ? { 'strict-transport-security': HSTS } : {}),
  };
}

/**
 * Sets the security headers on every answer, first thing (onRequest), so that errors, 404s and
 * answers of plugins (Swagger UI) carry them too; a route or plugin setting its own policy
 * overrides the default one.
 */
export function applySecurityHeaders(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): void {
  const headers = securityHeaders(config);
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
}
