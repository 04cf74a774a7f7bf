import type { TestApp } from './harness.js';

/** A JSON schema as the OpenAPI document of the service holds it (what the tests read of it). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

/** One operation of the OpenAPI document: its method, path and what it takes. */
export interface OpenApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as the document writes it: `/calendar/events/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body's schema, when it takes one. */
  body: JsonSchema | undefined;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation `GET /openapi.json` documents. */
export async function openApiRoutes(t: TestApp): Promise<OpenApiRoute[]> {
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<
      string,
      Partial<
        Record<
          (typeof METHODS)[number],
          {
            parameters?: Parameter[];
            requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
          }
        >
      >
    >;
  }>();
  const routes: OpenApiRoute[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = operations[method];
      if (operation === undefined) continue;
      routes.push({
        method: method.toUpperCase() as OpenApiRoute['method'],
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return routes;
}

/**
 * Percent-encodes a path segment. A lone UTF-16 surrogate has no UTF-8 form: it is sent as the
 * three bytes of its code unit (`%ED%A0%80`), which is not UTF-8 either, as a hostile client would.
 */
function encodeSegment(value: string): string {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (unit) => {
    if (unit.length === 2 || !/[\uD800-\uDFFF]/.test(unit)) return encodeURIComponent(unit);
    const code = unit.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
      .map((byte) => `%${byte.toString(16).toUpperCase()}`)
      .join('');
  });
}

/** The route's path with each `{param}` replaced by `value(name)`, URL-encoded. */
export function fillPath(route: OpenApiRoute, value: (name: string) => string): string {
  return route.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeSegment(value(name)));
}
