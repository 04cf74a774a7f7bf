import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app.js';
import { errorEnvelopeSchema } from '../errors.js';
import { TOKEN_STORAGE_KEY } from './dev-sign-in.page.js';

/** The browser UI lives in web/ at the repository root: plain HTML, CSS and ES modules. */
const WEB_ROOT = fileURLToPath(new URL('../../../../web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** Files in web/ that are for the type checker and the tests, not for the browser. */
const NOT_SERVED = /^tsconfig\.json$|\.test\.js$|\.d\.ts$/;

/**
 * Files of npm packages the page loads, served from node_modules under /assets/vendor/ (no CDN:
 * the page works offline and `npm ci` installs them): FullCalendar's standard bundle, which
 * defines the global `FullCalendar` (core, day grid, time grid, list and interaction plugins).
 */
const require = createRequire(import.meta.url);
const VENDOR_FILES: Record<string, string> = {
  'fullcalendar.js': path.join(
    path.dirname(require.resolve('fullcalendar/package.json')),
    'index.global.min.js',
  ),
};

/**
 * Same-origin only: the page runs no inline script and talks to no other origin. Styles: the
 * page's own stylesheet, and the `<style>` element FullCalendar inserts at run time, which carries
 * the page's per-response nonce (FullCalendar reads it from `<meta name="csp-nonce">`); no
 * 'unsafe-inline'. Style attributes are refused; scripts still change styles through the CSSOM,
 * which a CSP does not restrict. Fonts: FullCalendar's arrow icons are a data: font in its CSS.
 */
function contentSecurityPolicy(styleNonce?: string): string {
  const styles = styleNonce === undefined ? "style-src 'self'" : `style-src 'self' 'nonce-${styleNonce}'`;
  return (
    `default-src 'self'; script-src 'self'; ${styles}; img-src 'self' data:; font-src 'self' data:; ` +
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
  );
}

const PAGE_HEADERS = {
  'content-security-policy': contentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Small files that change with each release: always revalidate.
  'cache-control': 'no-cache',
};

/** Where index.html names the style nonce; replaced in each response. */
const NONCE_PLACEHOLDER = '__CSP_STYLE_NONCE__';

const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Resolves a request path under web/ (or a vendor file) to a servable file, or undefined (never outside web/). */
function resolveAsset(requested: string): { file: string; contentType: string } | undefined {
  if (requested.startsWith('vendor/')) {
    const file = VENDOR_FILES[requested.slice('vendor/'.length)];
    return file === undefined ? undefined : { file, contentType: CONTENT_TYPES['.js'] ?? 'text/javascript' };
  }
  const segments = requested.split('/');
  if (segments.length === 0 || !segments.every((segment) => SAFE_SEGMENT.test(segment))) return undefined;
  const file = path.join(WEB_ROOT, ...segments);
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (contentType === undefined || !file.startsWith(WEB_ROOT) || NOT_SERVED.test(path.basename(file))) {
    return undefined;
  }
  return { file, contentType };
}

const webConfigSchema = z.object({
  auth_mode: z.enum(['jwt', 'dev']),
  sign_in_url: z.string().nullable().describe('Where the page sends people to sign in (dev mode only)'),
  token_storage_key: z.string().describe('localStorage key under which browser pages keep the bearer token'),
  google_mode: z.enum(['google', 'emulator']),
  emulator_url: z.string().nullable().describe('The Google Calendar emulator in use, if any'),
  embedded_emulator: z.boolean().describe('The emulator runs inside this process (the embedded default)'),
  public_url: z.string(),
});

export function webConfig(
  ctx: Pick<AppContext, 'config' | 'embeddedEmulatorUrl'>,
): z.infer<typeof webConfigSchema> {
  const { config } = ctx;
  const emulatorOrigin =
    config.google.mode === 'emulator' ? config.google.apiRootUrl.replace(/\/$/, '') : null;
  return {
    auth_mode: config.auth.mode,
    sign_in_url: config.auth.mode === 'dev' ? '/auth/dev?next=/' : null,
    token_storage_key: TOKEN_STORAGE_KEY,
    google_mode: config.google.mode,
    emulator_url: ctx.embeddedEmulatorUrl ?? emulatorOrigin,
    embedded_emulator: ctx.embeddedEmulatorUrl !== undefined,
    public_url: config.publicUrl,
  };
}

/** The page at `/`, its static assets under /assets/, and the settings it reads at start. */
export const webRoutes: FastifyPluginAsyncZod = async (app) => {
  // A page: its script reads the parameters it knows (`?calendar=connected` after the OAuth
  // callback), and links to it may carry others.
  app.get('/', { schema: { hide: true, querystring: z.looseObject({}) } }, async (_request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    const html = (await readFile(path.join(WEB_ROOT, 'index.html'), 'utf8')).replaceAll(
      NONCE_PLACEHOLDER,
      nonce,
    );
    return reply
      .headers({ ...PAGE_HEADERS, 'content-security-policy': contentSecurityPolicy(nonce) })
      .type(CONTENT_TYPES['.html'] ?? 'text/html')
      .send(html);
  });

  app.get('/assets/*', { schema: { hide: true } }, async (request, reply) => {
    const requested = (request.params as { '*': string })['*'];
    const asset = resolveAsset(requested);
    const content =
      asset === undefined
        ? undefined
        : await readFile(asset.file).catch((error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT' || error.code === 'EISDIR') return undefined;
            throw error;
          });
    if (asset === undefined || content === undefined) {
      return reply.callNotFound();
    }
    return reply.headers(PAGE_HEADERS).type(asset.contentType).send(content);
  });

  app.get(
    '/web/config',
    {
      schema: {
        tags: ['web'],
        summary: 'Settings the web page needs: sign-in mode and which Google it talks to',
        response: { 200: webConfigSchema, 500: errorEnvelopeSchema },
      },
    },
    async () => webConfig(app.ctx),
  );
};
