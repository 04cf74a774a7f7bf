/**
 * The database as Kysely sees it: one row-type file per table in ./tables (each written only by the
 * module that owns the table, see docs/ARCHITECTURE.md). Keep in step with ./migrations.
 */
import type { ActivitiesTable } from './activities.js';
import type { CalendarsTable } from './calendars.js';
import type { CompaniesTable } from './companies.js';
import type { ConnectionsTable } from './connections.js';
import type { ContactsTable } from './contacts.js';
import type { DealsTable } from './deals.js';
import type { EventsTable } from './events.js';
import type { GoogleRequestBudgetTable } from './google-request-budget.js';
import type { NotificationStreamTicketsTable } from './notification-stream-tickets.js';
import type { NotificationsTable } from './notifications.js';
import type { OAuthStatesTable } from './oauth-states.js';
import type { SkippedEventsTable } from './skipped-events.js';
import type { UsersTable } from './users.js';

export interface Database {
  users: UsersTable;
  oauth_states: OAuthStatesTable;
  connections: ConnectionsTable;
  calendars: CalendarsTable;
  skipped_events: SkippedEventsTable;
  companies: CompaniesTable;
  contacts: ContactsTable;
  deals: DealsTable;
  events: EventsTable;
  activities: ActivitiesTable;
  notifications: NotificationsTable;
  notification_stream_tickets: NotificationStreamTicketsTable;
  google_request_budget: GoogleRequestBudgetTable;
}
