export {
  changedFields,
  crmPrivateProperties,
  eventZone,
  linkedRecord,
  localMergeFields,
  rowToCrmFields,
  rowToEventFields,
  wantsConference,
} from './event-fields.js';
export { eventMeeting, meetingWhen } from './event-meeting.js';
export {
  enqueuePush,
  fieldColumns,
  findSeriesMaster,
  insertRow,
  occurrenceRowValues,
  occurrenceTimes,
  pendingColumns,
  updateRow,
} from './event-rows.js';
export {
  type EventItem,
  eventItemJson,
  instanceItemId,
  parseEventItemId,
  toEventItem,
  toInstanceItem,
} from './event-view.js';
export { type EventFilters, EventsRepository } from './events.repository.js';
export { mapEventTimes } from './mapping/event-times.js';
export {
  CRM_PROPERTY,
  crmEventToGoogle,
  EventMappingError,
  googleEventIdFromUuid,
  googleEventToRow,
  type MappedEventRow,
  type MergeFields,
  mergeFieldsToGoogle,
  parseSnapshot,
  snapshotOf,
} from './mapping/from-google.js';
export { type ResolvedRange, resolveRange } from './range.js';
export { calendarEventsRepository } from './repositories/calendar-events.repository.js';
export { eventLookupsRepository } from './repositories/event-lookups.repository.js';
export { localChangesRepository } from './repositories/local-changes.repository.js';
export { movedEventsRepository } from './repositories/moved-events.repository.js';
export {
  type DoomedRow,
  pulledPagesRepository,
  type StoredLink,
  type UpsertedEventRow,
} from './repositories/pulled-pages.repository.js';
export { type EventKey, PushRepository, type PushSubject } from './repositories/push.repository.js';
export type { EventRow, EventsTable } from '../../adapters/db/tables/events.js';
