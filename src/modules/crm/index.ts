/** The CRM module: minimal records (contacts, companies, deals) and their activity timelines. */
export { ActivityService, type MeetingInput } from './activity.service.js';
export { CrmService } from './crm.service.js';
export { InvalidReferenceError } from './crm.errors.js';
export { seedDemoData, DEMO_TENANTS } from './demo-seed.js';
export type * from './crm.types.js';
export { type EntityRef } from './crm.types.js';
export { formatCents, parseAmountToCents } from './money.js';
