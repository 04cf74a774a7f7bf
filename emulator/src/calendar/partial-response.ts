import { googleErrors } from '../errors.js';

/**
 * Partial responses (`fields=items(id,status),nextSyncToken`), the standard Google query parameter.
 * See https://developers.google.com/workspace/calendar/api/guides/performance#partial-response
 */
type FieldTree = Map<string, FieldTree | true>;

export function parseFields(spec: string): FieldTree {
  let pos = 0;
  const fail = (): never => {
    throw googleErrors.invalidParameter('fields', `Invalid field selection ${spec}`);
  };

  function parseList(): FieldTree {
    const tree: FieldTree = new Map();
    for (;;) {
      parsePath(tree);
      if (spec[pos] === ',') {
        pos++;
        continue;
      }
      return tree;
    }
  }

  function parsePath(into: FieldTree): void {
    const start = pos;
    while (pos < spec.length && /[A-Za-z0-9_*$.-]/.test(spec[pos] ?? '')) pos++;
    const name = spec.slice(start, pos).trim();
    if (!name) fail();
    if (spec[pos] === '/') {
      pos++;
      const child = subtree(into, name);
      parsePath(child);
      return;
    }
    if (spec[pos] === '(') {
      pos++;
      const nested = parseList();
      if (spec[pos] !== ')') fail();
      pos++;
      const child = subtree(into, name);
      for (const [k, v] of nested) child.set(k, v);
      return;
    }
    into.set(name, true);
  }

  function subtree(into: FieldTree, name: string): FieldTree {
    const existing = into.get(name);
    if (existing instanceof Map) return existing;
    if (existing === true) return new Map();
    const created: FieldTree = new Map();
    into.set(name, created);
    return created;
  }

  const tree = parseList();
  if (pos !== spec.length) fail();
  return tree;
}

export function applyFields(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((item) => applyFields(item, tree));
  if (value === null || typeof value !== 'object') return value;
  if (tree.get('*') === true) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (key === '*') continue;
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    out[key] = sub === true ? field : applyFields(field, sub);
  }
  return out;
}
