import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config.js';

/** Keys whose values never reach a log line, at any of the first levels of nesting. */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'secret',
  'client_secret',
  'clientSecret',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
  'code_verifier',
  'codeVerifier',
  'tokens',
  'apiKey',
  'api_key',
];

/** Query parameters whose values are replaced in logged URLs. */
const SECRET_QUERY_PARAMS = new Set([
  'code',
  'state',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'code_verifier',
  'key',
]);

const CENSOR = '[redacted]';

/**
 * OAuth `code` and `state` are secrets only inside request inputs: elsewhere `code` is an error
 * code and `state` a status, both useful in logs.
 */
const REQUEST_INPUT_KEYS = ['query', 'body', 'params', 'form'];
const REQUEST_INPUT_SECRETS = ['code', 'state'];

function keyPath(prefix: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  if (prefix === '') return segment;
  return segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`;
}

/** pino redaction paths: secret keys at the top level and two levels below. */
const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [keyPath('', key), keyPath('*', key), keyPath('*.*', key)]),
  ...REQUEST_INPUT_KEYS.flatMap((input) =>
    REQUEST_INPUT_SECRETS.flatMap((key) => [keyPath(input, key), keyPath(`*.${input}`, key)]),
  ),
];

/** Replaces the values of secret query parameters (OAuth code, state, tokens) in a URL or path. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  let changed = false;
  for (const name of [...params.keys()]) {
    if (SECRET_QUERY_PARAMS.has(name.toLowerCase())) {
      params.set(name, CENSOR);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, queryStart)}?${params.toString()}` : url;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  id?: string;
}

/**
 * The service logger: JSON lines, with tokens, codes, secrets and cookies redacted wherever they
 * appear (objects and URLs). `destination` lets tests capture the output.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'crm-calendar-sync' },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: {
      err: stdSerializers.err,
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        host: req.hostname,
        remoteAddress: req.ip,
      }),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
