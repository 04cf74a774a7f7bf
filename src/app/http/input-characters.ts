import type { FastifyInstance } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import { unstorableCharacter } from './unstorable-text.js';

/** 400: a string of the request holds a character PostgreSQL cannot store (see unstorable-text.ts). */
class InvalidCharactersError extends AppError {
  readonly code = 'invalid_characters';
}

type Location = 'params' | 'query' | 'body';

/** A JSON path as the error details name fields: `attendees.2.email`; the value itself is ''. */
function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/**
 * The first string in `value` (object keys included) that cannot be stored, with its path. An
 * explicit stack rather than recursion: a body nested thousands of levels deep cannot overflow it.
 */
function findUnstorable(value: unknown): { field: string; problem: string } | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      const problem = unstorableCharacter(current);
      if (problem !== undefined) return { field: path, problem };
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        stack.push({ value: current[index], path: join(path, index) });
      }
    } else if (typeof current === 'object' && current !== null && !Buffer.isBuffer(current)) {
      const entries = Object.entries(current);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, item] = entries[index] as [string, unknown];
        const problem = unstorableCharacter(key);
        if (problem !== undefined) return { field: join(path, JSON.stringify(key).slice(1, -1)), problem };
        stack.push({ value: item, path: join(path, key) });
      }
    }
  }
  return undefined;
}

const WHERE: Record<Location, string> = {
  params: 'path parameter',
  query: 'query parameter',
  body: 'body field',
};

/**
 * Refuses, for every route, a NUL character or a lone UTF-16 surrogate anywhere in the path
 * parameters, the query string or the parsed body: 400 `invalid_characters` naming the field
 * (`details: { location, field }`), before validation and before any of it reaches the database.
 * Raw bodies (Buffers: the webhook receiver's) are not text and are left alone.
 */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const parts: [Location, unknown][] = [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ];
    for (const [location, value] of parts) {
      const found = findUnstorable(value);
      if (found === undefined) continue;
      const name =
        found.field === ''
          ? `The ${location === 'body' ? 'body' : location}`
          : `${WHERE[location]} "${found.field}"`;
      throw new InvalidCharactersError(
        `${name.charAt(0).toUpperCase()}${name.slice(1)} contains ${found.problem}, which cannot be stored`,
        { location, field: found.field === '' ? null : found.field },
      );
    }
  });
}
