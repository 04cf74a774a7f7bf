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
  /** Pull Google's changes of one calendar (webhook, schedule, select, handover); one queued per calendar. */
  'calendar.pull': {
    tenantId: string;
    userId: string;
    calendarId: string;
    trigger: 'webhook' | 'schedule' | 'select' | 'retry' | 'initial';
  };
  /** Every SYNC_INTERVAL_MINUTES: enqueues a pull of every selected calendar of every active connection. */
  'calendar.scheduled-pulls': { reason: 'schedule' };
  /** Every 30 minutes: renews push channels about to expire and opens missing ones. */
  'calendar.renew-channels': { reason: 'schedule' };
  /** Push one CRM event's current state to Google (create, change, delete); one queued per event. */
  'event.push': { eventId: string; tenantId: string; userId: string };
  /** After a reconnect: pushes every CRM change of the connection that waited for it. */
  'event.push-resume': { connectionId: string; tenantId: string; userId: string };
  /** Every 5 minutes: re-enqueues pushes of pending events whose job was lost or gave up. */
  'event.push-sweep': { olderThanSeconds: number };
  /** Every minute (and every 10 s through its own follow-up): delivers due reminder notifications. */
  'notifications.fire': { followUp: boolean };
  /** Hourly: moves the reminder horizon of recurring series forward and purges stream tickets. */
  'notifications.refresh': { reason: 'schedule' };
  /** Delivers one reminder to CRM_WEBHOOK_URL (signed), retried with backoff. */
  'notifications.webhook': { notificationId: string; tenantId: string; userId: string };
}

export type JobName = keyof JobPayloads;
