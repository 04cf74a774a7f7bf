import { googleErrors } from '../errors.js';
import { isValidTimeZone, parseDateTime } from '../time.js';

export type ParamSpec =
  | { type: 'string'; repeated?: boolean; maxLength?: number }
  | { type: 'integer'; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[]; repeated?: boolean }
  | { type: 'datetime' };

export type ParamSpecs = Record<string, ParamSpec>;

/** Query parameters every Google API accepts on every method. */
const STANDARD_PARAMS = new Set([
  'alt',
  'fields',
  'key',
  'oauth_token',
  'access_token',
  'prettyPrint',
  'quotaUser',
  'userIp',
  'callback',
  'upload_protocol',
  'uploadType',
  '$.xgafv',
]);

type RawQuery = Record<string, string | string[] | undefined>;

/**
 * Query parameters checked against the method's discovery description: unknown names, malformed
 * numbers, booleans, enum values and timestamps answer 400 in Google's envelope.
 */
export class ParsedQuery {
  private readonly values = new Map<string, string | string[] | number | boolean>();

  constructor(raw: RawQuery, specs: ParamSpecs) {
    for (const [name, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      const spec = specs[name];
      if (!spec) {
        if (STANDARD_PARAMS.has(name)) {
          this.checkStandard(name, value);
          continue;
        }
        throw googleErrors.invalidParameter(
          name,
          `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
        );
      }
      const parsed = parseOne(name, value, spec);
      this.values.set(name, parsed);
      if (spec.type === 'datetime' && typeof parsed === 'string') {
        this.values.set(`${name}#ms`, parseDateTime(parsed) ?? 0);
      }
    }
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  list(name: string): string[] {
    const v = this.values.get(name);
    if (Array.isArray(v)) return v;
    return typeof v === 'string' ? [v] : [];
  }

  int(name: string): number | undefined {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : undefined;
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  /** Timestamps come back as epoch ms. */
  time(name: string): number | undefined {
    return this.int(`${name}#ms`);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Names of the method parameters present (standard parameters excluded). */
  names(): string[] {
    return [...this.values.keys()].filter((k) => !k.includes('#'));
  }

  private checkStandard(name: string, value: string | string[]): void {
    const first = Array.isArray(value) ? value[0] : value;
    if (name === 'alt' && first !== 'json') {
      throw googleErrors.invalidParameter('alt', `Invalid value '${first}'. Allowed values: [json]`);
    }
    if (name === 'fields' && typeof first === 'string') this.values.set('fields#', first);
  }

  fields(): string | undefined {
    const v = this.values.get('fields#');
    return typeof v === 'string' ? v : undefined;
  }
}

function parseOne(
  name: string,
  raw: string | string[],
  spec: ParamSpec,
): string | string[] | number | boolean {
  if (spec.type === 'string' && spec.repeated) {
    const list = Array.isArray(raw) ? raw : [raw];
    for (const item of list) checkLength(name, item, spec.maxLength);
    return list;
  }
  if (spec.type === 'enum' && spec.repeated) {
    const list = Array.isArray(raw) ? raw : [raw];
    return list.map((item) => parseOne(name, item, { type: 'enum', values: spec.values }) as string);
  }
  const value = Array.isArray(raw) ? (raw[0] ?? '') : raw;
  switch (spec.type) {
    case 'string':
      checkLength(name, value, spec.maxLength);
      return value;
    case 'integer': {
      if (!/^-?\d{1,15}$/.test(value)) {
        throw googleErrors.invalidParameter(
          name,
          `Invalid value '${truncate(value)}'. Values must match the following regular expression: '-?\\d+'`,
        );
      }
      const n = Number(value);
      if ((spec.min !== undefined && n < spec.min) || n > 2 ** 31 - 1 || n < -(2 ** 31)) {
        throw googleErrors.invalidParameter(
          name,
          `Invalid value '${value}'. Values must be within the range: [${spec.min ?? -(2 ** 31)}, ${spec.max ?? 2 ** 31 - 1}]`,
        );
      }
      return n;
    }
    case 'boolean': {
      if (value !== 'true' && value !== 'false') {
        throw googleErrors.invalidParameter(
          name,
          `Invalid value '${truncate(value)}'. Values must match the following regular expression: 'true|false'`,
        );
      }
      return value === 'true';
    }
    case 'enum': {
      if (!spec.values.includes(value)) {
        throw googleErrors.invalidParameter(
          name,
          `Invalid value '${truncate(value)}'. Allowed values: [${spec.values.join(', ')}]`,
        );
      }
      return value;
    }
    case 'datetime': {
      if (parseDateTime(value) === null) {
        throw googleErrors.invalidParameter(
          name,
          `Invalid value '${truncate(value)}' for ${name}: expected an RFC 3339 timestamp with a time zone offset.`,
        );
      }
      return value;
    }
  }
}

function checkLength(name: string, value: string, maxLength = 8192): void {
  if (value.length > maxLength) {
    throw googleErrors.invalidParameter(name, `Invalid value for ${name}: too long.`);
  }
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}...` : value;
}

/** The `timeZone` query parameter, checked against the IANA database. */
export function zoneParam(query: ParsedQuery): string | undefined {
  const zone = query.str('timeZone');
  if (zone !== undefined && !isValidTimeZone(zone)) {
    throw googleErrors.invalidParameter('timeZone', `Invalid time zone definition: ${zone.slice(0, 64)}`);
  }
  return zone;
}
