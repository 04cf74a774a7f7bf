import type { EntityType, StoredAttendee } from '../../kernel/values.js';

export type { EntityType } from '../../kernel/values.js';

/** Who is acting: every CRM read and write is scoped by the tenant; the user is recorded as owner. */
export interface Actor {
  tenantId: string;
  userId: string;
}

export interface Company {
  id: string;
  tenantId: string;
  ownerUserId: string;
  name: string;
  domain: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Contact {
  id: string;
  tenantId: string;
  ownerUserId: string;
  name: string;
  /** As the user typed it; matched case-insensitively. */
  email: string | null;
  phone: string | null;
  companyId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Deal {
  id: string;
  tenantId: string;
  ownerUserId: string;
  name: string;
  stage: string;
  /** Hundredths of the currency unit. */
  amountCents: number | null;
  currency: string | null;
  companyId: string | null;
  contactId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A partial update: fields left undefined keep their value; null clears a nullable field. */
export type PatchOf<T> = { [K in keyof T]?: T[K] | undefined };

export interface NewCompany {
  name: string;
  domain?: string | null | undefined;
}
export type CompanyPatch = PatchOf<NewCompany>;

export interface NewContact {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  companyId?: string | null | undefined;
}
export type ContactPatch = PatchOf<NewContact>;

export interface NewDeal {
  name: string;
  stage?: string | undefined;
  amountCents?: number | null | undefined;
  currency?: string | null | undefined;
  companyId?: string | null | undefined;
  contactId?: string | null | undefined;
}
export type DealPatch = PatchOf<NewDeal>;

/** A CRM record that calendar events and activities can point at. */
export interface EntityRef {
  type: EntityType;
  id: string;
  name: string;
}

/** When a meeting happens: instants for timed meetings, dates (end exclusive) for all-day ones. */
export type MeetingWhen =
  { allDay: false; start: Date; end: Date } | { allDay: true; start: string; end: string };

export type ActivityStatus = 'scheduled' | 'cancelled' | 'done';

export interface Activity {
  id: string;
  tenantId: string;
  userId: string;
  entityType: EntityType;
  entityId: string;
  type: string;
  title: string;
  description: string | null;
  status: ActivityStatus;
  /** The CRM event (events.id) a meeting activity mirrors. */
  eventId: string | null;
  meeting: (MeetingWhen & { attendees: StoredAttendee[] }) | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One page of a keyset-paginated list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListOptions {
  /** Case-insensitive substring search. */
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}
