/** The CRM module: minimal records (contacts, companies, deals) and their activity timelines. */
export {
  ActivityService,
  meetingTitle,
  type EntityTypeName,
  type MeetingAttendee,
  type MeetingInput,
} from './activity.service.js';
export { eventMeeting, meetingWhen } from './event-meeting.js';
export { CompanyService } from './companies.service.js';
export { ContactService } from './contacts.service.js';
export { DealService } from './deals.service.js';
export { CrmService } from './crm.service.js';
export type { CrmDeps } from './crm.common.js';
export { InvalidReferenceError } from './crm.errors.js';
export { ENTITY_TYPES, normalizeEntityType } from './entities.js';
export type { MeetingTime } from './meeting-time.js';
export { seedDemoData, DEMO_TENANTS } from './demo-seed.js';
export type * from './crm.types.js';
