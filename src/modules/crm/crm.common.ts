import type { Kysely } from 'kysely';
import type { Clock } from '../../adapters/clock.js';
import type { Database } from '../../adapters/db/tables/index.js';
import { ValidationError } from '../../kernel/errors.js';
import type { EntityType, ListOptions } from './crm.types.js';
import { lookupEntity } from './entities.js';
import { InvalidReferenceError } from './crm.errors.js';
import { decodeCursor, type CursorPosition } from './pagination.js';

/** What the CRM services need from the outside world. */
export interface CrmDeps {
  db: Kysely<Database>;
  clock: Clock;
}

const MAX_PAGE_SIZE = 200;

/** Validates paging input and decodes the cursor of list `scope`. */
export function readListOptions(
  scope: string,
  options: ListOptions,
): { q: string | undefined; after: CursorPosition | undefined; limit: number } {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_PAGE_SIZE) {
    throw new ValidationError(`limit must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  const q = options.q?.trim();
  return {
    q: q === undefined || q === '' ? undefined : q,
    after: options.cursor === undefined ? undefined : decodeCursor(scope, options.cursor),
    limit: options.limit,
  };
}

/**
 * Checks that a referenced record exists in the same tenant and holds it until the transaction
 * ends. A record of another tenant is reported exactly like a missing one.
 */
export async function requireReference(
  db: Kysely<Database>,
  tenantId: string,
  field: string,
  type: EntityType,
  id: string,
): Promise<void> {
  const found = await lookupEntity(db, tenantId, type, id, true);
  if (found === undefined) {
    throw new InvalidReferenceError(`${field} does not name a ${type} of this tenant`, {
      field,
      entity_type: type,
      entity_id: id,
    });
  }
}

/** Trims a required name and refuses blank ones. */
export function requireName(name: string, what: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new ValidationError(`${what} name must not be blank`, { field: 'name' });
  if (trimmed.length > 200) throw new ValidationError(`${what} name is longer than 200 characters`);
  return trimmed;
}

/** Trims an optional text field; blank becomes null. `undefined` (not given) stays undefined. */
export function optionalText(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
