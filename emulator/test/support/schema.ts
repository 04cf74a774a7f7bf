import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

/**
 * Validators built from Google's Calendar API v3 discovery document. Every response the suite
 * receives is checked against the schema the discovery document names for its method: right
 * types, right formats, and no field the discovery document does not list.
 */

interface DiscoverySchema {
  $ref?: string;
  type?: string;
  format?: string;
  default?: string;
  items?: DiscoverySchema;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
}

interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  response?: { $ref: string };
}

interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

interface DiscoveryDocument {
  revision: string;
  servicePath: string;
  schemas: Record<string, DiscoverySchema>;
  resources: Record<string, DiscoveryResource>;
}

type JsonSchema = Record<string, unknown>;

/** Google's discovery document, revision 20260519 (the revision the emulator follows). */
const discoveryUrl = new URL(
  '../../../../shared/google/calendar-v3.discovery-20260519.json',
  import.meta.url,
);
export const discovery = JSON.parse(readFileSync(discoveryUrl, 'utf8')) as DiscoveryDocument;

/**
 * Converts one discovery schema to JSON Schema; objects that list properties allow no others.
 * `any` (e.g. `workingLocationProperties.homeOffice`) takes any JSON value.
 */
function toJsonSchema(schema: DiscoverySchema, propertyName?: string): JsonSchema {
  if (schema.$ref) return { $ref: `#/$defs/${schema.$ref}` };
  const out: JsonSchema = {};
  switch (schema.type) {
    case 'any':
      return out;
    case 'string':
      out.type = 'string';
      // int64 travels as a decimal string in Google's JSON.
      if (schema.format === 'int64') out.pattern = '^-?[0-9]+$';
      else if (schema.format === 'date' || schema.format === 'date-time') out.format = schema.format;
      // A resource's `kind` is fixed: the discovery document gives it as the default.
      if (propertyName === 'kind' && schema.default) out.const = schema.default;
      break;
    case 'integer':
      out.type = 'integer';
      if (schema.format === 'int32') Object.assign(out, { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 });
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'array':
      out.type = 'array';
      if (schema.items) out.items = toJsonSchema(schema.items);
      break;
    case 'object':
      out.type = 'object';
      if (schema.properties) {
        out.properties = Object.fromEntries(
          Object.entries(schema.properties).map(([name, prop]) => [name, toJsonSchema(prop, name)]),
        );
        out.additionalProperties = false;
      } else if (schema.additionalProperties) {
        out.additionalProperties = toJsonSchema(schema.additionalProperties);
      }
      break;
    default:
      throw new Error(`discovery schema type ${String(schema.type)} is not handled`);
  }
  return out;
}

const defs = Object.fromEntries(
  Object.entries(discovery.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
);

const ajv = new Ajv({ allErrors: true, strict: true });
// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (instance: Ajv, formats: string[]) => Ajv;
addFormats(ajv, ['date', 'date-time']);
ajv.addSchema({ $id: 'calendar-v3', $defs: defs });

const validators = new Map<string, ValidateFunction>();

function validatorFor(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    if (!discovery.schemas[name]) throw new Error(`no discovery schema named ${name}`);
    validate = ajv.compile({ $ref: `calendar-v3#/$defs/${name}` });
    validators.set(name, validate);
  }
  return validate;
}

/** Problems found validating `body` against discovery schema `name`; empty when it conforms. */
export function schemaErrors(name: string, body: unknown): string[] {
  const validate = validatorFor(name);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${JSON.stringify(e.params)})` : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Asserts that `body` conforms to discovery schema `name` (e.g. 'Event', 'Events', 'Channel'). */
export function expectSchema(name: string, body: unknown): void {
  expect(schemaErrors(name, body), `${name} does not conform to the discovery schema`).toEqual([]);
}

interface RouteSchema {
  methodId: string;
  httpMethod: string;
  pattern: RegExp;
  params: number;
  response: string | undefined;
}

function collectRoutes(resources: Record<string, DiscoveryResource>, out: RouteSchema[]): RouteSchema[] {
  for (const resource of Object.values(resources)) {
    for (const method of Object.values(resource.methods ?? {})) {
      const source = `/${discovery.servicePath}${method.path}`
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('');
      out.push({
        methodId: method.id,
        httpMethod: method.httpMethod,
        pattern: new RegExp(`^${source}$`),
        params: (method.path.match(/\{/g) ?? []).length,
        response: method.response?.$ref,
      });
    }
    if (resource.resources) collectRoutes(resource.resources, out);
  }
  return out;
}

// Literal paths (`events/watch`) win over templated ones (`events/{eventId}`).
const routes = collectRoutes(discovery.resources, []).sort((a, b) => a.params - b.params);

/** The discovery method an HTTP request addresses, or undefined outside the Calendar API. */
export function routeFor(
  httpMethod: string,
  pathname: string,
): { methodId: string; response: string | undefined } | undefined {
  const method = httpMethod.toUpperCase();
  return routes.find((r) => r.httpMethod === method && r.pattern.test(pathname));
}

/** Discovery method ids whose successful responses have been validated in this test file. */
export const validatedMethods = new Map<string, number>();

/** Validates a successful Calendar API response against the schema of the method it answers. */
export function expectResponseSchema(httpMethod: string, url: string | URL, body: unknown): void {
  const route = routeFor(httpMethod, new URL(url).pathname);
  if (!route?.response) return;
  expectSchema(route.response, body);
  validatedMethods.set(route.methodId, (validatedMethods.get(route.methodId) ?? 0) + 1);
}
