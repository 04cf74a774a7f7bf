import type { Migration } from 'kysely';
import * as initial from './20261124120000_initial.js';

/**
 * Every migration, by name (its timestamped file name). A static map rather than a folder scan, so
 * the list is checked by the compiler and works the same from source and from a bundle.
 * Forward-only: add a new timestamped file and one line here; never edit a landed migration.
 */
export const migrations: Record<string, Migration> = {
  '20261124120000_initial': initial,
};
