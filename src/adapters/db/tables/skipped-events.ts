import type { Timestamp } from './column-types.js';

// Owner: src/modules/calendars. SQL on this table stands only there (eslint.config.js).
/** Events of a calendar that Google sent and the CRM could not store, with the reason (the pull's quarantine). */
export interface SkippedEventsTable {
  calendar_id: string;
  /** Google's id as far as it can be stored ('' when the event had none). */
  google_event_id: string;
  tenant_id: string;
  user_id: string;
  reason: string;
  skipped_at: Timestamp;
}
