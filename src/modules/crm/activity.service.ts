import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../adapters/db/tables/index.js';
import type { StoredAttendee } from '../../kernel/values.js';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import { readListOptions, type CrmDeps } from './crm.common.js';
import { InvalidReferenceError } from './crm.errors.js';
import type { Activity, Contact, EntityRef, EntityType, ListOptions, Page } from './crm.types.js';
import { lookupEntity, normalizeEntityType } from './entities.js';
import { resolveMeetingWhen, type MeetingTime } from './meeting-time.js';
import { isUuid, toPage } from './pagination.js';
import { activitiesRepository, type MeetingColumns } from './repositories/activities.repository.js';
import { contactsRepository } from './repositories/contacts.repository.js';

/** An attendee as callers have it: an email, or Google's fields (snake-cased as stored on events). */
export type MeetingAttendee =
  | string
  | {
      email: string;
      name?: string | null | undefined;
      status?: StoredAttendee['status'] | undefined;
      optional?: boolean | undefined;
      organizer?: boolean | undefined;
      self?: boolean | undefined;
    };

/** A meeting on a CRM record, mirrored from the CRM event `eventId` (events.id). */
export interface MeetingInput {
  tenantId: string;
  /** Who scheduled it; kept from the first log when the activity already exists. */
  userId: string;
  entityType: EntityType;
  entityId: string;
  eventId: string;
  /** The event's title; the activity is titled "Meeting scheduled: <title>". */
  title: string | null | undefined;
  description?: string | null | undefined;
  /** Instants (Date or ISO 8601 with offset) for timed meetings, 'YYYY-MM-DD' for all-day ones. */
  start: MeetingTime;
  end: MeetingTime;
  attendees?: readonly MeetingAttendee[] | undefined;
}

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * What the activity timeline needs from the rest of the service. `findEvent` reads an event of
 * the tenant by id (in the caller's transaction): the events module owns `events` and sits above
 * this one, so the app passes its repository in (`eventLookupsRepository.idInTenant`).
 */
export interface ActivityDeps extends CrmDeps {
  findEvent: (db: Executor, tenantId: string, eventId: string) => Promise<{ id: string } | undefined>;
}

/** 'contact' | 'company' | 'deal', or the plural forms used in URLs ('contacts', ...). */
type EntityTypeName = EntityType | 'contacts' | 'companies' | 'deals';

function meetingTitle(title: string | null | undefined): string {
  const text = title?.trim() ?? '';
  return `Meeting scheduled: ${text === '' ? '(No title)' : text}`;
}

function toStoredAttendee(attendee: MeetingAttendee): StoredAttendee {
  const given = typeof attendee === 'string' ? { email: attendee } : attendee;
  const email = given.email.trim();
  if (email === '') throw new ValidationError('an attendee has no email');
  const stored: StoredAttendee = { email, status: given.status ?? 'needsAction' };
  if (given.name !== undefined && given.name !== null && given.name !== '') stored.name = given.name;
  if (given.optional === true) stored.optional = true;
  if (given.organizer === true) stored.organizer = true;
  if (given.self === true) stored.self = true;
  return stored;
}

function meetingColumns(input: MeetingInput): MeetingColumns {
  const when = resolveMeetingWhen(input.start, input.end);
  if ('error' in when) throw new ValidationError(`meeting time: ${when.error}`);
  return {
    title: meetingTitle(input.title),
    description: input.description ?? null,
    when,
    attendees: (input.attendees ?? []).map(toStoredAttendee),
  };
}

/**
 * The activity timeline of CRM records and the meeting activities that calendar sync keeps up to
 * date. Every write takes an optional transaction so the sync engine can log a meeting in the
 * same transaction as the event change that caused it.
 */
export class ActivityService {
  constructor(private readonly deps: ActivityDeps) {}

  /** Runs `work` in `trx` when given, else in a transaction of its own. */
  private async within<T>(
    trx: Transaction<Database> | undefined,
    work: (db: Transaction<Database>) => Promise<T>,
  ): Promise<T> {
    return trx === undefined ? this.deps.db.transaction().execute(work) : work(trx);
  }

  private async upsert(
    db: Transaction<Database>,
    input: MeetingInput,
    meeting: MeetingColumns,
  ): Promise<Activity> {
    await this.assertEntityExists(input.tenantId, input.entityType, input.entityId, db);
    await this.assertEventExists(db, input.tenantId, input.eventId);
    const key = {
      tenant_id: input.tenantId,
      user_id: input.userId,
      entity_type: input.entityType,
      entity_id: input.entityId,
      event_id: input.eventId,
    };
    return activitiesRepository.upsertMeeting(db, key, meeting, this.deps.clock.now());
  }

  /**
   * Logs the `meeting` activity of (event, record): inserted the first time, refreshed (and
   * un-cancelled) on every later call, so calling it again never makes a second activity.
   * Throws InvalidReferenceError when the record or the event is not in the tenant.
   */
  async logMeeting(input: MeetingInput, trx?: Transaction<Database>): Promise<Activity> {
    const meeting = meetingColumns(input);
    return this.within(trx, (db) => this.upsert(db, input, meeting));
  }

  /**
   * A meeting was rescheduled or edited: refreshes the details on every record the event is
   * linked to, and makes sure the given record has its activity (upsert, as logMeeting).
   */
  async updateMeeting(input: MeetingInput, trx?: Transaction<Database>): Promise<Activity> {
    const meeting = meetingColumns(input);
    return this.within(trx, async (db) => {
      const activity = await this.upsert(db, input, meeting);
      await activitiesRepository.updateMeetingForEvent(
        db,
        input.tenantId,
        input.eventId,
        meeting,
        this.deps.clock.now(),
      );
      return activity;
    });
  }

  /** The meeting was cancelled: every activity of the event is marked cancelled. Idempotent. */
  async cancelMeeting(eventId: string, trx?: Transaction<Database>): Promise<number> {
    if (!isUuid(eventId)) throw new ValidationError(`eventId is not an event id: ${eventId}`);
    return activitiesRepository.cancelForEvent(trx ?? this.deps.db, eventId, this.deps.clock.now());
  }

  /**
   * The events are gone: every activity of each is marked cancelled, whatever the record it is on
   * (the one the event is linked to, or a contact among its attendees). Idempotent.
   */
  async cancelMeetings(events: readonly { id: string }[], trx?: Transaction<Database>): Promise<number> {
    const ids = events.map((event) => event.id);
    const invalid = ids.find((id) => !isUuid(id));
    if (invalid !== undefined) throw new ValidationError(`eventId is not an event id: ${invalid}`);
    return activitiesRepository.cancelForEvents(trx ?? this.deps.db, ids, this.deps.clock.now());
  }

  /**
   * The meetings now concern only the records each event `keep`s (its linked record and the
   * contacts among its attendees): their activities on any other record (an attendee removed, a
   * link moved) are marked cancelled. Idempotent; a record added back later is un-cancelled by
   * logMeeting.
   */
  async cancelMeetingsElsewhere(
    tenantId: string,
    events: readonly { eventId: string; keep: readonly Pick<EntityRef, 'type' | 'id'>[] }[],
    trx?: Transaction<Database>,
  ): Promise<number> {
    if (events.length === 0) return 0;
    const keys = events.map((event) => ({
      eventId: event.eventId,
      keep: event.keep.map((ref) => `${ref.type}/${ref.id}`),
    }));
    return activitiesRepository.cancelForEventsExcept(
      trx ?? this.deps.db,
      tenantId,
      keys,
      this.deps.clock.now(),
    );
  }

  /** The record of that type and id in the tenant, or undefined (also for another tenant's). */
  async findEntity(
    tenantId: string,
    type: EntityTypeName,
    id: string,
    trx?: Executor,
  ): Promise<EntityRef | undefined> {
    const entityType = normalizeEntityType(type);
    if (entityType === undefined) return undefined;
    return lookupEntity(trx ?? this.deps.db, tenantId, entityType, id, trx?.isTransaction === true);
  }

  /**
   * Like findEntity, but a missing record is an InvalidReferenceError (400 `invalid_reference`):
   * for callers validating a link to a record given in a request. Inside a transaction the record
   * is held until it ends, so it cannot be deleted under the write.
   */
  async assertEntityExists(
    tenantId: string,
    type: EntityTypeName,
    id: string,
    trx?: Executor,
  ): Promise<EntityRef> {
    const entityType = normalizeEntityType(type);
    if (entityType === undefined) {
      throw new ValidationError(`entity_type must be one of contact, company, deal; got ${type}`, {
        field: 'entity_type',
      });
    }
    const found = await this.findEntity(tenantId, entityType, id, trx);
    if (found === undefined) {
      throw new InvalidReferenceError(`entity_id does not name a ${entityType} of this tenant`, {
        field: 'entity_id',
        entity_type: entityType,
        entity_id: id,
      });
    }
    return found;
  }

  /** Contacts of the tenant whose email is one of `emails`, ignoring case. */
  async findContactsByEmails(
    tenantId: string,
    emails: readonly string[],
    trx?: Executor,
  ): Promise<Contact[]> {
    return contactsRepository.findByEmails(trx ?? this.deps.db, tenantId, emails);
  }

  /** A record's timeline, newest first. NotFoundError when the record is not in the tenant. */
  async listForEntity(
    tenantId: string,
    type: EntityTypeName,
    id: string,
    options: Omit<ListOptions, 'q'>,
  ): Promise<Page<Activity>> {
    const entity = await this.findEntity(tenantId, type, id);
    if (entity === undefined) throw new NotFoundError(`No ${normalizeEntityType(type) ?? 'record'} ${id}`);
    const scope = `activities:${entity.type}:${entity.id}`;
    const { after, limit } = readListOptions(scope, options);
    const rows = await activitiesRepository.listForEntity(this.deps.db, tenantId, entity.type, entity.id, {
      after,
      limit: limit + 1,
    });
    return toPage(rows, limit, scope, (activity) => ({
      key: activity.createdAt.toISOString(),
      id: activity.id,
    }));
  }

  private async assertEventExists(db: Executor, tenantId: string, eventId: string): Promise<void> {
    const event = isUuid(eventId) ? await this.deps.findEvent(db, tenantId, eventId) : undefined;
    if (event === undefined) {
      throw new InvalidReferenceError(`eventId does not name an event of this tenant: ${eventId}`, {
        field: 'event_id',
      });
    }
  }
}
