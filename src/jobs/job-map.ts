/**
 * The typed job map: every background job's name and payload. `JobQueue.send` and `work` are typed
 * by it, so a job cannot be sent with the wrong payload. Add one entry (with a one-line comment) per
 * job, and its definition in src/jobs/handlers/<name>.job.ts, listed in src/jobs/handlers/index.ts.
 * Payloads are JSON: ids and ISO strings, never Date objects or class instances.
 */
export interface JobPayloads {
  /** Deletes expired OAuth `state` rows (hourly). */
  'maintenance.purge-oauth-states': { olderThanHours: number };
  /** First sync of a connection, sent in the same transaction as a completed consent (connect or reconnect). */
  'calendar.initial-sync': { connectionId: string; tenantId: string; userId: string };
}

export type JobName = keyof JobPayloads;
