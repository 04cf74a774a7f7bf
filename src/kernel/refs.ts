/** How rows are addressed within their owner's scope: every query is scoped by tenant and user. */

/** Who owns a row: every query is scoped by both. */
export interface Owner {
  tenantId: string;
  userId: string;
}

/** Enough to address one connection with its owner scope (what jobs carry around). */
export interface ConnectionRef extends Owner {
  id: string;
}

/** One CRM calendar (calendars.id) within its owner's scope. */
export interface CalendarRef extends Owner {
  calendarId: string;
}
