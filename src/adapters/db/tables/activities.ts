import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';
import type { EntityType, StoredAttendee } from '../../../kernel/values.js';
import type { DateOnly, Timestamp, TimestampDefault } from './column-types.js';

// Owner: src/modules/crm. SQL on this table stands only there (eslint.config.js).
export interface ActivitiesTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  entity_type: EntityType;
  entity_id: string;
  type: string;
  title: string;
  description: string | null;
  status: ColumnType<'scheduled' | 'cancelled' | 'done', 'scheduled' | 'cancelled' | 'done' | undefined>;
  event_id: string | null;
  meeting_start_at: Timestamp | null;
  meeting_end_at: Timestamp | null;
  meeting_start_date: DateOnly | null;
  meeting_end_date: DateOnly | null;
  meeting_attendees: JSONColumnType<StoredAttendee[], string | undefined, string>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export type ActivityRow = Selectable<ActivitiesTable>;
