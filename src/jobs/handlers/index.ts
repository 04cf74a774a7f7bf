import type { AnyJobDefinition } from '../definition.js';
import { purgeOAuthStatesJob } from './purge-oauth-states.job.js';

/**
 * Every job the service runs. Workers register a handler for each; every process creates each
 * queue at start, so any role can send any job. Add one line per job file.
 */
export const jobDefinitions: readonly AnyJobDefinition[] = [
  purgeOAuthStatesJob,
];
